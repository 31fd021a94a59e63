"""What sync checks before it stores an object received from a peer.

1. The object carries a liaison signature by a key we know: a registered peer's, or our own (an
   object we originated, relayed back to us). The node the signature names must be the node that
   key belongs to, so one peer's key cannot speak for another node.
2. The signer is the peer we pull from, or (a relayed object) another node whose key we hold.
3. A new version of an object we already hold from another originating node must be signed by
   that node: a peer cannot forge a new version of another node's object. SCOs are exempt (they
   have no versions of their own; their ids derive from their values, so two nodes meet them
   independently).
4. A version we already hold is a duplicate when its content (without the signature) is the same,
   and rejected when it differs (a version is immutable; a change needs a new `modified`).
5. The object may enter the local collection (`liaison.store.admission`: valid STIX 2.1, a
   well-formed handling extension, a TLP). This runs with steps 1 and 2 in one pass over the page
   in the worker processes, which also prepare each object's stored row.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nacl.signing import VerifyKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.federation.keys import key_id, public_key_text, verify_key
from liaison.federation.peers import parse_public_key
from liaison.federation.signing import (
    SignatureInvalid,
    Signer,
    signed_content,
    signer_of,
    verify_object,
)
from liaison.store.admission import Destination, Prepared, admission_problems, prepared_row
from liaison.store.models import Peer, StixObject

LOOKUP_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Rejection:
    """A received object that was not stored, and why."""

    id: str
    version: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Signed:
    """A received object whose signature checked out, the node that signed it, the party that
    node says originated it, and its stored row as admission prepared it."""

    obj: dict[str, Any]
    signer: str
    party: str
    row: Prepared


@dataclass(frozen=True, slots=True)
class Keyring:
    """The keys sync trusts (key id → base64url public key) and which node owns each.

    Plain text only, so a keyring travels to worker processes that check signatures.
    """

    public_keys: Mapping[str, str]
    owners: Mapping[str, str]

    @classmethod
    def build(cls, peers: Sequence[Peer], *, node: str, own_key: Ed25519PublicKey) -> Keyring:
        """Every registered peer's key, plus this node's own key."""
        own_id = key_id(own_key)
        public_keys = {peer.key_id: peer.public_key for peer in peers}
        public_keys[own_id] = public_key_text(own_key)
        owners = {peer.key_id: peer.name for peer in peers} | {own_id: node}
        return cls(public_keys, owners)

    @property
    def keys(self) -> dict[str, VerifyKey]:
        """The public keys by key id, parsed."""
        return {kid: _parsed_key(text) for kid, text in self.public_keys.items()}


@functools.cache
def _parsed_key(text: str) -> VerifyKey:
    return verify_key(parse_public_key(text))


def object_version(obj: Mapping[str, Any]) -> str | None:
    """The object's STIX version as sent (`modified`, else `created`; None for an SCO)."""
    version = obj.get("modified") or obj.get("created")
    return version if isinstance(version, str) else None


def rejection(obj: Mapping[str, Any], reason: str) -> Rejection:
    """A rejection of `obj` with `reason`."""
    return Rejection(str(obj.get("id") or "?"), object_version(obj), reason)


class Checked(NamedTuple):
    """An object of a page that passed steps 1, 2 and 5: its position in the page, the node that
    signed it, the party that node says originated it, and its stored row as admission prepared
    it. Small to send back from a worker."""

    position: int
    signer: str
    party: str
    row: Prepared


def check_objects(
    objects: Sequence[dict[str, Any]], offset: int, keyring: Keyring, destination: Destination
) -> tuple[list[Checked], list[Rejection]]:
    """Steps 1, 2 and 5 for a run of a page's objects that starts at index `offset`: those
    signed by a node we trust that `destination` admits, and rejections.

    Trusted nodes are the keyring's: the peer pulled from, other registered peers (relayed
    objects) and this node itself.
    """
    verified: list[tuple[int, dict[str, Any], Signer]] = []
    rejected: list[Rejection] = []
    keys = keyring.keys
    for index, obj in enumerate(objects, start=offset):
        try:
            signer = verify_object(obj, keys)
        except SignatureInvalid as exc:
            rejected.append(rejection(obj, exc.message))
            continue
        claimed = signer_of(obj)
        owner = keyring.owners.get(claimed[1]) if claimed else None
        if owner != signer.node:
            reason = f"signed as node '{signer.node}' with the key of '{owner}'"
            rejected.append(rejection(obj, reason))
        else:
            verified.append((index, obj, signer))
    admitted = _admitted(verified, destination, rejected)
    return [
        Checked(index, signer.node, signer.party, prepared_row(obj))
        for index, obj, signer in admitted
    ], rejected


