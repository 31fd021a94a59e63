"""Retention: purging versions past their retain-until, with a digest in the audit log."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import rfc8785
from fastapi import FastAPI
from sqlalchemy import select

from liaison.access.parties import add_party
from liaison.app import create_app
from liaison.config import RetentionSettings, Settings
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.timestamps import format_timestamp, parse_timestamp_micros
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry, Collection, StixObject
from liaison.store.objects import Origin, add_objects
from liaison.store.query import ObjectFilter, read_page
from liaison.store.retention import (
    PurgeReport,
    _purge_batch,
    count_expired,
    expired_on_arrival,
    purge_expired,
)
from tests.factories import indicator

ORIGIN = Origin("ottawa", "ca")
PAST = "2026-01-31T00:00:00.000Z"
NOW = parse_timestamp_micros("2026-02-01T00:00:00.000Z")
FUTURE = "2026-02-02T00:00:00.000Z"


def _kept_until(number: int, retain_until: str | None, **extra: Any) -> dict[str, Any]:
    handling: dict[str, Any] = {"extension_type": "property-extension", "purpose": "test"}
    if retain_until is not None:
        handling["retain_until"] = retain_until
    return indicator(number, extensions={HANDLING_EXTENSION_ID: handling}, **extra)


def _entries(db: Database, kind: str) -> list[dict[str, Any]]:
    with db.session() as session:
        texts = session.scalars(
            select(AuditEntry.entry).where(AuditEntry.kind == kind).order_by(AuditEntry.index)
        ).all()
    return [orjson.loads(text) for text in texts]


def _stored_ids(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(StixObject.id)))


@pytest.fixture
def collections(db: Database) -> tuple[Collection, Collection]:
    """Two collections: five expired versions (in both), two kept, one without a limit."""
    with db.session(write=True) as session:
        add_party(session, "ca")
        first = create_collection(session, "first", owner_party="ca", default_tlp=Tlp.GREEN)
        second = create_collection(session, "second", owner_party="ca", default_tlp=Tlp.GREEN)
        expired = [_kept_until(1, PAST), _kept_until(1, PAST, modified=PAST), _kept_until(2, PAST)]
        add_objects(session, first, [*expired, _kept_until(3, FUTURE), _kept_until(4, None)],
                    origin=ORIGIN)  # fmt: skip
        add_objects(session, second, [_kept_until(5, PAST), _kept_until(6, PAST),
                                      _kept_until(7, FUTURE)], origin=ORIGIN)  # fmt: skip
    return first, second


def test_purge_deletes_expired_versions_and_records_digests(
    db: Database, collections: tuple[Collection, Collection]
) -> None:
    first, second = collections
    with db.session() as session:
        bodies = {
            (row.collection_id, row.id, row.modified): row.body
            for row in session.scalars(select(StixObject).where(StixObject.expires_at < NOW))
        }
    assert count_expired(db, NOW) == len(bodies) == 5
    seen: list[int] = []
    report = purge_expired(db, now=NOW, actor="local", batch_size=2, progress=seen.append)
    assert (report.purged, report.batches, seen) == (5, 3, [2, 2, 1])
    assert report.collections == {first.id: 3, second.id: 2}
    assert _stored_ids(db) == {_kept_until(n, None)["id"] for n in (3, 4, 7)}
    with db.session() as session:
        page = read_page(session, first.id, ObjectFilter(versions=("all",)))
    assert [row.id for row in page.objects] == [
        _kept_until(3, FUTURE)["id"],
        _kept_until(4, None)["id"],
    ]

    entries = _entries(db, "object.purged")
    assert len(entries) == 5
    for entry in entries:
        details = entry["details"]
        assert entry["actor"] == "local"
        body = bodies[(details["collection"], details["id"], details["version"])]
        assert details["sha256"] == hashlib.sha256(rfc8785.dumps(body)).hexdigest()
        assert details["retain_until"].startswith("2026-01-31T00:00:00")
        text = orjson.dumps(entry).decode()
        assert body["name"] not in text and "pattern" not in text  # no content
    assert count_expired(db, NOW) == 0
    assert purge_expired(db, now=NOW).purged == 0
    assert len(_entries(db, "object.purged")) == 5


def test_a_failed_batch_purges_nothing(
    db: Database, collections: tuple[Collection, Collection], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> int:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("liaison.store.retention.record_many", broken)
    with pytest.raises(RuntimeError):
        purge_expired(db, now=NOW)
    assert count_expired(db, NOW) == 5
    assert _entries(db, "object.purged") == []


def test_racing_purges_record_each_version_once(
    db: Database, collections: tuple[Collection, Collection]
) -> None:
    """A second purge that selected the same versions while the first held them deletes and
    records none of them (on PostgreSQL it waits on the first's row locks; SQLite serialises)."""
    second = threading.Thread(target=purge_expired, args=(db,), kwargs={"now": NOW})
    with db.session(write=True) as session:
        assert len(_purge_batch(session, NOW, "local", 100)) == 5
        second.start()
        time.sleep(0.5)  # the second purge reaches its DELETE and waits for this commit
    second.join(10)
    assert not second.is_alive()
    entries = _entries(db, "object.purged")
    assert len(entries) == 5
    assert {entry["actor"] for entry in entries} == {"local"}


def test_shutdown_waits_for_a_purge_in_progress(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is disposed of only after the purge thread is done."""
    started, finished = threading.Event(), threading.Event()

    def slow_purge(_db: Database, **_options: Any) -> PurgeReport:
        started.set()
        time.sleep(0.5)
        finished.set()
        return PurgeReport()

    purged_before_dispose: list[bool] = []
    dispose = Database.dispose

    def recorded_dispose(self: Database) -> None:
        purged_before_dispose.append(finished.is_set())
        dispose(self)

    monkeypatch.setattr("liaison.store.retention.purge_expired", slow_purge)
    monkeypatch.setattr(Database, "dispose", recorded_dispose)
    settings = Settings(
        dir=tmp_path, node_name="ottawa", party="ca", database_url=db.url,
        retention=RetentionSettings(interval=60),
    )  # fmt: skip
    assert _serve(create_app(settings), started.is_set, 10)
    assert purged_before_dispose == [True]


def test_objects_past_their_retain_until_are_refused_on_arrival() -> None:
    assert "retain-until 2026-01-31" in (expired_on_arrival(_kept_until(1, PAST), NOW) or "")
    assert expired_on_arrival(_kept_until(1, FUTURE), NOW) is None
    assert expired_on_arrival(_kept_until(1, None), NOW) is None
    assert expired_on_arrival(indicator(1), NOW) is None
    assert expired_on_arrival(_kept_until(1, "not a time"), NOW) is None  # admission says why


def _serve(app: FastAPI, until: Callable[[], bool], seconds: float) -> bool:
    """Run the app's lifespan (no requests) until `until()` or `seconds`; whether it held."""

    async def serving() -> bool:
        async with app.router.lifespan_context(app):
            deadline = time.monotonic() + seconds
            while not until():
                if time.monotonic() > deadline:
                    return False
                await asyncio.sleep(0.1)
            return True

    return asyncio.run(serving())


def test_serve_purges_on_its_schedule(db: Database, tmp_path: Path) -> None:
    soon = format_timestamp(datetime.now(UTC) + timedelta(seconds=1.5))
    with db.session(write=True) as session:
        add_party(session, "ca")
        collection = create_collection(session, "c", owner_party="ca", default_tlp=Tlp.GREEN)
        add_objects(session, collection, [_kept_until(1, soon), _kept_until(2, None)],
                    origin=ORIGIN)  # fmt: skip
    settings = Settings(
        dir=tmp_path, node_name="ottawa", party="ca", database_url=db.url,
        retention=RetentionSettings(interval=1),
    )  # fmt: skip
    started = time.monotonic()
    assert _serve(create_app(settings), lambda: len(_stored_ids(db)) == 1, 10)
    assert time.monotonic() - started > 1  # not before its retain-until
    assert _stored_ids(db) == {_kept_until(2, None)["id"]}
    [entry] = _entries(db, "object.purged")
    assert entry["actor"] == "retention"


def test_a_zero_interval_disables_the_schedule(db: Database, tmp_path: Path) -> None:
    with db.session(write=True) as session:
        add_party(session, "ca")
        collection = create_collection(session, "c", owner_party="ca", default_tlp=Tlp.GREEN)
        add_objects(session, collection, [_kept_until(1, PAST)], origin=ORIGIN)
    settings = Settings(
        dir=tmp_path, node_name="ottawa", party="ca", database_url=db.url,
        retention=RetentionSettings(interval=0),
    )  # fmt: skip
    assert not _serve(create_app(settings), lambda: not _stored_ids(db), 1.5)
    assert _stored_ids(db) == {_kept_until(1, PAST)["id"]}
