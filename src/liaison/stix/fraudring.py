"""The liaison fraud-ring extension: a property extension of the STIX `incident` SDO.

A suspected visa-fraud ring travels as an incident any STIX reader can show (its name and
description say what it is and why it was flagged); the extension carries the structured part:
the ring's risk score, its reasons (each a signal, the kind of attribute involved and counts),
the application ids of its members (the schema marks them as not personal: file numbers the
receiving officer can cite in a request for information), the number of distinct identities,
the kinds of attribute the members share and the span of application dates. It never carries
the shared values themselves (a phone number, a passport number, a name): least data, DESIGN.md
principle 6. `ring_extension_valid` checks the body at admission, on every node.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from liaison.stix.extensions import FRAUD_RING_EXTENSION_ID
from liaison.stix.rules import Report, Rule, report_model_errors

AttributeKind = Literal[
    "identity", "phone", "email", "address", "bank_account", "passport_number", "national_id",
    "agent", "employer",
]  # fmt: skip
Signal = Literal[
    "document-many-identities", "identity-many-documents", "shared-bank-account",
    "shared-contact", "agent-refusals", "velocity", "refusals",
]  # fmt: skip
ATTRIBUTE_KINDS: tuple[str, ...] = get_args(AttributeKind)
SIGNALS: tuple[str, ...] = get_args(Signal)
_DATE = r"^\d{4}-\d{2}-\d{2}$"


class RingReason(BaseModel):
    """One reason a ring is flagged: the signal, the attribute kind, a count and its weight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signal: Signal
    kind: AttributeKind | None = None
    count: int = Field(ge=1)
    weight: float = Field(ge=0)
    text: str = Field(min_length=1, description="The reason in words, with no attribute value.")


class FraudRing(BaseModel):
    """The body of the fraud-ring extension under `extensions[FRAUD_RING_EXTENSION_ID]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    extension_type: Literal["property-extension"] = "property-extension"
    ring_key: str = Field(pattern=r"^[0-9a-f]{16}$", description="Hash of the member ids.")
    score: float = Field(ge=0)
    application_count: int = Field(ge=1)
    identity_count: int = Field(ge=1)
    application_refs: list[str] = Field(min_length=1, description="Members' application ids.")
    shared_kinds: list[AttributeKind] = Field(default_factory=list)
    reasons: list[RingReason] = Field(min_length=1)
    first_application_date: str | None = Field(default=None, pattern=_DATE)
    last_application_date: str | None = Field(default=None, pattern=_DATE)
    outcomes: dict[str, int] = Field(default_factory=dict)

    def as_extension(self) -> dict[str, Any]:
        """The extension body (no empty lists or dictionaries, no nulls)."""
        body = self.model_dump(mode="json", exclude_none=True)
        return {key: value for key, value in body.items() if value not in ([], {})}


def fraud_ring_of(obj: Mapping[str, Any]) -> FraudRing | None:
    """The incident's fraud-ring extension, parsed, or None when it carries none."""
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or FRAUD_RING_EXTENSION_ID not in extensions:
        return None
    return FraudRing.model_validate(extensions[FRAUD_RING_EXTENSION_ID])


def ring_extension_valid(obj: Mapping[str, Any], report: Report) -> None:
    """An incident's fraud-ring extension, when present, has the published shape."""
    try:
        ring = fraud_ring_of(obj)
    except ValidationError as exc:
        report_model_errors(exc, report, "extensions", "fraud ring ")
        return
    if ring is not None and len(ring.application_refs) != ring.application_count:
        report("extensions", "fraud ring application_count must equal len(application_refs)")


FRAUD_RING_RULES: dict[str, tuple[Rule, ...]] = {"incident": (ring_extension_valid,)}
