"""The STIX shape of privacy-preserving identity encodings: the `liaison-pprl-encodings` new SDO.

One object carries one chunk of an export: Bloom-filter encodings (CLKs, `liaison.fraud.clk`) of
up to a few thousand application records, concatenated in `encodings_bin` (base64), in the order
of their pseudonymous indexes `first_index`, `first_index + 1`, …; the parameters both parties
encode with (never the secret) and a check value of the secret. Records are shuffled before
export and indexed by position, so an index says nothing about the application it stands for;
only the exporting node keeps the index → application mapping. No field of the object holds a
name, a date of birth, a document number or any other plaintext personal data, and
`encodings_valid` rejects at admission an object whose declared sizes do not fit its encodings.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from liaison.stix import checks as c
from liaison.stix.extensions import PPRL_ENCODINGS_TYPE, PPRL_EXTENSION_ID
from liaison.stix.rules import Report, Rule, report_model_errors
from liaison.stix.types import COMMON_SDO, SDO_REQUIRED, TypeSpec

Hardening = Literal["balance", "xor-fold", "none"]
Normaliser = Literal["name", "date", "code", "digits", "text"]
HARDENINGS: tuple[str, ...] = get_args(Hardening)
NORMALISERS: tuple[str, ...] = get_args(Normaliser)
SCHEME = "liaison-clk-1"
MAX_RECORDS_PER_OBJECT = 10_000


class EncodedField(BaseModel):
    """One field of the encoding: its column, normaliser, q-gram length and hash count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    hashes: int = Field(ge=1, le=64)
    q: int = Field(ge=1, le=4)
    normaliser: Normaliser


class EncodingParameters(BaseModel):
    """How the records were encoded; the receiver encodes its own records the same way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scheme: Literal["liaison-clk-1"] = "liaison-clk-1"
    bits: int = Field(ge=128, le=8192)
    hardening: Hardening
    fields: list[EncodedField] = Field(min_length=1)

    @field_validator("bits")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            raise ValueError("must be a power of two")
        return value

    @field_validator("fields")
    @classmethod
    def _distinct(cls, value: list[EncodedField]) -> list[EncodedField]:
        if len({spec.name for spec in value}) != len(value):
            raise ValueError("each field may be encoded once")
        return value

    @property
    def record_bytes(self) -> int:
        """Bytes of one encoding on the wire."""
        factor = {"balance": 2.0, "xor-fold": 0.5, "none": 1.0}[self.hardening]
        return int(self.bits * factor) // 8


PPRL_TYPES: dict[str, TypeSpec] = {
    PPRL_ENCODINGS_TYPE: TypeSpec(
        "sdo",
        (
            *SDO_REQUIRED,
            "extensions",
            "export_id",
            "chunk",
            "chunks",
            "first_index",
            "record_count",
            "encoding",
            "key_check",
            "encodings_bin",
        ),
        {
            **COMMON_SDO,
            "export_id": c.pattern(r"^[0-9a-f]{32}$", "32 hex digits"),
            "chunk": c.integer(0),
            "chunks": c.integer(1),
            "first_index": c.integer(0),
            "record_count": c.integer(1, MAX_RECORDS_PER_OBJECT),
            "total_records": c.integer(1),
            "encoding": c.dictionary(),
            "key_check": c.pattern(r"^[0-9a-f]{16}$", "16 hex digits"),
            "encodings_bin": c.binary,
            "purpose": c.string(),
        },
    ),  # fmt: skip
}


def declares_new_sdo(obj: Mapping[str, Any], report: Report) -> None:
    """The object names the PPRL extension definition with extension_type `new-sdo` (§7.3)."""
    extensions = obj.get("extensions")
    body = extensions.get(PPRL_EXTENSION_ID) if isinstance(extensions, dict) else None
    if not isinstance(body, dict) or body.get("extension_type") != "new-sdo":
        report("extensions", f"must declare {PPRL_EXTENSION_ID} with extension_type 'new-sdo'")


def encoding_parameters(obj: Mapping[str, Any]) -> EncodingParameters:
    """The object's encoding parameters, parsed (pydantic ValidationError when malformed)."""
    return EncodingParameters.model_validate(obj.get("encoding"))


def encodings_valid(obj: Mapping[str, Any], report: Report) -> None:
    """The parameters have the published shape, the chunk lies within its export, and the
    encodings hold exactly `record_count` records of the parameters' size."""
    try:
        params = encoding_parameters(obj)
    except ValidationError as exc:
        report_model_errors(exc, report, "encoding", "")
        return
    if obj["chunk"] >= obj["chunks"]:
        report("chunk", "must be less than chunks")
    total = obj.get("total_records")
    if isinstance(total, int) and obj["first_index"] + obj["record_count"] > total:
        report("first_index", "the chunk ends after total_records")
    try:
        size = len(base64.b64decode(obj["encodings_bin"], validate=True))
    except (binascii.Error, ValueError):
        return
    expected = obj["record_count"] * params.record_bytes
    if size != expected:
        report(
            "encodings_bin",
            f"holds {size} bytes; {obj['record_count']} records of {params.record_bytes} bytes "
            f"need {expected}",
        )


PPRL_RULES: dict[str, tuple[Rule, ...]] = {
    PPRL_ENCODINGS_TYPE: (declares_new_sdo, encodings_valid),
}
