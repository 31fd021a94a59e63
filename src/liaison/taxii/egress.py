"""Egress signing: every object served to a peer node carries a liaison signature.

A TAXII read by a principal with the `peer` role gets each object with the liaison signature
extension (`liaison.federation.signing`). An object received from another node already carries
its originator's signature and is relayed as is; any other object is signed with this node's key.
Each stored version is signed once: the extension's JSON is cached in the row's `signature`
column. For cached rows the database merges the extension into the stored body
(`signed_body_column`), so a page of signed objects is served without parsing JSON in Python;
rows lacking it are signed here and their cache is filled in one short write transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import (
    ColumnElement,
    Text,
    case,
    cast,
    func,
    literal,
)
from sqlalchemy.dialects.postgresql import JSONB

from liaison.config import Settings
from liaison.errors import ConfigError
from liaison.federation import signing
from liaison.federation.keys import key_id, load_key, signing_key
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.workers import process_pool, split

PARALLEL_MIN_DOCUMENTS = 200  # fewer are signed in-line: not worth a process round trip


@dataclass(frozen=True, slots=True)
class EgressSigner:
    """This node's name and key, as it signs the objects it serves to peers."""

    node: str
    key: SigningKey
    key_id: str

    def sign(self, documents: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """Sign (stored JSON text, originating party) pairs: (served text, extension text) each.

        Many documents are signed in the worker processes, split between them.
        """
        seed = bytes(self.key)
        if len(documents) < PARALLEL_MIN_DOCUMENTS:
            return signing.sign_documents(documents, seed, self.key_id, self.node)
        pool = process_pool()
        parts = [
            pool.submit(signing.sign_documents, part, seed, self.key_id, self.node)
            for part in split(documents)
        ]
        return [signed for part in parts for signed in part.result()]


def load_egress_signer(settings: Settings) -> EgressSigner | None:
    """The node's signer, or None when the node has no key file (it then cannot serve peers)."""
    if not settings.key_path.exists():
        return None
    key = load_key(settings.key_path)
    return EgressSigner(settings.node_name, signing_key(key), key_id(key))


def require_signer(signer: EgressSigner | None, settings: Settings) -> EgressSigner:
    """The signer, or ConfigError: a node without a key must not serve unsigned objects to peers."""
    if signer is None:
        raise ConfigError(f"node key {settings.key_path} not found: cannot sign objects for peers")
    return signer


def signed_body_column(dialect: str) -> ColumnElement[Any]:
    """SQL for the stored body with its cached signature merged under `extensions` (NULL when
    the row has none cached yet)."""
    body, cached = StixObject.body, StixObject.signature
    merged: ColumnElement[Any]
    if dialect == "postgresql":
        extensions = func.coalesce(
            body.op("->")(literal("extensions", Text)), func.jsonb_build_object()
        )
        signature = func.jsonb_build_object(signing.SIGNATURE_EXTENSION_ID, cast(cached, JSONB))
        merged = cast(
            body.op("||")(func.jsonb_build_object("extensions", extensions.op("||")(signature))),
            Text,
        )
    else:
        path = f'$.extensions."{signing.SIGNATURE_EXTENSION_ID}"'
        merged = func.json_set(body, path, func.json(cached))
    return case((cached.is_(None), None), else_=merged)


def peer_columns(dialect: str) -> list[Any]:
    """The columns a peer read selects: stored body text, signed body text, the row's key, and
    the party that originated it (what the signature vouches for)."""
    return [
        cast(StixObject.body, Text),
        signed_body_column(dialect),
        StixObject.id,
        StixObject.modified,
        StixObject.origin_party,
    ]


def peer_documents(
    db: Database, signer: EgressSigner, collection_id: str, rows: Sequence[Sequence[Any]]
) -> list[str]:
    """The JSON text of each row of `peer_columns` as served to a peer, each one signed.

    Rows whose signature is not cached yet are signed (or, when received with one, relayed as
    is) and their cache is filled in a short write transaction of its own.
    """
    documents: list[str | None] = []
    fresh: list[tuple[str, str, str, str]] = []
    unsigned: list[tuple[int, str, str, str]] = []
    for stored, signed, object_id, modified, party in (row[:5] for row in rows):
        if signed is not None:
            documents.append(signed)
            continue
        relayed = signing.received_extension(stored)
        if relayed is not None:
            documents.append(stored)
            fresh.append((relayed, collection_id, object_id, modified))
        else:
            unsigned.append((len(documents), object_id, modified, party))
            documents.append(None)
    if unsigned:
        made = signer.sign([(rows[position][0], party) for position, _, _, party in unsigned])
        for (position, object_id, modified, _), (text, extension) in zip(
            unsigned, made, strict=True
        ):
            documents[position] = text
            fresh.append((extension, collection_id, object_id, modified))
    if fresh:
        _cache_signatures(db, fresh)
    return [text for text in documents if text is not None]


_CACHE_SQL = (
    "UPDATE stix_objects SET signature = {mark} WHERE collection_id = {mark} AND id = {mark} "
    "AND modified = {mark} AND signature IS NULL"
)
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _cache_signatures(db: Database, rows: list[tuple[str, str, str, str]]) -> None:
    """Store the signature extensions of freshly signed rows (only where none is cached).

    `rows` are (signature, collection, id, modified), handed to the driver's executemany as
    tuples: per-row parameter processing in Python would cost more than the update itself.
    """
    with db.session(write=True) as session:
        connection = session.connection()
        mark = _MARKS[connection.dialect.paramstyle]
        connection.exec_driver_sql(_CACHE_SQL.format(mark=mark), rows)
