"""liaison's own STIX 2.1 extension definitions, published as STIX objects.

The handling extension is a property extension every shared object carries: who it may be
released to, why, under which legal basis, with which handling codes and caveats, until when it
may be kept, and how the originator evaluates it (Admiralty source reliability A–F and information
credibility 1–6). Its JSON schema ships in the package and is documented in docs/stix-extensions.md.

The signature extension is the property extension a node adds to every object it serves to a
peer: an Ed25519 signature over the RFC 8785 canonical JSON of the object without it
(`liaison.federation.signing`; docs/federation.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liaison.stix.timestamps import timestamp_problem

LIAISON_IDENTITY_ID = "identity--cbaf97b6-a188-4d5b-8a88-89078e074442"
HANDLING_EXTENSION_ID = "extension-definition--9d8409e5-5026-44c3-b729-abfeb1c622e1"
SIGNATURE_EXTENSION_ID = "extension-definition--5f1c2e4a-8b7d-4c39-9e61-2a0d7b3f6c85"
RFI_EXTENSION_ID = "extension-definition--dc3d5143-1030-473b-9b51-1dc0f56efb48"
PRECURSOR_EXTENSION_ID = "extension-definition--e115d6a8-7527-4f8a-8265-58921bd277bd"
PPRL_EXTENSION_ID = "extension-definition--cafd5b16-e5b1-402a-a64e-60d6d0df6f2e"
FRAUD_RING_EXTENSION_ID = "extension-definition--64aa31b6-44a3-4815-b909-6a76181de627"
PPRL_ENCODINGS_TYPE = "liaison-pprl-encodings"
DEFINITIONS_CREATED = "2026-11-25T00:00:00.000Z"
SCHEMA_URL = "https://github.com/liaison-project/liaison/blob/main/docs/stix-extensions.md"
SIGNATURE_SCHEMA_URL = "https://github.com/liaison-project/liaison/blob/main/docs/federation.md"


class HandlingCode(StrEnum):
    """Handling codes in the style of law-enforcement exchanges."""

    CRIME_PREVENTION_ONLY = "crime-prevention-only"  # use only to prevent and fight crime
    NO_JUDICIAL_USE = "no-judicial-use"  # not in judicial proceedings without permission
    NO_ONWARD_DISSEMINATION = "no-onward-dissemination"  # not passed on without permission


class Evaluation(BaseModel):
    """Admiralty evaluation: source reliability (A–F) and information credibility (1–6)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_reliability: str = Field(pattern=r"^[A-F]$")
    information_credibility: int = Field(ge=1, le=6)


class Handling(BaseModel):
    """The liaison handling extension carried by a shared object."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    extension_type: str = Field(default="property-extension", pattern="^property-extension$")
    releasable_to: list[str] = Field(default_factory=list, description="Party codes, e.g. 'in'.")
    recipients: list[str] = Field(default_factory=list, description="Named principals (TLP:RED).")
    purpose: str | None = None
    legal_basis: str | None = None
    handling_codes: list[HandlingCode] = Field(default_factory=list)
    other_restrictions: str | None = None
    caveats: list[str] = Field(default_factory=list)
    retain_until: str | None = None
    evaluation: Evaluation | None = None
    withdrawal_reason: str | None = None  # set by the originator on a withdrawn (revoked) version

    @field_validator("retain_until")
    @classmethod
    def _retain_until_is_timestamp(cls, value: str | None) -> str | None:
        if value is not None:
            problem = timestamp_problem(value)
            if problem:
                raise ValueError(problem)
        return value

    def as_extension(self) -> dict[str, Any]:
        """The extension body to put under `extensions[HANDLING_EXTENSION_ID]` (no empty lists)."""
        body = self.model_dump(mode="json", exclude_none=True)
        return {key: value for key, value in body.items() if value != []}


def handling_of(obj: Mapping[str, Any]) -> Handling | None:
    """The object's handling extension, parsed, or None when it carries none."""
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or HANDLING_EXTENSION_ID not in extensions:
        return None
    return Handling.model_validate(extensions[HANDLING_EXTENSION_ID])


