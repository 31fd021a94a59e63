"""RFC 8785 JSON Canonicalization Scheme: the one byte form used for signatures and comparisons."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    return bytes(rfc8785.dumps(value))


def canonical_digest(value: Any) -> str:
    """SHA-256 hex digest of the canonical form: equal JSON values, equal digests."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
