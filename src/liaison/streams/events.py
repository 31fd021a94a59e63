"""What a stream sends: visible objects after a `date_added`, rendered as server-sent events.

Each read opens the collection for the viewer again (`liaison.taxii.deps.open_collection`) and
passes `Access.clause(viewer)` to the store's keyset read, so a stream applies the one
visibility policy to every page, and ends when the viewer's grant is withdrawn. Object JSON is
sent as the store holds it (`CAST(body AS TEXT)`), never re-serialised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Text, cast, func, select

from liaison.access.visibility import Viewer
from liaison.audit.log import read_kind, record
from liaison.audit.peers import PeerAlarm, peer_alarms
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.store.query import ObjectFilter, RowPage, read_columns
from liaison.taxii.deps import open_collection

PAGE_SIZE = 500
RETRY_MILLISECONDS = 2000
KEEP_ALIVE = b": keep-alive\n\n"
_EVERY_VERSION = ObjectFilter(versions=("all",))
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Position:
    """Where a stream stands: the last `date_added` it has sent (or skipped, for "from now")."""

    collection_id: str
    after: int


def start_position(db: Database, viewer: Viewer, collection_id: str, after: int | None) -> Position:
    """Where a new stream starts: after `after`, else after the collection's newest object.

    Raises NotFound (or PermissionDenied) exactly as the TAXII routes do, before any event.
    """
    with db.session() as session:
        open_collection(session, viewer, collection_id)
        if after is None:
            newest = session.scalar(
                select(func.max(StixObject.date_added)).where(
                    StixObject.collection_id == collection_id
                )
            )
            after = int(newest or 0)
    return Position(collection_id, after)


def read_after(db: Database, viewer: Viewer, position: Position) -> RowPage:
    """The next page (ascending `date_added`) of objects the viewer may see after `position`.

    Every stored version is an event of its own. Raises NotFound once the grant is gone.
    """
    with db.session() as session:
        access = open_collection(session, viewer, position.collection_id)
        return read_columns(
            session,
            position.collection_id,
            _EVERY_VERSION,
            [cast(StixObject.body, Text)],
            limit=PAGE_SIZE,
            after=position.after,
            where=access.clause(viewer),
        )


def record_sent(db: Database, viewer: Viewer, position: Position, page: RowPage) -> None:
    """Record that a page of objects went out on a viewer's stream, as a TAXII read is recorded:
    the collection and `date_added` range name exactly what was sent."""
    with db.session(write=True) as session:
        record(session, read_kind(viewer.peer), viewer.name, {
            "collection": position.collection_id, "party": viewer.party, "endpoint": "stream",
            "count": len(page.rows), "first_date_added": page.first_date_added,
            "last_date_added": page.last_date_added,
        })  # fmt: skip


def read_alarms(db: Database) -> list[PeerAlarm]:
    """The alarms raised about peers' logs (`liaison.audit.peers`), for a stream to announce."""
    with db.session() as session:
        return peer_alarms(session)


def alarm_events(alarms: Sequence[PeerAlarm]) -> bytes:
    """Alarms as `alarm` events. They carry no `id`, so a client's resume point stays the last
    object's `date_added`."""
    return "".join(
        f"event: alarm\ndata: {orjson.dumps(alarm.document()).decode()}\n\n" for alarm in alarms
    ).encode()


def retry_event() -> bytes:
    """The stream's first event: reconnect after `RETRY_MILLISECONDS`."""
    return f"retry: {RETRY_MILLISECONDS}\n\n".encode()


def object_events(rows: Sequence[Sequence[Any]]) -> bytes:
    """`(json text, date_added)` rows as `object` events whose ids are their `date_added`."""
    parts: list[str] = []
    for body, date_added in rows:
        parts.append(f"id: {int(date_added)}\nevent: object\n")
        parts.extend(f"data: {line}\n" for line in _LINE_BREAK.split(body))
        parts.append("\n")
    return "".join(parts).encode()