RFI_TYPE = "liaison-rfi"
RFI_EVENT_TYPE = "liaison-rfi-event"
CORRESPONDENCE_TYPES = frozenset({RFI_TYPE, RFI_EVENT_TYPE})
"""Requests for information and their steps: correspondence between the officers of two
parties, not intelligence released to the other one."""


def is_evaluated(obj: Mapping[str, Any]) -> bool:
    """Whether the object's handling extension carries both an evaluation and caveats, or the
    object is correspondence (`CORRESPONDENCE_TYPES`), which is not graded, or a withdrawal (a
    revoked version with a `withdrawal_reason`), which must reach every peer that holds the
    object even when what it withdraws was shared before evaluations were required.

    That is what a node with `release.require_evaluation` asks of everything it releases to a
    peer (Canadian rules for disclosures to foreign entities ask for an accuracy-and-reliability
    statement and caveats on each one); admission stores the answer as `stix_objects.evaluated`.
    """
    if obj.get("type") in CORRESPONDENCE_TYPES:
        return True
    extensions = obj.get("extensions")
    handling = extensions.get(HANDLING_EXTENSION_ID) if isinstance(extensions, dict) else None
    if not isinstance(handling, dict):
        return False
    if obj.get("revoked") is True and handling.get("withdrawal_reason"):
        return True
    return bool(handling.get("evaluation")) and bool(handling.get("caveats"))


