"""The object repository on every backend: atomic adds, versions, filters, pagination, deletes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from liaison.access.parties import add_party
from liaison.errors import Conflict, InvalidStix, NotFound
from liaison.stix.timestamps import micros_to_timestamp
from liaison.stix.tlp import Tlp
from liaison.store.clock import reserve_date_added
from liaison.store.collections import create_collection, find_collection
from liaison.store.database import Database
from liaison.store.models import Party, StixObject
from liaison.store.objects import Origin, add_objects
from liaison.store.query import ObjectFilter, count_objects, delete_objects, read_page
from tests.factories import indicator, ipv4

V1, V2, V3 = "2026-01-02T03:04:05.678Z", "2026-02-02T03:04:05.678Z", "2026-03-02T03:04:05.678Z"


def _collection(db: Database, name: str = "c", default_tlp: Tlp | None = Tlp.AMBER) -> str:
    with db.session(write=True) as session:
        if session.get(Party, "ca") is None:
            add_party(session, "ca")
        return create_collection(session, name, owner_party="ca", default_tlp=default_tlp).id


def _add(db: Database, collection_id: str, objects: list[dict]) -> None:
    with db.session(write=True) as session:
        collection = find_collection(session, collection_id)
        add_objects(session, collection, objects, origin=Origin("test", "ca"))


def _count_rows(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(StixObject)) or 0)


def _page(db: Database, cid: str, flt: ObjectFilter, **kw: int | None) -> list[str]:
    with db.session() as session:
        return [row.id for row in read_page(session, cid, flt, **kw).objects]


def test_add_then_read_back_in_date_added_order(db: Database) -> None:
    cid = _collection(db)
    objects = [indicator(n) for n in range(25)]
    _add(db, cid, objects)
    with db.session() as session:
        rows = read_page(session, cid, ObjectFilter()).objects
    assert [row.body for row in rows] == objects
    stamps = [row.date_added for row in rows]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_one_invalid_object_stores_nothing(db: Database) -> None:
    cid = _collection(db)
    broken = indicator(3)
    del broken["pattern"]
    with pytest.raises(InvalidStix) as caught:
        _add(db, cid, [indicator(1), indicator(2), broken, indicator(4)])
    problem = caught.value.problems[0]
    assert (problem.object_id, problem.field) == (broken["id"], "pattern")
    assert _count_rows(db) == 0


def test_exact_duplicates_are_skipped_not_errors(db: Database) -> None:
    cid = _collection(db)
    _add(db, cid, [indicator(1), indicator(1)])
    with db.session(write=True) as session:
        result = add_objects(
            session,
            find_collection(session, cid),
            [indicator(1), indicator(2)],
            origin=Origin("t", "ca"),
        )
    assert (result.added, result.duplicates) == (1, 1)
    assert _count_rows(db) == 2


def test_same_version_with_other_content_is_a_conflict_and_writes_nothing(db: Database) -> None:
    cid = _collection(db)
    _add(db, cid, [indicator(1)])
    with pytest.raises(Conflict, match="different content"):
        _add(db, cid, [indicator(2), indicator(1, name="changed")])
    assert _count_rows(db) == 1


def test_equal_instants_are_one_version(db: Database) -> None:
    cid = _collection(db)
    _add(db, cid, [indicator(1, modified="2026-02-02T03:04:05.600Z")])
    with pytest.raises(Conflict):
        _add(db, cid, [indicator(1, modified="2026-02-02T03:04:05.6000Z", name="other")])


def test_versions_first_last_all_and_timestamp(db: Database) -> None:
    cid = _collection(db)
    _add(db, cid, [indicator(1, modified=V2), indicator(1, modified=V1), indicator(1, modified=V3)])

    def modified(versions: tuple[str, ...]) -> list[str]:
        with db.session() as session:
            rows = read_page(session, cid, ObjectFilter(versions=versions)).objects
        return sorted(row.body["modified"] for row in rows)

    assert modified(("last",)) == [V3]
    assert modified(("first",)) == [V1]
    assert modified(("all",)) == [V1, V2, V3]
    assert modified((V2,)) == [V2]
    assert modified(("first", "last")) == [V1, V3]


def test_filters_by_id_type_spec_version_and_added_after(db: Database) -> None:
    cid = _collection(db)
    objects = [indicator(n) for n in range(5)] + [ipv4("203.0.113.9")]
    _add(db, cid, objects)
    assert _page(db, cid, ObjectFilter(types=("ipv4-addr",))) == [objects[5]["id"]]
    wanted = (objects[1]["id"], objects[3]["id"])
    assert _page(db, cid, ObjectFilter(ids=wanted)) == list(wanted)
    assert _page(db, cid, ObjectFilter(ids=wanted, types=("ipv4-addr",))) == []
    assert len(_page(db, cid, ObjectFilter(spec_versions=("2.1",)))) == 6
    with db.session() as session:
        third = read_page(session, cid, ObjectFilter()).objects[2].date_added
    assert _page(db, cid, ObjectFilter(added_after=third)) == [o["id"] for o in objects[3:]]


def test_keyset_pages_cover_everything_once(db: Database) -> None:
    cid = _collection(db)
    objects = [indicator(n) for n in range(23)]
    _add(db, cid, objects)
    seen: list[str] = []
    after = None
    while True:
        with db.session() as session:
            page = read_page(session, cid, ObjectFilter(), limit=5, after=after)
        seen += [row.id for row in page.objects]
        if not page.more:
            break
        after = page.last_date_added
    assert seen == [o["id"] for o in objects]


def test_sco_versions_by_date_added(db: Database) -> None:
    cid = _collection(db)
    _add(db, cid, [ipv4("203.0.113.5")])
    _add(db, cid, [ipv4("203.0.113.5")])
    _add(db, cid, [ipv4("203.0.113.5", defanged=True)])
    with db.session() as session:
        rows = read_page(session, cid, ObjectFilter(versions=("all",))).objects
        assert len(rows) == 2
        assert rows[1].modified > rows[0].modified
        last = read_page(session, cid, ObjectFilter()).objects
    assert [row.body.get("defanged") for row in last] == [True]


def test_count_and_delete(db: Database) -> None:
    cid = _collection(db)
    _add(db, cid, [indicator(1, modified=V1), indicator(1, modified=V2), indicator(2)])
    target = indicator(1)["id"]
    with db.session() as session:
        assert count_objects(session, cid, ObjectFilter(versions=("all",))) == 3
        assert count_objects(session, cid, ObjectFilter()) == 2
    with db.session(write=True) as session:
        assert delete_objects(session, cid, ObjectFilter(ids=(target,), versions=(V1,))) == 1
    with db.session(write=True) as session:
        assert delete_objects(session, cid, ObjectFilter(ids=(target,), versions=("all",))) == 1
    assert _count_rows(db) == 1


def test_unmarked_object_needs_a_collection_default(db: Database) -> None:
    cid = _collection(db, "nodefault", default_tlp=None)
    with pytest.raises(InvalidStix, match="no TLP marking"):
        _add(db, cid, [indicator(1, tlp=None)])
    _add(db, cid, [indicator(2, tlp=Tlp.RED)])
    marked = _collection(db, "withdefault", default_tlp=Tlp.GREEN)
    _add(db, marked, [indicator(1, tlp=None)])


def test_collections_by_name_or_id(db: Database) -> None:
    cid = _collection(db, "cyber")
    with db.session() as session:
        assert find_collection(session, "cyber").id == cid
        assert find_collection(session, cid).name == "cyber"
        with pytest.raises(NotFound):
            find_collection(session, "nope")
    with pytest.raises(Conflict), db.session(write=True) as session:
        create_collection(session, "cyber", owner_party="ca")


def test_clock_is_strictly_increasing_across_concurrent_writers(db: Database) -> None:
    values: list[int] = []
    lock = threading.Lock()

    def writer() -> None:
        for _ in range(20):
            with db.session(write=True) as session:
                first = reserve_date_added(session, 3)
            with lock:
                values.extend([first, first + 1, first + 2])

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(values)) == len(values) == 240
    assert micros_to_timestamp(max(values)).endswith("Z")


def test_two_sco_versions_in_one_batch_are_both_stored(db: Database) -> None:
    cid = _collection(db)
    _add(db, cid, [ipv4("203.0.113.7"), ipv4("203.0.113.7", defanged=True), ipv4("203.0.113.7")])
    with db.session() as session:
        rows = read_page(session, cid, ObjectFilter(versions=("all",))).objects
    assert [row.body.get("defanged") for row in rows] == [None, True]
