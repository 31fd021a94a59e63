"""Small factories for STIX test data (synthetic values only)."""

from __future__ import annotations

import uuid
from typing import Any

from liaison.stix.tlp import Tlp

NAMESPACE = uuid.UUID("5b0d1f3e-4f38-4a3a-9d3c-6a0f1d2b7c11")
STAMP = "2026-01-02T03:04:05.678Z"


def new_id(kind: str, name: str | None = None) -> str:
    """A STIX id; deterministic when `name` is given."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, name) if name else uuid.uuid4()}"


def indicator(
    number: int = 0, *, modified: str = STAMP, tlp: Tlp | None = Tlp.GREEN, **extra: Any
) -> dict[str, Any]:
    """A valid indicator for 198.51.100.x / 203.0.113.x addresses."""
    obj: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": new_id("indicator", f"indicator-{number}"),
        "created": STAMP,
        "modified": modified,
        "name": f"test indicator {number}",
        "indicator_types": ["malicious-activity"],
        "pattern": f"[ipv4-addr:value = '198.51.{100 + number // 256 % 2}.{number % 256}']",
        "pattern_type": "stix",
        "valid_from": STAMP,
    }
    if tlp is not None:
        obj["object_marking_refs"] = [tlp.marking_id]
    obj.update(extra)
    return obj


def ipv4(address: str, **extra: Any) -> dict[str, Any]:
    """An ipv4-addr SCO (no created/modified: versioned by date_added)."""
    return {
        "type": "ipv4-addr",
        "spec_version": "2.1",
        "id": new_id("ipv4-addr", address),
        "value": address,
        **extra,
    }