def check_envelope_part(
    envelope: bytes, start: int, stop: int, keyring: Keyring, destination: Destination
) -> tuple[list[Checked], list[Rejection]]:
    """`check_objects` for objects `start`..`stop` of a TAXII envelope given as its JSON bytes.

    A worker process parses the bytes itself: sending them costs nothing, sending parsed
    objects would cost a pickle of every one.
    """
    objects = orjson.loads(envelope)["objects"][start:stop]
    return check_objects(objects, start, keyring, destination)


def _admitted(
    candidates: list[tuple[int, dict[str, Any], Signer]],
    destination: Destination,
    rejected: list[Rejection],
) -> list[tuple[int, dict[str, Any], Signer]]:
    """The candidates `destination` admits; the others join `rejected` with their problems.

    Admission reports the first kind of problem it meets, so it runs again over what is left
    until nothing is refused.
    """
    while candidates:
        problems = admission_problems([obj for _, obj, _ in candidates], destination)
        if not problems:
            break
        faults: dict[int, list[str]] = {}
        for problem in problems:
            indices = [problem.index] if problem.index is not None else range(len(candidates))
            for index in indices:
                faults.setdefault(index, []).append(str(problem))
        for index, messages in sorted(faults.items()):
            rejected.append(rejection(candidates[index][1], "; ".join(messages)))
        candidates = [item for index, item in enumerate(candidates) if index not in faults]
    return candidates


def _stored_versions(
    session: Session, ids: set[str]
) -> dict[str, list[tuple[str, str, str, dict[str, Any]]]]:
    """(collection, version key, origin node, body) of every stored version of `ids`."""
    found: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = {}
    ordered = sorted(ids)
    columns = (
        StixObject.id,
        StixObject.collection_id,
        StixObject.modified,
        StixObject.origin_node,
        StixObject.body,
    )
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        for object_id, collection, modified, origin, body in session.execute(
            select(*columns).where(StixObject.id.in_(chunk))
        ):
            found.setdefault(object_id, []).append((collection, modified, origin, body))
    return found


def check_history(
    session: Session, signed: Sequence[Signed], collection_id: str
) -> tuple[list[Signed], int, list[Rejection]]:
    """Steps 3 and 4: the objects to store, the duplicates already stored, and rejections.

    An object's version key is the one admission prepared (`Signed.row.version`; None for an
    SCO, which has no versions of its own).
    """
    versioned = {item.row.id for item in signed if item.row.version is not None}
    stored = _stored_versions(session, versioned) if versioned else {}
    accepted: list[Signed] = []
    rejected: list[Rejection] = []
    duplicates = 0
    origins: dict[str, set[str]] = {
        object_id: {origin for _, _, origin, _ in rows} for object_id, rows in stored.items()
    }
    for item in signed:
        key = item.row.version
        if key is None:
            accepted.append(item)
            continue
        rows = stored.get(item.obj["id"], [])
        here = [body for coll, version, _, body in rows if coll == collection_id and version == key]
        if here:
            if signed_content(here[0]) == signed_content(item.obj):
                duplicates += 1
            else:
                rejected.append(rejection(item.obj, "this version is stored with other content"))
            continue
        known = {body_key for _, body_key, _, _ in rows}
        others = origins.get(item.obj["id"], set()) - {item.signer}
        if others and key not in known:
            owner = ", ".join(sorted(others))
            reason = f"new version of an object of '{owner}' signed by '{item.signer}'"
            rejected.append(rejection(item.obj, reason))
            continue
        origins.setdefault(item.obj["id"], set()).add(item.signer)
        accepted.append(item)
    return accepted, duplicates, rejected
