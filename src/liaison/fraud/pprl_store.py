"""Encodings as STIX objects: building an export's chunks and reading a peer's back.

An export shuffles the records (a fresh random order each time, so a pseudonymous index says
nothing about an application), encodes them and cuts them into `liaison-pprl-encodings` objects
of at most `chunk_size` records. The index → application id mapping is written to a CSV file in
the node directory (`pprl/<export_id>.csv`), never to the store: it does not replicate.
"""

from __future__ import annotations

import base64
import csv
import os
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.errors import InvalidInput, NotFound
from liaison.fraud.clk import Bits, ClkParams, Encoder, from_bytes, to_bytes
from liaison.stix.extensions import PPRL_ENCODINGS_TYPE, PPRL_EXTENSION_ID
from liaison.stix.pprl import MAX_RECORDS_PER_OBJECT
from liaison.stix.timestamps import now_timestamp
from liaison.stix.validate import validate_object
from liaison.store.collections import find_collection
from liaison.store.models import StixObject

Columns = dict[str, list[str | None]]


@dataclass(frozen=True, slots=True)
class Export:
    """An export: its id, its objects (unstamped) and the position → application id order."""

    export_id: str
    objects: list[dict[str, Any]]
    application_ids: list[str]


def build_export(
    columns: Columns, encoder: Encoder, chunk_size: int = 2000, purpose: str | None = None
) -> Export:
    """Shuffle, encode and chunk the records into encodings objects."""
    if not 1 <= chunk_size <= MAX_RECORDS_PER_OBJECT:
        raise InvalidInput(f"--chunk-size must be 1-{MAX_RECORDS_PER_OBJECT}")
    ids = [str(value) for value in columns["application_id"]]
    if not ids:
        raise InvalidInput("no applications to encode")
    order = list(range(len(ids)))
    secrets.SystemRandom().shuffle(order)
    shuffled = {name: [values[i] for i in order] for name, values in columns.items()}
    encodings = encoder.encode(shuffled)
    export_id = uuid.uuid4().hex
    created = now_timestamp()
    chunks = (len(ids) + chunk_size - 1) // chunk_size
    objects = []
    for chunk, start in enumerate(range(0, len(ids), chunk_size)):
        part = encodings[start : start + chunk_size]
        objects.append({
            "type": PPRL_ENCODINGS_TYPE, "spec_version": "2.1",
            "id": f"{PPRL_ENCODINGS_TYPE}--{uuid.uuid4()}", "created": created, "modified": created,
            "export_id": export_id, "chunk": chunk, "chunks": chunks, "first_index": start,
            "record_count": len(part), "total_records": len(ids),
            "encoding": encoder.params.as_json(), "key_check": encoder.key_check,
            "encodings_bin": base64.b64encode(to_bytes(part)).decode(),
            **({"purpose": purpose} if purpose else {}),
            "extensions": {PPRL_EXTENSION_ID: {"extension_type": "new-sdo"}},
        })  # fmt: skip
    return Export(export_id, objects, [ids[i] for i in order])


def write_mapping(path: Path, application_ids: Sequence[str]) -> None:
    """The index → application id mapping of an export, written atomically (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("index", "application_id"))
        writer.writerows(enumerate(application_ids))
    partial.replace(path)


@dataclass(frozen=True, slots=True)
class RemoteEncodings:
    """A peer's export read back: its id, parameters, secret check, encodings, origin."""

    export_id: str
    params: ClkParams
    key_check: str
    encodings: Bits
    origin_party: str


def _latest_bodies(session: Session, collection_name: str, own_party: str) -> list[dict[str, Any]]:
    collection = find_collection(session, collection_name)
    rows = session.execute(
        select(StixObject.id, StixObject.modified, StixObject.body, StixObject.origin_party).where(
            StixObject.collection_id == collection.id,
            StixObject.type == PPRL_ENCODINGS_TYPE,
            StixObject.origin_party != own_party,
            StixObject.revoked.is_(False),
            StixObject.withdrawn.is_(False),
        )
    )
    newest: dict[str, tuple[str, dict[str, Any]]] = {}
    for object_id, modified, body, party in rows:
        if object_id not in newest or modified > newest[object_id][0]:
            newest[object_id] = (modified, {**body, "__origin_party": party})
    return [body for _, body in newest.values()]


def read_remote(
    session: Session, collection_name: str, own_party: str, export_id: str | None = None
) -> RemoteEncodings:
    """A peer's encodings export from the collection (the newest, or `export_id`), checked:
    every chunk present and valid, one set of parameters and one secret check."""
    bodies = _latest_bodies(session, collection_name, own_party)
    if not bodies:
        raise NotFound(f"collection {collection_name} holds no encodings from another party")
    if export_id is None:
        export_id = max(bodies, key=lambda b: (str(b.get("created")), str(b.get("export_id"))))[
            "export_id"
        ]
    chunks = sorted(
        (b for b in bodies if b.get("export_id") == export_id), key=lambda b: b["chunk"]
    )
    if not chunks:
        raise NotFound(f"no encodings export {export_id} in collection {collection_name}")
    for body in chunks:
        problems = validate_object({k: v for k, v in body.items() if k != "__origin_party"})
        if problems:
            raise InvalidInput(f"malformed encodings object: {problems[0]}")
    first = chunks[0]
    for body in chunks[1:]:
        if body["encoding"] != first["encoding"] or body["key_check"] != first["key_check"]:
            raise InvalidInput(
                f"export {export_id}: {body['id']} was encoded with other parameters than {first['id']}"
            )
    if [b["chunk"] for b in chunks] != list(range(first["chunks"])):
        raise InvalidInput(
            f"export {export_id}: chunks missing (have {len(chunks)} of {first['chunks']})"
        )
    expected = 0
    for body in chunks:
        if body["first_index"] != expected:
            raise InvalidInput(
                f"export {export_id}: chunk {body['chunk']} starts at the wrong index"
            )
        expected += body["record_count"]
    params = ClkParams.from_json(first["encoding"])
    parts = [from_bytes(base64.b64decode(b["encodings_bin"]), params) for b in chunks]
    return RemoteEncodings(
        export_id, params, first["key_check"], np.concatenate(parts), first["__origin_party"]
    )