def liaison_identity() -> dict[str, Any]:
    """The identity that authors liaison's extension definitions."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": LIAISON_IDENTITY_ID,
        "created": DEFINITIONS_CREATED,
        "modified": DEFINITIONS_CREATED,
        "name": "liaison project",
        "identity_class": "organization",
        "description": "Authors of the liaison STIX 2.1 extensions.",
    }


def handling_extension_definition() -> dict[str, Any]:
    """The published extension-definition object of the liaison handling extension."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": HANDLING_EXTENSION_ID,
        "created_by_ref": LIAISON_IDENTITY_ID,
        "created": DEFINITIONS_CREATED,
        "modified": DEFINITIONS_CREATED,
        "name": "liaison handling",
        "description": (
            "Release and handling conditions set by the originator of shared intelligence: "
            "releasable-to parties and named recipients, purpose, legal basis, handling codes, "
            "caveats, retain-until and an Admiralty evaluation (source reliability A-F, "
            "information credibility 1-6)."
        ),
        "schema": SCHEMA_URL + "#liaison-handling",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def signature_extension_definition() -> dict[str, Any]:
    """The published extension-definition object of the liaison signature extension."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": SIGNATURE_EXTENSION_ID,
        "created_by_ref": LIAISON_IDENTITY_ID,
        "created": DEFINITIONS_CREATED,
        "modified": DEFINITIONS_CREATED,
        "name": "liaison signature",
        "description": (
            "The signature of the node that originated (or first served) the object: node name, "
            "the party it vouches originated the object, key_id (first 16 hex digits of SHA-256 "
            "of the raw Ed25519 public key) and an Ed25519 signature (base64url, no padding) over "
            "the RFC 8785 canonical JSON of the object whose copy of this extension lacks only "
            "'signature'."
        ),
        "schema": SIGNATURE_SCHEMA_URL + "#signature-format",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def rfi_extension_definition() -> dict[str, Any]:
    """The published extension-definition of the two new SDOs that carry requests for information.

    `liaison-rfi` is a question one party asks another; `liaison-rfi-event` is one step of its
    life (acknowledge, answer, decline, close). Both are shared like any other object, so the
    RFI federates and both nodes fold the same events into the same state (docs/exchange.md).
    """
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": RFI_EXTENSION_ID,
        "created_by_ref": LIAISON_IDENTITY_ID,
        "created": DEFINITIONS_CREATED,
        "modified": DEFINITIONS_CREATED,
        "name": "liaison request for information",
        "description": (
            "Two new SDOs: liaison-rfi, a request for information from one party to another "
            "(question, pillar, priority, due, purpose, legal basis, requester, addressee, "
            "referenced objects), and liaison-rfi-event, one step of its life (acknowledge, "
            "answer with referenced objects, decline with a reason, close)."
        ),
        "schema": SCHEMA_URL + "#liaison-rfi",
        "version": "1.0.0",
        "extension_types": ["new-sdo"],
    }


def precursor_extension_definition() -> dict[str, Any]:
    """The published extension-definition of the precursor-incident property extension.

    It extends the STIX `incident` SDO with what an INCB PICS incident record holds, so a
    seizure or a stopped precursor shipment federates as an incident any STIX reader can show
    (`liaison.stix.precursor` holds its shape and its validation).
    """
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": PRECURSOR_EXTENSION_ID,
        "created_by_ref": LIAISON_IDENTITY_ID,
        "created": DEFINITIONS_CREATED,
        "modified": DEFINITIONS_CREATED,
        "name": "liaison precursor incident",
        "description": (
            "A precursor incident on a STIX incident, after the INCB Precursors Incident "
            "Communication System: incident type (seizure, stopped, suspended shipment or "
            "suspicious order), substances with CAS numbers and quantities, modus operandi, "
            "companies with their roles (identity references), countries of origin, transit "
            "and destination, HS code and declared description, and the screening reasons."
        ),
        "schema": SCHEMA_URL + "#liaison-precursor-incident",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def pprl_extension_definition() -> dict[str, Any]:
    """The published extension-definition of the new SDO that carries privacy-preserving
    identity encodings (`liaison.stix.pprl`): hardened Bloom-filter encodings of application
    records, the only form in which personal data crosses a border for matching."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": PPRL_EXTENSION_ID,
        "created_by_ref": LIAISON_IDENTITY_ID,
        "created": DEFINITIONS_CREATED,
        "modified": DEFINITIONS_CREATED,
        "name": "liaison privacy-preserving identity encodings",
        "description": (
            "A new SDO, liaison-pprl-encodings: one chunk of an export of keyed, hardened "
            "Bloom-filter encodings (CLKs) of identity records, base64 in encodings_bin, with "
            "pseudonymous positional record indexes, the encoding parameters (scheme, bits, "
            "hardening, fields with q-gram length and hash count) and a check value of the "
            "secret the parties share out of band; never the secret, never plaintext."
        ),
        "schema": SCHEMA_URL + "#liaison-pprl-encodings",
        "version": "1.0.0",
        "extension_types": ["new-sdo"],
    }


def fraud_ring_extension_definition() -> dict[str, Any]:
    """The published extension-definition of the fraud-ring property extension of `incident`
    (`liaison.stix.fraudring`): a suspected visa-fraud ring, its score and reasons."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": FRAUD_RING_EXTENSION_ID,
        "created_by_ref": LIAISON_IDENTITY_ID,
        "created": DEFINITIONS_CREATED,
        "modified": DEFINITIONS_CREATED,
        "name": "liaison fraud ring",
        "description": (
            "A suspected visa-fraud ring on a STIX incident: risk score, reasons (signal, "
            "attribute kind, count, weight), member application ids, number of identities, "
            "kinds of shared attribute and the span of application dates; no attribute values."
        ),
        "schema": SCHEMA_URL + "#liaison-fraud-ring",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def published_definitions() -> list[dict[str, Any]]:
    """Every STIX object liaison publishes to describe its own extensions."""
    return [
        liaison_identity(),
        handling_extension_definition(),
        signature_extension_definition(),
        rfi_extension_definition(),
        precursor_extension_definition(),
        pprl_extension_definition(),
        fraud_ring_extension_definition(),
    ]
