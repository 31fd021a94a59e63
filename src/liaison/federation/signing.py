"""Object signatures: Ed25519 over the RFC 8785 canonical JSON of a STIX object.

A signed object carries the liaison signature property extension::

    "extensions": {SIGNATURE_EXTENSION_ID: {
        "extension_type": "property-extension",
        "node": "ottawa", "key_id": "<16 hex digits>", "signature": "<base64url, no padding>"}}

The signed bytes are the canonical JSON of the object *without* that extension (and without
`extensions` altogether when it held nothing else), so the signature can be added to, and taken
from, an object without changing what it signs. docs/federation.md describes the format.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from liaison.errors import InvalidInput
from liaison.stix.canonical import canonical_json
from liaison.stix.extensions import SIGNATURE_EXTENSION_ID

__all__ = [
    "SIGNATURE_EXTENSION_ID",
    "SignatureInvalid",
    "signature_extension",
    "signed_content",
    "signer_of",
    "verify_object",
    "with_signature",
]


class SignatureInvalid(InvalidInput):
    """An object's liaison signature is missing, malformed, by an unknown key, or does not match."""

    title = "Invalid signature"


def signed_content(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The object as signed: without the signature extension (and without empty `extensions`)."""
    content = dict(obj)
    extensions = content.get("extensions")
    if isinstance(extensions, Mapping) and SIGNATURE_EXTENSION_ID in extensions:
        rest = {k: v for k, v in extensions.items() if k != SIGNATURE_EXTENSION_ID}
        if rest:
            content["extensions"] = rest
        else:
            del content["extensions"]
    return content


def b64encode(raw: bytes) -> str:
    """Bytes as base64url without padding, the form signatures and keys travel in."""
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def b64decode(text: str) -> bytes:
    """The bytes of unpadded base64url text."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature_extension(
    obj: Mapping[str, Any], key: SigningKey, key_id: str, node: str
) -> dict[str, Any]:
    """The signature extension body for `obj`, signed by `node` with `key` (id `key_id`)."""
    signature = key.sign(canonical_json(signed_content(obj))).signature
    return {
        "extension_type": "property-extension",
        "node": node,
        "key_id": key_id,
        "signature": b64encode(signature),
    }


def with_signature(obj: Mapping[str, Any], extension: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `obj` carrying `extension` as its liaison signature (replacing any earlier one)."""
    signed = dict(obj)
    extensions = signed.get("extensions")
    merged = dict(extensions) if isinstance(extensions, Mapping) else {}
    merged[SIGNATURE_EXTENSION_ID] = dict(extension)
    signed["extensions"] = merged
    return signed


def _extension_of(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    extensions = obj.get("extensions")
    if not isinstance(extensions, Mapping):
        return None
    extension = extensions.get(SIGNATURE_EXTENSION_ID)
    return extension if isinstance(extension, Mapping) else None


def signer_of(obj: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (node, key_id) the object's signature extension claims, or None when it has none."""
    extension = _extension_of(obj)
    if extension is None:
        return None
    node, key_id = extension.get("node"), extension.get("key_id")
    if not isinstance(node, str) or not isinstance(key_id, str):
        return None
    return node, key_id


def verify_object(obj: Mapping[str, Any], keys: Mapping[str, VerifyKey]) -> str:
    """Check the object's liaison signature against `keys` (key_id → key); return the signing node.

    Raises SignatureInvalid saying why: no signature, a malformed one, an unknown key, or content
    that does not match what was signed.
    """
    where = str(obj.get("id") or "object")
    extension = _extension_of(obj)
    if extension is None:
        raise SignatureInvalid(f"{where}: no liaison signature")
    node, key_id, signature = (extension.get(f) for f in ("node", "key_id", "signature"))
    if not (isinstance(node, str) and isinstance(key_id, str) and isinstance(signature, str)):
        raise SignatureInvalid(
            f"{where}: malformed liaison signature (needs string node, key_id and signature)"
        )
    public = keys.get(key_id)
    if public is None:
        raise SignatureInvalid(f"{where}: signed with unknown key {key_id} (claimed by {node})")
    try:
        raw = b64decode(signature)
    except (binascii.Error, ValueError):
        raise SignatureInvalid(f"{where}: signature is not base64url") from None
    try:
        public.verify(canonical_json(signed_content(obj)), raw)
    except (BadSignatureError, ValueError):
        raise SignatureInvalid(
            f"{where}: signature does not match the content (signed by {node}, key {key_id})"
        ) from None
    return node
