"""Adding STIX objects to a collection: all or nothing, exact duplicates skipped.

Each batch is admitted (`liaison.store.admission`) before it is written, and everything is
inserted inside the caller's transaction, so a rejected object leaves the store exactly as it was. Each object version
is keyed by (collection, id, version) where the version is `modified`, else `created`, else (SCOs)
the `date_added` the node assigns, as TAXII 2.1 prescribes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison.bulk import cycle_collector_paused
from liaison.errors import Conflict
from liaison.stix.timestamps import micros_to_timestamp, version_key
from liaison.store.admission import Destination, Prepared, admitted_batches
from liaison.store.clock import reserve_date_added
from liaison.store.models import Collection, StixObject
from liaison.store.revocation import keep_withdrawn, mark_withdrawn, withdrawal_reason

BATCH_SIZE = 2000
NOTIFY_CHANNEL = "liaison_objects"
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where stored objects came from: the node that originated them and the party it speaks for.

    Objects pulled from a peer also record which peer sent them (`received_from`); `received_at`
    is then set to the moment they were stored.
    """

    node: str
    party: str
    received_from: str | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    """What an add did: objects stored, exact duplicates skipped, and the date_added range."""

    added: int
    duplicates: int
    first_date_added: int | None
    last_date_added: int | None


