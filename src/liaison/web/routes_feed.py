"""The live feed (per pillar), its live updates, and each object's detail page.

The feed page lists the newest visible objects of a pillar's collections. The browser then
follows each of those collections' event stream (`/feed/stream/{collection}`: the stream of
`liaison.streams`, authenticated by the web session) and, for every object event, fetches the
object's feed row (`/feed/item`), rendered and checked against the visibility policy here.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import Query, Request, Response

from liaison.store.database import Database
from liaison.streams.routes import MAX_DATE_ADDED, stream_objects
from liaison.web.detail import audit_trail, may_read_audit, signature_status
from liaison.web.objects import feed, feed_item, find_object, pillars, readable, related
from liaison.web.pages import render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn

router = web_router()


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@router.get("/feed")
def feed_page(
    request: Request, user: SignedIn, pillar: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    """The newest intelligence of one pillar (or all), updated live as objects arrive."""
    viewer = user.caller.viewer
    with _db(request).session() as session:
        accesses = readable(session, viewer, pillar or None)
        context = {
            "pillars": pillars(session, viewer),
            "pillar": pillar or "",
            "items": feed(session, viewer, accesses),
            "collections": [a.collection.id for a in accesses],
        }
        return render(request, "feed.html", context, user=user)


@router.get("/feed/item")
def feed_row(
    request: Request,
    user: SignedIn,
    collection: Annotated[str, Query(max_length=36)],
    date_added: Annotated[int, Query(ge=0, le=MAX_DATE_ADDED)],
) -> Response:
    """One feed row (an htmx fragment) for an object a stream announced; 404 if not visible."""
    with _db(request).session() as session:
        item = feed_item(session, user.caller.viewer, collection, date_added)
        return render(request, "feed_item.html", {"item": item, "fresh": True}, user=user)


@router.get("/feed/stream/{collection_id}")
async def feed_stream(request: Request, user: SignedIn, collection_id: str) -> Response:
    """The collection's object stream for the browser's EventSource (web-session auth)."""
    last = request.headers.get("Last-Event-ID")
    return await stream_objects(request, collection_id, user.caller, _db(request), last, None)


@router.get("/objects/{object_id}")
def object_page(request: Request, user: SignedIn, object_id: str) -> Response:
    """An object's JSON, relationships, signature status and audit trail (404 when hidden)."""
    viewer = user.caller.viewer
    with _db(request).session() as session:
        item = find_object(session, viewer, object_id)
        outgoing, incoming = related(session, viewer, item)
        reader = may_read_audit(user.role)
        context = {
            "item": item,
            "json": orjson.dumps(item.body, option=orjson.OPT_INDENT_2).decode(),
            "outgoing": outgoing,
            "incoming": incoming,
            "signature": signature_status(session, request.app.state.settings, item.row),
            "may_read_audit": reader,
            "trail": audit_trail(session, object_id) if reader else [],
        }
        return render(request, "object.html", context, user=user)
