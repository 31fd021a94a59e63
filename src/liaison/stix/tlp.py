"""TLP 2.0 marking definitions as OASIS publishes them, and reading an object's TLP level.

Identifiers and content are those of the OASIS cti-stix-common-objects repository
(extension-definition-specifications/tlp-2.0 and objects/marking-definition): the TLP 2.0
extension is extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d and every marking was
created 2022-10-01T00:00:00.000Z. The four TLP 1.0 markings of the STIX 2.1 specification
(section 7.2.1.4) are recognised too, mapped to their TLP 2.0 meaning (WHITE is CLEAR).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

TLP_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_MARKING_CREATED = "2022-10-01T00:00:00.000Z"


class Tlp(StrEnum):
    """The five TLP 2.0 levels, from least to most restrictive."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def label(self) -> str:
        """The TLP label as people write it, e.g. TLP:AMBER+STRICT."""
        return f"TLP:{self.value.upper()}"

    @property
    def marking_id(self) -> str:
        """The OASIS marking-definition id of this level."""
        return TLP_MARKING_IDS[self]


TLP_MARKING_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_V1_MARKING_IDS: dict[str, Tlp] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": Tlp.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": Tlp.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": Tlp.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": Tlp.RED,
}
LEVEL_BY_MARKING_ID: dict[str, Tlp] = {
    **{marking: level for level, marking in TLP_MARKING_IDS.items()},
    **TLP_V1_MARKING_IDS,
}
_RANK = {level: rank for rank, level in enumerate(Tlp)}


def parse_tlp(text: str) -> Tlp:
    """A TLP level from user text: 'green', 'TLP:GREEN', 'amber+strict', 'AMBER_STRICT'…"""
    cleaned = text.strip().lower().removeprefix("tlp:").replace("_", "+").replace(" ", "")
    if cleaned == "white":
        return Tlp.CLEAR
    try:
        return Tlp(cleaned)
    except ValueError:
        raise ValueError(
            f"unknown TLP level '{text}' (use clear, green, amber, amber+strict or red)"
        ) from None


def marking_definition(level: Tlp) -> dict[str, Any]:
    """The OASIS TLP 2.0 marking-definition object for `level`, exactly as published."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": level.marking_id,
        "created": TLP_MARKING_CREATED,
        "name": level.label,
        "extensions": {
            TLP_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": level.value}
        },
    }


def all_marking_definitions() -> list[dict[str, Any]]:
    """The five TLP 2.0 marking definitions, least restrictive first."""
    return [marking_definition(level) for level in Tlp]


def object_tlp(obj: Mapping[str, Any]) -> Tlp | None:
    """The object's TLP level from object_marking_refs (the strictest if several), or None."""
    refs = obj.get("object_marking_refs")
    if not isinstance(refs, list):
        return None
    levels = [LEVEL_BY_MARKING_ID[ref] for ref in refs if ref in LEVEL_BY_MARKING_ID]
    if not levels:
        return None
    return max(levels, key=_RANK.__getitem__)