def _stored_bodies(
    session: Session, collection_id: str, ids: set[str]
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """(version, body) of every stored version of `ids` in the collection."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        rows = session.execute(
            select(StixObject.id, StixObject.modified, StixObject.body).where(
                StixObject.collection_id == collection_id,
                StixObject.id.in_(ordered[start : start + 500]),
            )
        )
        for object_id, modified, body in rows:
            found.setdefault(object_id, []).append((modified, body))
    return found


def _conflict(obj: Mapping[str, Any]) -> Conflict:
    version = obj.get("modified") or obj.get("created")
    return Conflict(
        f"{obj['id']} version {version} is already stored with different content; "
        "a change needs a new 'modified'"
    )


def _candidates(
    session: Session, collection_id: str, batch: Sequence[Mapping[str, Any]], rows: list[Prepared]
) -> list[tuple[Mapping[str, Any], Prepared]]:
    """The batch without in-batch repeats and without SCOs already stored with equal content."""
    unversioned = {row.id for row in rows if row.version is None}
    stored = _stored_bodies(session, collection_id, unversioned) if unversioned else {}
    seen: dict[tuple[str, str], Mapping[str, Any]] = {}
    seen_unversioned: dict[str, list[Mapping[str, Any]]] = {}
    candidates: list[tuple[Mapping[str, Any], Prepared]] = []
    for obj, row in zip(batch, rows, strict=True):
        if row.version is None:
            earlier: list[Mapping[str, Any]] = [body for _, body in stored.get(row.id, [])]
            earlier += seen_unversioned.setdefault(row.id, [])
            if obj in earlier:
                continue
            seen_unversioned[row.id].append(obj)
        else:
            key = (row.id, row.version)
            if key in seen:
                if seen[key] != obj:
                    raise _conflict(obj)
                continue
            seen[key] = obj
        candidates.append((obj, row))
    return candidates


_COLUMNS = (
    "collection_id", "id", "modified", "type", "created", "spec_version", "date_added", "tlp",
    "origin_node", "origin_party", "releasable_to", "recipients", "revoked", "expires_at", "body",
    "received_from", "received_at", "evaluated",
)  # fmt: skip
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@functools.cache
def _insert_sql(dialect: str, paramstyle: str) -> str:
    """INSERT … ON CONFLICT DO NOTHING in the driver's own parameter style.

    Rows go to the driver's executemany as plain tuples: per-row parameter processing in Python
    would cost as much as SQLite's own insert. The body arrives as JSON text made by admission.
    """
    mark = _PLACEHOLDERS[paramstyle]
    body = f"CAST({mark} AS JSONB)" if dialect == "postgresql" else mark
    values = ", ".join(body if column == "body" else mark for column in _COLUMNS)
    return (
        f"INSERT INTO stix_objects ({', '.join(_COLUMNS)}) VALUES ({values}) "  # noqa: S608 (constant names)
        "ON CONFLICT (collection_id, id, modified) DO NOTHING"
    )


def _insert_new(
    session: Session, collection_id: str, rows: list[dict[str, Any]]
) -> set[tuple[str, str]] | None:
    """Insert rows whose key is not stored yet; return the keys skipped, or None if none were.

    The unique key decides (ON CONFLICT DO NOTHING), so no lookup is needed on the hot path. Rows
    were given `date_added` values reserved for this call alone, so counting that range tells
    whether every row went in.
    """
    connection = session.connection()
    dialect = connection.dialect
    connection.exec_driver_sql(
        _insert_sql(dialect.name, dialect.paramstyle),
        [tuple(row[column] for column in _COLUMNS) for row in rows],
    )
    first, last = rows[0]["date_added"], rows[-1]["date_added"]
    in_range = (
        StixObject.collection_id == collection_id,
        StixObject.date_added.between(first, last),
    )
    stored = session.execute(select(func.count()).where(*in_range)).scalar_one()
    if stored == len(rows):
        return None
    inserted = set(session.execute(select(StixObject.id, StixObject.modified).where(*in_range)))
    return {(row["id"], row["modified"]) for row in rows} - {tuple(key) for key in inserted}


def _check_skipped(
    session: Session, collection_id: str, skipped: list[tuple[Mapping[str, Any], str]]
) -> None:
    """Rows the key already held must hold the same content, or the write is a conflict."""
    stored = _stored_bodies(session, collection_id, {obj["id"] for obj, _ in skipped})
    for obj, version in skipped:
        bodies = dict(stored.get(obj["id"], []))
        if bodies.get(version) != obj:
            raise _conflict(obj)


def _rows(
    fresh: list[tuple[Mapping[str, Any], Prepared]],
    collection_id: str,
    origin: Origin,
    first_date_added: int,
) -> list[dict[str, Any]]:
    rows = []
    for offset, (_, row) in enumerate(fresh):
        date_added = first_date_added + offset
        rows.append({
            "collection_id": collection_id,
            "id": row.id,
            "modified": row.version or version_key(micros_to_timestamp(date_added)),
            "type": row.type,
            "created": row.created,
            "spec_version": row.spec_version,
            "date_added": date_added,
            "tlp": row.tlp,
            "origin_node": origin.node,
            "origin_party": origin.party,
            "releasable_to": row.releasable_to,
            "recipients": row.recipients,
            "revoked": row.revoked,
            "expires_at": row.expires_at,
            "body": row.body,
            "received_from": origin.received_from,
            "received_at": date_added if origin.received_from else None,
            "evaluated": row.evaluated,
        })  # fmt: skip
    return rows


def _withdraw(
    session: Session,
    collection_id: str,
    revoked: list[dict[str, Any]],
    skipped: set[tuple[str, str]] | None,
    origin: Origin,
    actor: str | None,
) -> None:
    """Mark the objects of newly stored revoked versions withdrawn (one audit entry each)."""
    inserted = [row for row in revoked if (row["id"], row["modified"]) not in (skipped or ())]
    received = origin.received_from
    mark_withdrawn(
        session, collection_id, inserted, origin_node=origin.node, origin_party=origin.party,
        received_from=received, actor=actor or (f"peer:{received}" if received else origin.node),
    )  # fmt: skip


def _ready_batches(
    objects: Sequence[Any], admitted: Sequence[Prepared]
) -> Generator[tuple[Sequence[Any], list[Prepared]], None, None]:
    """Objects already admitted, with their prepared rows, in batches of BATCH_SIZE."""
    if len(objects) != len(admitted):
        raise ValueError("one prepared row per object is required")
    for start in range(0, len(objects), BATCH_SIZE):
        yield objects[start : start + BATCH_SIZE], list(admitted[start : start + BATCH_SIZE])


def add_objects(
    session: Session,
    collection: Collection,
    objects: Sequence[Any],
    *,
    origin: Origin,
    progress: Progress | None = None,
    admit_in_workers: bool | None = None,
    admitted: Sequence[Prepared] | None = None,
    actor: str | None = None,
) -> AddResult:
    """Validate and store `objects` in `collection` within the session's transaction.

    Batches are validated just before they are written; the caller's transaction makes the whole
    call atomic. Raises InvalidStix (the caller rolls back: nothing written) when any object is
    invalid, and Conflict when an (id, version) is already stored with different content.
    `progress(n)` is called as batches of n objects are handled. `admit_in_workers` overrides
    where admission runs (see `liaison.store.admission.admitted_batches`); `admitted` gives the
    rows admission already prepared for `objects` (`liaison.store.admission.admitted_part` found
    no problem), so admission is not run again. A stored withdrawal (a revoked version with a
    `withdrawal_reason`) marks its object withdrawn (`liaison.store.revocation`), recorded with `actor`
    (default: `peer:<name>` for objects received from a peer, else the origin node).
    """
    added = duplicates = 0
    first: int | None = None
    last: int | None = None
    destination = Destination(collection.name, collection.default_tlp)
    batches = (
        admitted_batches(objects, destination, BATCH_SIZE, in_workers=admit_in_workers)
        if admitted is None
        else _ready_batches(objects, admitted)
    )
    with cycle_collector_paused(), closing(batches):
        for batch, prepared in batches:
            candidates = _candidates(session, collection.id, batch, prepared)
            stored = 0
            if candidates:
                first_in_batch = reserve_date_added(session, len(candidates))
                rows = _rows(candidates, collection.id, origin, first_in_batch)
                skipped_keys = _insert_new(session, collection.id, rows)
                if skipped_keys:
                    skipped = [
                        (obj, row["modified"])
                        for (obj, _), row in zip(candidates, rows, strict=True)
                        if (row["id"], row["modified"]) in skipped_keys
                    ]
                    _check_skipped(session, collection.id, skipped)
                revoked = [
                    row
                    for (obj, p), row in zip(candidates, rows, strict=True)
                    if p.revoked and withdrawal_reason(obj) is not None
                ]
                if revoked:
                    _withdraw(session, collection.id, revoked, skipped_keys, origin, actor)
                keep_withdrawn(
                    session, [row["id"] for row in rows],
                    origin_node=origin.node, origin_party=origin.party,
                )  # fmt: skip
                first = first if first is not None else first_in_batch
                last = first_in_batch + len(candidates) - 1
                stored = len(rows) - len(skipped_keys or ())
            added += stored
            duplicates += len(batch) - stored
            if progress is not None:
                progress(len(batch))
    if added and session.get_bind().dialect.name == "postgresql":
        # Delivered at commit (dropped on rollback): wakes the streams of every server process.
        session.execute(select(func.pg_notify(NOTIFY_CHANNEL, collection.id)))
    return AddResult(added, duplicates, first, last)
