"""Import and export of STIX files: each file is one all-or-nothing write; exports are bundles."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from liaison.access.release import held_back, record_held_back
from liaison.audit.log import LOCAL_ACTOR, record
from liaison.bulk import cycle_collector_paused
from liaison.errors import NotFound
from liaison.stix.files import read_stix_file
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, find_collection
from liaison.store.database import Database
from liaison.store.objects import AddResult, Origin, add_objects
from liaison.store.query import ObjectFilter, read_page
from liaison.store.workflow import refuse_workflow_objects
from liaison.workers import start_workers

EXPORT_PAGE = 5000
LARGE_IMPORT_BYTES = 8 * 1024 * 1024  # about 10,000 objects: worth starting validation workers


@dataclass(frozen=True, slots=True)
class FileImport:
    """The outcome of importing one file."""

    path: Path
    objects: int
    added: int
    duplicates: int
    held_back: int = 0


@dataclass(frozen=True, slots=True)
class ImportResult(AddResult):
    """An import's add result and the ids it stored that are held back from peers."""

    held_back: tuple[str, ...] = ()


def import_objects(
    db: Database,
    collection_name: str,
    objects: Sequence[Any],
    *,
    origin: Origin,
    create: bool = False,
    default_tlp: Tlp = Tlp.AMBER_STRICT,
    progress: Callable[[int], None] | None = None,
    require_evaluation: bool = False,
    pillar: str | None = None,
) -> ImportResult:
    """Store `objects` in the named collection in one transaction (creating it if asked).

    `pillar` is the pillar of a collection created here (validated and audited with it).

    With `require_evaluation` (the node's `release.require_evaluation`), objects without an
    evaluation and caveats are named in an `objects.held_back` audit entry of the same transaction.
    Workflow objects (RFIs, their steps, withdrawals) are refused (`liaison.store.workflow`).
    """
    refuse_workflow_objects(objects)
    with db.session(write=True) as session:
        try:
            collection = find_collection(session, collection_name)
        except NotFound:
            if not create:
                raise NotFound(
                    f"no collection '{collection_name}' (use --create to make it)"
                ) from None
            collection = create_collection(
                session, collection_name, owner_party=origin.party, default_tlp=default_tlp,
                pillar=pillar,
            )  # fmt: skip
        result = add_objects(session, collection, objects, origin=origin, progress=progress)
        record(session, "objects.imported", LOCAL_ACTOR, {
            "collection": collection.id, "objects": len(objects), "added": result.added,
            "duplicates": result.duplicates, "first_date_added": result.first_date_added,
            "last_date_added": result.last_date_added,
        })  # fmt: skip
        held = held_back(objects, require_evaluation=require_evaluation)
        record_held_back(session, LOCAL_ACTOR, collection.id, held)
        values = {field.name: getattr(result, field.name) for field in fields(result)}
        return ImportResult(**values, held_back=tuple(held))


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def import_files(
    db: Database,
    paths: Sequence[Path],
    collection_name: str,
    *,
    origin: Origin,
    create: bool = False,
    default_tlp: Tlp = Tlp.AMBER_STRICT,
    on_file: Callable[[Path, int], None] | None = None,
    progress: Callable[[int], None] | None = None,
    require_evaluation: bool = False,
    reader: Callable[[Path], list[Any]] = read_stix_file,
) -> list[FileImport]:
    """Import each file atomically; a bad file stops the run and leaves itself unwritten.

    `reader` turns a file into STIX objects (STIX files by default; `liaison.cyber.sources` has
    readers for MISP events and IOC CSV files).
    """
    if sum(_file_size(path) for path in paths) >= LARGE_IMPORT_BYTES:
        start_workers()
    results = []
    for path in paths:
        with cycle_collector_paused():
            objects = reader(path)
            if on_file is not None:
                on_file(path, len(objects))
            outcome = import_objects(
                db, collection_name, objects, origin=origin, create=create,
                default_tlp=default_tlp, progress=progress, require_evaluation=require_evaluation,
            )  # fmt: skip
        results.append(FileImport(
            path, len(objects), outcome.added, outcome.duplicates, len(outcome.held_back)
        ))  # fmt: skip
    return results


def iter_objects(db: Database, collection_name: str, flt: ObjectFilter) -> Iterator[dict[str, Any]]:
    """Every object of a collection matching `flt`, page by page, in `date_added` order."""
    with db.session() as session:
        collection_id = find_collection(session, collection_name).id
    after: int | None = None
    while True:
        with db.session() as session:
            page = read_page(session, collection_id, flt, limit=EXPORT_PAGE, after=after)
        for row in page.objects:
            yield row.body
        if not page.more:
            return
        after = page.last_date_added


def export_bundle(db: Database, collection_name: str, flt: ObjectFilter) -> dict[str, Any]:
    """A STIX 2.1 bundle of the matching objects of a collection (recorded in the audit log)."""
    bundle = {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid4()}",
        "objects": list(iter_objects(db, collection_name, flt)),
    }
    with db.session(write=True) as session:
        record(session, "objects.exported", LOCAL_ACTOR, {
            "collection": find_collection(session, collection_name).id, "bundle": bundle["id"],
            "objects": len(bundle["objects"]), "filter": asdict(flt),
        })  # fmt: skip
    return bundle


def latest_versions(
    db: Database, collection_name: str, ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The latest stored version of each of `ids` in a collection ({} when there is none yet)."""
    found: dict[str, dict[str, Any]] = {}
    try:
        for start in range(0, len(ids), 500):
            flt = ObjectFilter(ids=tuple(ids[start : start + 500]))
            found.update((obj["id"], obj) for obj in iter_objects(db, collection_name, flt))
    except NotFound:
        return {}
    return found
