"""Retention: stored versions whose handling extension's `retain_until` has passed are purged.

`purge_expired` deletes every such version (`stix_objects.expires_at`, filled at admission, is in
the past), in every collection, a batch at a time: each batch's rows are deleted and one
`object.purged` audit entry per version — id, version, collection, type, retain-until and the
SHA-256 of the stored object's RFC 8785 canonical JSON, never the content — is appended in the
same transaction. The entries are made from what the DELETE itself returns, so when two purges
race (PostgreSQL), each version is recorded once, by the one that deleted it. `liaison retention
run` runs it once; `liaison serve` runs it every `retention.interval` seconds
(`run_periodically`). Objects a peer sends after their retain-until are refused by sync
(`expired_on_arrival`), so a purged object is never pulled back in. See docs/retention.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, func, select, tuple_
from sqlalchemy.orm import Session

from liaison.audit.log import Event, record_many
from liaison.stix.canonical import canonical_digest
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.timestamps import micros_to_timestamp, now_micros, parse_timestamp_micros
from liaison.store.database import Database
from liaison.store.models import StixObject

PURGED = "object.purged"
SCHEDULE_ACTOR = "retention"  # the purge `liaison serve` runs on its own schedule
BATCH_SIZE = 1000
log = logging.getLogger("liaison.retention")


@dataclass(slots=True)
class PurgeReport:
    """What a purge did: versions deleted (in all and per collection) and transactions used."""

    purged: int = 0
    batches: int = 0
    collections: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The report as the CLI's JSON."""
        return {"purged": self.purged, "batches": self.batches, "collections": self.collections}


def _expired(now: int) -> ColumnElement[bool]:
    """Versions past their retain-until at `now` (NULL `expires_at`: kept without limit)."""
    return StixObject.expires_at < now


def count_expired(db: Database, now: int) -> int:
    """How many stored versions are past their retain-until at `now` (microseconds)."""
    with db.session() as session:
        statement = select(func.count()).select_from(StixObject).where(_expired(now))
        return int(session.scalar(statement) or 0)


def _purge_batch(session: Session, now: int, actor: str, batch_size: int) -> list[Row[Any]]:
    """Delete up to `batch_size` expired versions and record each; return what was deleted.

    Only rows this DELETE removed are returned and recorded: a version a concurrent purge deleted
    first (its keys selected here all the same) is neither.
    """
    keys = session.execute(
        select(StixObject.collection_id, StixObject.id, StixObject.modified)
        .where(_expired(now))
        .order_by(StixObject.expires_at, StixObject.collection_id, StixObject.id)
        .limit(batch_size)
    ).all()
    if not keys:
        return []
    rows = session.execute(
        delete(StixObject)
        .where(
            tuple_(StixObject.collection_id, StixObject.id, StixObject.modified).in_(
                [tuple(key) for key in keys]
            ),
            _expired(now),
        )
        .returning(
            StixObject.collection_id, StixObject.id, StixObject.modified, StixObject.type,
            StixObject.expires_at, StixObject.body,
        )
        .execution_options(synchronize_session=False)
    ).all()  # fmt: skip
    if not rows:
        return []
    record_many(session, [
        Event(PURGED, actor, {
            "id": row.id, "version": row.modified, "collection": row.collection_id,
            "type": row.type, "retain_until": micros_to_timestamp(row.expires_at or 0),
            "sha256": canonical_digest(row.body),
        })
        for row in rows
    ])  # fmt: skip
    return list(rows)


def purge_expired(
    db: Database,
    *,
    now: int | None = None,
    actor: str = SCHEDULE_ACTOR,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
) -> PurgeReport:
    """Purge every version past its retain-until at `now` (default: now), one transaction a batch.

    A crash leaves whole batches purged, each with its audit entries, and the rest for the next
    run. `progress(n)` is called after each batch of n versions. Once `stop` is set, no further
    batch starts (the server is shutting down).
    """
    moment = now_micros() if now is None else now
    report = PurgeReport()
    while stop is None or not stop.is_set():
        with db.session() as session:  # no write lock while there is nothing to purge
            if session.scalar(select(StixObject.id).where(_expired(moment)).limit(1)) is None:
                return report
        with db.session(write=True) as session:
            rows = _purge_batch(session, moment, actor, batch_size)
        report.purged += len(rows)
        report.batches += 1
        for row in rows:
            report.collections[row.collection_id] = report.collections.get(row.collection_id, 0) + 1
        if progress is not None:
            progress(len(rows))
    return report


def expired_on_arrival(obj: Mapping[str, Any], now: int) -> str | None:
    """Why a received object must not be stored (its retain-until has passed), else None."""
    extensions = obj.get("extensions")
    handling = extensions.get(HANDLING_EXTENSION_ID) if isinstance(extensions, dict) else None
    retain_until = handling.get("retain_until") if isinstance(handling, dict) else None
    if not isinstance(retain_until, str):
        return None
    try:
        expired = parse_timestamp_micros(retain_until) < now
    except ValueError:
        return None  # admission names the malformed timestamp
    return f"its retain-until {retain_until} has passed" if expired else None


async def run_periodically(db: Database, interval: float) -> None:
    """Purge now and then every `interval` seconds, in a worker thread, until cancelled.

    A failed purge is logged and retried at the next interval; the server keeps serving. When
    cancelled during a purge, it lets the batch in progress finish (and starts no other) before
    it ends, so the store is never disposed of under a running purge.
    """
    stop = threading.Event()
    while True:
        purge = asyncio.ensure_future(asyncio.to_thread(purge_expired, db, stop=stop))
        try:
            report = await asyncio.shield(purge)
        except asyncio.CancelledError:
            stop.set()
            with contextlib.suppress(Exception):
                await purge
            raise
        except Exception:
            log.exception("retention purge failed; retrying in %s s", interval)
        else:
            if report.purged:
                log.info("retention purge: %d expired versions deleted", report.purged)
        await asyncio.sleep(interval)
