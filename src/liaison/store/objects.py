"""Adding STIX objects to a collection: all or nothing, exact duplicates skipped.

A batch is validated completely before anything is written; then it is inserted inside the
caller's transaction, so a rejected batch leaves the store exactly as it was. Each object version
is keyed by (collection, id, version) where the version is `modified`, else `created`, else (SCOs)
the `date_added` the node assigns, as TAXII 2.1 prescribes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from liaison.errors import Conflict, InvalidStix, ObjectProblem
from liaison.stix.extensions import HANDLING_EXTENSION_ID, Handling
from liaison.stix.timestamps import micros_to_timestamp, parse_timestamp_micros, version_key
from liaison.stix.tlp import object_tlp
from liaison.stix.validate import validate_objects
from liaison.store.clock import reserve_date_added
from liaison.store.models import Collection, StixObject

BATCH_SIZE = 2000
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What an add did: objects stored, exact duplicates skipped, and the date_added range."""

    added: int
    duplicates: int
    first_date_added: int | None
    last_date_added: int | None


def _object_version(obj: Mapping[str, Any]) -> str | None:
    stamp = obj.get("modified") or obj.get("created")
    return version_key(stamp) if isinstance(stamp, str) else None


def _handling_problem(obj: Mapping[str, Any], index: int) -> ObjectProblem | None:
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or HANDLING_EXTENSION_ID not in extensions:
        return None
    try:
        Handling.model_validate(extensions[HANDLING_EXTENSION_ID])
    except ValueError as exc:
        message = str(exc).splitlines()
        detail = "; ".join(line.strip() for line in message[1:3]) or message[0]
        return ObjectProblem(
            str(obj.get("id", "")), "extensions", f"liaison handling: {detail}", index
        )
    return None


def check_objects(objects: Sequence[Any], collection: Collection, *, offset: int = 0) -> None:
    """Raise InvalidStix naming every object that may not enter `collection`, and why."""
    problems = validate_objects(objects, offset=offset)
    if not problems:
        for index, obj in enumerate(objects, start=offset):
            problem = _handling_problem(obj, index)
            if problem is not None:
                problems.append(problem)
            elif collection.default_tlp is None and object_tlp(obj) is None:
                problems.append(ObjectProblem(
                    obj["id"], "object_marking_refs",
                    f"no TLP marking and collection '{collection.name}' has no default TLP", index,
                ))  # fmt: skip
    if problems:
        raise InvalidStix(problems)


def _retain_until(obj: Mapping[str, Any]) -> int | None:
    extensions = obj.get("extensions")
    if isinstance(extensions, dict):
        handling = extensions.get(HANDLING_EXTENSION_ID)
        if isinstance(handling, dict) and isinstance(handling.get("retain_until"), str):
            return parse_timestamp_micros(handling["retain_until"])
    return None


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
    session: Session, collection_id: str, batch: Sequence[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any], str | None]]:
    """The batch without in-batch repeats and without SCOs already stored with equal content."""
    versions = [_object_version(obj) for obj in batch]
    unversioned = {
        obj["id"] for obj, version in zip(batch, versions, strict=True) if version is None
    }
    stored = _stored_bodies(session, collection_id, unversioned) if unversioned else {}
    seen: dict[tuple[str, str], Mapping[str, Any]] = {}
    seen_unversioned: dict[str, list[Mapping[str, Any]]] = {}
    candidates: list[tuple[Mapping[str, Any], str | None]] = []
    for obj, version in zip(batch, versions, strict=True):
        if version is None:
            earlier: list[Mapping[str, Any]] = [body for _, body in stored.get(obj["id"], [])]
            earlier += seen_unversioned.setdefault(obj["id"], [])
            if obj in earlier:
                continue
            seen_unversioned[obj["id"]].append(obj)
        else:
            key = (obj["id"], version)
            if key in seen:
                if seen[key] != obj:
                    raise _conflict(obj)
                continue
            seen[key] = obj
        candidates.append((obj, version))
    return candidates


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Insert rows whose key is not stored yet; return the keys actually inserted.

    The unique key decides (ON CONFLICT DO NOTHING), so no lookup is needed on the hot path.
    """
    dialect = session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        upsert(StixObject)
        .on_conflict_do_nothing(index_elements=["collection_id", "id", "modified"])
        .returning(StixObject.id, StixObject.modified)
    )
    return {(row.id, row.modified) for row in session.execute(statement, rows)}


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
    fresh: list[tuple[Mapping[str, Any], str | None]],
    collection_id: str,
    origin_node: str,
    first_date_added: int,
) -> list[dict[str, Any]]:
    rows = []
    for offset, (obj, version) in enumerate(fresh):
        date_added = first_date_added + offset
        created = obj.get("created")
        rows.append({
            "collection_id": collection_id,
            "id": obj["id"],
            "modified": version or version_key(micros_to_timestamp(date_added)),
            "type": obj["type"],
            "created": version_key(created) if isinstance(created, str) else None,
            "spec_version": obj.get("spec_version", "2.1"),
            "date_added": date_added,
            "tlp": (level.value if (level := object_tlp(obj)) else None),
            "origin_node": origin_node,
            "revoked": obj.get("revoked") is True,
            "expires_at": _retain_until(obj),
            "body": obj,
            "signature": None,
        })  # fmt: skip
    return rows


def add_objects(
    session: Session,
    collection: Collection,
    objects: Sequence[Any],
    *,
    origin_node: str,
    progress: Progress | None = None,
) -> AddResult:
    """Validate and store `objects` in `collection` within the session's transaction.

    Batches are validated just before they are written; the caller's transaction makes the whole
    call atomic. Raises InvalidStix (the caller rolls back: nothing written) when any object is invalid, and Conflict when an
    (id, version) is already stored with different content. `progress(n)` is called as batches
    of n objects are handled.
    """
    added = duplicates = 0
    first: int | None = None
    last: int | None = None
    for start in range(0, len(objects), BATCH_SIZE):
        batch = objects[start : start + BATCH_SIZE]
        check_objects(batch, collection, offset=start)
        candidates = _candidates(session, collection.id, batch)
        stored = 0
        if candidates:
            first_in_batch = reserve_date_added(session, len(candidates))
            rows = _rows(candidates, collection.id, origin_node, first_in_batch)
            inserted = _insert_new(session, rows)
            skipped = [
                (obj, row["modified"])
                for (obj, _), row in zip(candidates, rows, strict=True)
                if (row["id"], row["modified"]) not in inserted
            ]
            if skipped:
                _check_skipped(session, collection.id, skipped)
            first = first if first is not None else first_in_batch
            last = first_in_batch + len(candidates) - 1
            stored = len(inserted)
        added += stored
        duplicates += len(batch) - stored
        if progress is not None:
            progress(len(batch))
    return AddResult(added, duplicates, first, last)
