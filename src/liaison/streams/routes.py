"""`GET /api/v1/streams/{collection_id}`: a server-sent event stream of a collection's new objects.

Authentication and visibility are the TAXII routes' own (`liaison.access.http.authenticated`,
`liaison.taxii.deps.open_collection`, `Access.clause`). A stream starts after `Last-Event-ID`
(or `?after=`), sending the visible backlog in pages first; without either it starts now. It
ends when the client disconnects, when the server shuts down, or when the grant is withdrawn.
The router's lifespan owns the process's `Hub` and, on PostgreSQL, its LISTEN connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from liaison.access.http import Caller, authenticated
from liaison.access.visibility import Viewer
from liaison.audit.peers import PeerAlarm
from liaison.errors import InvalidInput, NotFound, PermissionDenied
from liaison.store.database import Database
from liaison.streams.events import (
    KEEP_ALIVE,
    Position,
    alarm_events,
    object_events,
    read_after,
    read_alarms,
    record_sent,
    retry_event,
    start_position,
)
from liaison.streams.notify import Hub, closing_on_exit_signals, listen, wait_for_news
from liaison.taxii.deps import database

EVENT_STREAM = "text/event-stream"
KEEP_ALIVE_SECONDS = 15.0


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Make the process's hub (after the app's lifespan opened the store); close it at the end."""
    hub = Hub()
    app.state.stream_hub = hub
    db: Database = app.state.db
    listener = asyncio.create_task(listen(db.url, hub)) if db.is_postgres else None
    try:
        with closing_on_exit_signals(hub):
            yield
    finally:
        hub.close()
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener


MAX_DATE_ADDED = 2**63 - 1  # a BIGINT column

router = APIRouter(prefix="/api/v1/streams", tags=["streams"], lifespan=lifespan)


def _resume_point(last_event_id: str | None, after: int | None) -> int | None:
    """The `date_added` to resume after: `Last-Event-ID` first, then `?after=`, else None."""
    if last_event_id is None or not last_event_id.strip():
        return after
    try:
        value = int(last_event_id.strip())
    except ValueError:
        raise InvalidInput("Last-Event-ID must be a date_added (integer microseconds)") from None
    if not 0 <= value <= MAX_DATE_ADDED:
        raise InvalidInput("Last-Event-ID is out of range for a date_added")
    return value


async def _events(
    request: Request, db: Database, hub: Hub, viewer: Viewer, position: Position
) -> AsyncIterator[bytes]:
    """The stream's bytes: `retry`, then object events, alarm events (not to peers: an alarm
    is about a peer) and keep-alives until it must end."""
    yield retry_event()
    quiet_since = time.monotonic()
    announced: set[PeerAlarm] = set()
    with hub.subscription(position.collection_id) as news:
        while not hub.closed and not await request.is_disconnected():
            try:
                page = await run_in_threadpool(read_after, db, viewer, position)
            except (NotFound, PermissionDenied):
                return
            if not viewer.peer:
                alarms = [a for a in await run_in_threadpool(read_alarms, db) if a not in announced]
                if alarms:
                    yield alarm_events(alarms)
                    announced.update(alarms)
                    quiet_since = time.monotonic()
            if page.rows:
                await run_in_threadpool(record_sent, db, viewer, position, page)
                yield object_events(page.rows)
                position = dataclasses.replace(position, after=page.last_date_added or 0)
                quiet_since = time.monotonic()
                if page.more:
                    continue
            elif time.monotonic() - quiet_since >= KEEP_ALIVE_SECONDS:
                yield KEEP_ALIVE
                quiet_since = time.monotonic()
            await wait_for_news(news)


@router.get(
    "/{collection_id}",
    summary="Stream new objects of a collection (server-sent events)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "`object` events: `id` is the object's date_added, `data` its JSON.",
            "content": {EVENT_STREAM: {"schema": {"type": "string"}}},
        }
    },
)
async def stream_objects(
    request: Request,
    collection_id: str,
    caller: Annotated[Caller, Depends(authenticated)],
    db: Annotated[Database, Depends(database)],
    last_event_id: Annotated[
        str | None,
        Header(alias="Last-Event-ID", description="Resume after this event id (a date_added)."),
    ] = None,
    after: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_DATE_ADDED,
            description="Resume after this date_added (for clients without headers).",
        ),
    ] = None,
) -> StreamingResponse:
    """Objects the caller may see, as they are added; the backlog after the resume point first."""
    resume = _resume_point(last_event_id, after)
    position = await run_in_threadpool(start_position, db, caller.viewer, collection_id, resume)
    hub: Hub = request.app.state.stream_hub
    return StreamingResponse(
        _events(request, db, hub, caller.viewer, position),
        media_type=EVENT_STREAM,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
