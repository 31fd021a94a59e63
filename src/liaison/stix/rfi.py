"""The STIX shape of requests for information: the two new SDOs of the liaison RFI extension.

STIX 2.1 (§7.3, extension definitions) lets a producer define new object types: a new SDO keeps
every common SDO property and requirement (`type`, `spec_version`, `id`, `created`, `modified`
required) and declares itself with `extensions: {<definition id>: {"extension_type": "new-sdo"}}`.
Its type name follows the general rule (3-250 characters of a-z, 0-9 and hyphens) and must not
redefine a predefined type. `liaison.stix.validate` checks our two types with the tables below,
so a malformed RFI is rejected at admission like any other invalid object, on the node that
writes it and on the peer that receives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liaison.stix import checks as c
from liaison.stix.extensions import RFI_EVENT_TYPE, RFI_EXTENSION_ID, RFI_TYPE
from liaison.stix.rules import Report, Rule
from liaison.stix.types import COMMON_SDO, SDO_REQUIRED, TypeSpec

PILLARS = ("drugs", "cyber", "immigration-fraud", "other")
PRIORITIES = ("routine", "priority", "urgent")
EVENT_TYPES = ("acknowledge", "answer", "decline", "close")

_STR = c.string()
_PARTY = c.party_code
_TS = c.timestamp()

RFI_TYPES: dict[str, TypeSpec] = {
    RFI_TYPE: TypeSpec(
        "sdo",
        (
            *SDO_REQUIRED,
            "extensions",
            "question",
            "pillar",
            "priority",
            "due",
            "requester",
            "addressee",
        ),
        {
            **COMMON_SDO,
            "question": _STR,
            "pillar": c.enum(*PILLARS),
            "priority": c.enum(*PRIORITIES),
            "due": _TS,
            "purpose": _STR,
            "legal_basis": _STR,
            "requester": _PARTY,
            "addressee": _PARTY,
            "object_refs": c.refs(),
        },
    ),  # fmt: skip
    RFI_EVENT_TYPE: TypeSpec(
        "sdo",
        (*SDO_REQUIRED, "extensions", "rfi_ref", "previous_ref", "event_type", "party"),
        {
            **COMMON_SDO,
            "rfi_ref": c.ref(RFI_TYPE),
            "previous_ref": c.ref(RFI_TYPE, RFI_EVENT_TYPE),
            "event_type": c.enum(*EVENT_TYPES),
            "party": _PARTY,
            "text": _STR,
            "reason": _STR,
            "object_refs": c.refs(),
        },
    ),
}


def declares_new_sdo(obj: Mapping[str, Any], report: Report) -> None:
    """The object names the RFI extension definition with extension_type `new-sdo` (§7.3)."""
    extensions = obj.get("extensions")
    body = extensions.get(RFI_EXTENSION_ID) if isinstance(extensions, dict) else None
    if not isinstance(body, dict) or body.get("extension_type") != "new-sdo":
        report("extensions", f"must declare {RFI_EXTENSION_ID} with extension_type 'new-sdo'")


def rfi_parties(obj: Mapping[str, Any], report: Report) -> None:
    """An RFI is addressed to another party than the one asking."""
    if obj.get("requester") == obj.get("addressee"):
        report("addressee", "must differ from requester")


def event_content(obj: Mapping[str, Any], report: Report) -> None:
    """An answer carries its text, a decline its reason."""
    kind = obj.get("event_type")
    if kind == "answer" and not str(obj.get("text", "")).strip():
        report("text", "an answer needs text")
    if kind == "decline" and not str(obj.get("reason", "")).strip():
        report("reason", "a decline needs a reason")


def event_follows(obj: Mapping[str, Any], report: Report) -> None:
    """An event follows its own RFI (`rfi_ref`) or another event, never itself or another RFI."""
    previous = obj.get("previous_ref")
    if not isinstance(previous, str):
        return
    if previous == obj.get("id"):
        report("previous_ref", "must not be the event itself")
    elif previous.startswith(f"{RFI_TYPE}--") and previous != obj.get("rfi_ref"):
        report("previous_ref", "must be the event's own RFI (rfi_ref) or an event")


RFI_RULES: dict[str, tuple[Rule, ...]] = {
    RFI_TYPE: (declares_new_sdo, rfi_parties),
    RFI_EVENT_TYPE: (declares_new_sdo, event_content, event_follows),
}
