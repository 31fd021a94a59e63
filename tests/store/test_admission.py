"""Admission in worker processes: the same outcome as in-line, one batch ahead of the writer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from liaison.access.parties import add_party
from liaison.errors import Conflict, InvalidStix
from liaison.stix.tlp import Tlp
from liaison.store import admission, objects
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.store.objects import Origin, add_objects
from liaison.store.query import ObjectFilter, read_page
from tests.factories import indicator, ipv4


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every add through the worker processes, in batches of 10."""
    monkeypatch.setattr(admission, "PARALLEL_MIN_OBJECTS", 1)
    monkeypatch.setattr(objects, "BATCH_SIZE", 10)


def _add(db: Database, batch: list[dict]) -> objects.AddResult:
    with db.session(write=True) as session:
        add_party(session, "ca")
        collection = create_collection(session, "c", owner_party="ca", default_tlp=Tlp.AMBER)
        return add_objects(session, collection, batch, origin=Origin("test", "ca"))


def _stored(db: Database) -> list[dict]:
    with db.session() as session:
        collection_id = session.scalar(select(StixObject.collection_id).limit(1))
        if collection_id is None:
            return []
        page = read_page(session, collection_id, ObjectFilter(), limit=10_000)
        return [row.body for row in page.objects]


def _rows(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(StixObject)) or 0)


@pytest.mark.usefixtures("parallel")
def test_parallel_admission_stores_every_object_in_order(db: Database) -> None:
    batch = [indicator(n) for n in range(95)] + [ipv4(f"198.51.100.{n}") for n in range(5)]
    result = _add(db, batch)
    assert (result.added, result.duplicates) == (100, 0)
    assert _stored(db) == batch


@pytest.mark.usefixtures("parallel")
def test_parallel_admission_rejects_a_late_invalid_object_and_stores_nothing(
    db: Database,
) -> None:
    batch = [indicator(n) for n in range(60)]
    batch[57]["valid_from"] = "yesterday"
    with pytest.raises(InvalidStix) as caught:
        _add(db, batch)
    [problem] = caught.value.problems
    assert (problem.index, problem.field, problem.object_id) == (57, "valid_from", batch[57]["id"])
    assert _rows(db) == 0


@pytest.mark.usefixtures("parallel")
def test_parallel_admission_conflict_stores_nothing(db: Database) -> None:
    batch = [indicator(n) for n in range(40)]
    batch.append(indicator(3, name="the same version, changed"))
    with pytest.raises(Conflict):
        _add(db, batch)
    assert _rows(db) == 0


def test_small_adds_are_admitted_in_line(monkeypatch: pytest.MonkeyPatch, db: Database) -> None:
    def no_workers() -> None:
        raise AssertionError("a small add must not start worker processes")

    monkeypatch.setattr(admission, "process_pool", no_workers)
    assert _add(db, [indicator(n) for n in range(5)]).added == 5
