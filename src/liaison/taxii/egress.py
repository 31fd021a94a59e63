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
from typing import cast as typed

import orjson
from nacl.signing import SigningKey
from sqlalchemy import (
    ColumnElement,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from liaison.config import Settings
from liaison.errors import ConfigError
from liaison.federation import signing
from liaison.federation.keys import key_id, load_key, signing_key
from liaison.store.database import Database
from liaison.store.models import StixObject


@dataclass(frozen=True, slots=True)
class EgressSigner:
    """This node's name and key, as it signs the objects it serves to peers."""

    node: str
    key: SigningKey
    key_id: str

    def extension(self, obj: dict[str, Any]) -> dict[str, Any]:
        """The liaison signature extension of `obj` by this node."""
        return signing.signature_extension(obj, self.key, self.key_id, self.node)


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
    """The columns a peer read selects: stored body text, signed body text, the row's key."""
    return [
        cast(StixObject.body, Text),
        signed_body_column(dialect),
        StixObject.id,
        StixObject.modified,
    ]


def peer_documents(
    db: Database, signer: EgressSigner, collection_id: str, rows: Sequence[Sequence[Any]]
) -> list[str]:
    """The JSON text of each row of `peer_columns` as served to a peer, each one signed.

    Rows whose signature is not cached yet are signed (or, when received with one, relayed as
    is) and their cache is filled in a short write transaction of its own.
    """
    documents: list[str] = []
    fresh: list[dict[str, str]] = []
    for stored, signed, object_id, modified in (row[:4] for row in rows):
        if signed is not None:
            documents.append(signed)
            continue
        obj = orjson.loads(stored)
        if signing.signer_of(obj) is not None:
            extension = obj["extensions"][signing.SIGNATURE_EXTENSION_ID]
            documents.append(stored)
        else:
            extension = signer.extension(obj)
            documents.append(orjson.dumps(signing.with_signature(obj, extension)).decode())
        fresh.append({"c": collection_id, "i": object_id, "m": modified, "s": _text(extension)})
    if fresh:
        _cache_signatures(db, fresh)
    return documents


def _text(extension: dict[str, Any]) -> str:
    return orjson.dumps(extension).decode()


def _cache_signatures(db: Database, rows: list[dict[str, str]]) -> None:
    """Store the signature extensions of freshly signed rows (only where none is cached)."""
    table = typed(Table, StixObject.__table__)
    statement = (
        update(table)
        .where(
            and_(
                table.c.collection_id == bindparam("c"),
                table.c.id == bindparam("i"),
                table.c.modified == bindparam("m"),
                table.c.signature.is_(None),
            )
        )
        .values(signature=bindparam("s"))
    )
    with db.session(write=True) as session:
        session.connection().execute(statement, rows)
