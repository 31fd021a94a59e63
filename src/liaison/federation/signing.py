"""Object signatures: Ed25519 over the RFC 8785 canonical JSON of a STIX object.

A signed object carries the liaison signature property extension::

    "extensions": {SIGNATURE_EXTENSION_ID: {
        "extension_type": "property-extension", "node": "ottawa", "party": "ca",
        "key_id": "<16 hex digits>", "signature": "<base64url, no padding>"}}

`node` signed the object and vouches that party `party` originated it (an officer of another
party may share through this node). The signed bytes are the canonical JSON of the object with
that extension minus its `signature` member: the content and the header (node, party, key id)
are all covered, and no other signature the object carried before takes part.
docs/federation.md describes the format.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from liaison.errors import InvalidInput
from liaison.stix.canonical import canonical_json
from liaison.stix.extensions import SIGNATURE_EXTENSION_ID

__all__ = [
    "SIGNATURE_EXTENSION_ID",
    "SignatureInvalid",
    "Signer",
    "received_extension",
    "sign_documents",
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


def _signing_input(obj: Mapping[str, Any], header: Mapping[str, Any]) -> bytes:
    """What a signature covers: the object's content with `header` as its signature extension."""
    return canonical_json(with_signature(signed_content(obj), header))


def signature_extension(
    obj: Mapping[str, Any], key: SigningKey, key_id: str, node: str, party: str
) -> dict[str, Any]:
    """The signature extension body for `obj`: `node` (key `key`, id `key_id`) vouches that
    party `party` originated it."""
    header = {
        "extension_type": "property-extension", "node": node, "party": party, "key_id": key_id,
    }  # fmt: skip
    signature = key.sign(_signing_input(obj, header)).signature
    return header | {"signature": b64encode(signature)}


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


def received_extension(text: str) -> str | None:
    """The JSON text of the liaison signature a stored object (JSON text) arrived with, or None."""
    if SIGNATURE_EXTENSION_ID not in text:
        return None
    extension = _extension_of(orjson.loads(text))
    return orjson.dumps(extension).decode() if extension is not None else None


def sign_documents(
    documents: Sequence[tuple[str, str]], seed: bytes, key_id: str, node: str
) -> list[tuple[str, str]]:
    """Sign stored objects, given as (JSON text, originating party), as `node` with the key of
    `seed`: each one's JSON text as served, and its signature extension's JSON text.

    Plain values in and out, so that worker processes can sign a large page between them.
    """
    key = SigningKey(seed)
    signed = []
    for text, party in documents:
        obj = orjson.loads(text)
        extension = signature_extension(obj, key, key_id, node, party)
        served = orjson.dumps(with_signature(obj, extension)).decode()
        signed.append((served, orjson.dumps(extension).decode()))
    return signed


@dataclass(frozen=True, slots=True)
class Signer:
    """Who a valid signature says vouches for an object: the node and the originating party."""

    node: str
    party: str


def verify_object(obj: Mapping[str, Any], keys: Mapping[str, VerifyKey]) -> Signer:
    """Check the object's liaison signature against `keys` (key_id → key); return its signer.

    Raises SignatureInvalid saying why: no signature, a malformed one, an unknown key, or content
    that does not match what was signed.
    """
    where = str(obj.get("id") or "object")
    extension = _extension_of(obj)
    if extension is None:
        raise SignatureInvalid(f"{where}: no liaison signature")
    values = [extension.get(name) for name in ("node", "party", "key_id", "signature")]
    if not all(isinstance(value, str) for value in values):
        raise SignatureInvalid(
            f"{where}: malformed liaison signature (needs string node, party, key_id and signature)"
        )
    node, party, key_id, signature = (str(value) for value in values)
    public = keys.get(key_id)
    if public is None:
        raise SignatureInvalid(f"{where}: signed with unknown key {key_id} (claimed by {node})")
    try:
        raw = b64decode(signature)
    except (binascii.Error, ValueError):
        raise SignatureInvalid(f"{where}: signature is not base64url") from None
    header = {name: value for name, value in extension.items() if name != "signature"}
    try:
        public.verify(_signing_input(obj, header), raw)
    except (BadSignatureError, ValueError):
        raise SignatureInvalid(
            f"{where}: signature does not match the content (signed by {node}, key {key_id})"
        ) from None
    return Signer(node, party)
