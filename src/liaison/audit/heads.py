"""Signed tree heads: Ed25519 over the canonical JSON of {size, root_hash, timestamp}.

A head commits the node to the first `size` entries of its log: `root_hash` is their RFC 9162
Merkle root (hex), `timestamp` the signing time in microseconds since the epoch, `signature` the
base64url (unpadded) Ed25519 signature, by the node key, of the head's RFC 8785 canonical JSON.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.stix.canonical import canonical_json
from liaison.store.models import TreeHead


@dataclass(frozen=True, slots=True)
class HeadSigner:
    """What an appender needs to sign heads when due: the node key and the signing cadence."""

    key: Ed25519PrivateKey
    every: int
    seconds: int


def head_payload(size: int, root_hash: str, timestamp: int) -> bytes:
    """The bytes a tree head's signature covers."""
    return canonical_json({"size": size, "root_hash": root_hash, "timestamp": timestamp})


def sign_head(key: Ed25519PrivateKey, size: int, root: bytes, timestamp: int) -> TreeHead:
    """A new signed head (not yet added to a session) over the tree of `size` with `root`."""
    root_hex = root.hex()
    signature = key.sign(head_payload(size, root_hex, timestamp))
    text = base64.urlsafe_b64encode(signature).decode().rstrip("=")
    return TreeHead(size=size, root_hash=root_hex, timestamp=timestamp, signature=text)


def head_signature_valid(public: Ed25519PublicKey, head: TreeHead | dict[str, Any]) -> bool:
    """True when the head's signature is the node key's over its size, root and timestamp."""
    values = head if isinstance(head, dict) else head_document(head)
    text = str(values["signature"])
    try:
        signature = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        payload = head_payload(int(values["size"]), str(values["root_hash"]), values["timestamp"])
        public.verify(signature, payload)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def head_document(head: TreeHead) -> dict[str, Any]:
    """A head as served and printed: size, root_hash, timestamp, signature."""
    return {
        "size": head.size,
        "root_hash": head.root_hash,
        "timestamp": head.timestamp,
        "signature": head.signature,
    }


def latest_head(session: Session) -> TreeHead | None:
    """The signed head of the largest tree, or None before the first is signed."""
    return session.scalar(select(TreeHead).order_by(TreeHead.size.desc()).limit(1))


def all_heads(session: Session) -> list[TreeHead]:
    """Every signed head, smallest tree first."""
    return list(session.scalars(select(TreeHead).order_by(TreeHead.size)))
