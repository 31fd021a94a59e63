"""The audit page: the log with filters, this node's signed tree heads, the peers' status.

Readable by the roles the audit API serves entries to (auditors and admins). Entries are read
newest first in pages keyed by index; filters are kind, actor and a time range (UTC days).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import Query, Request, Response
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from liaison.audit.heads import head_signature_valid
from liaison.audit.peers import peer_status
from liaison.audit.routes import ENTRY_READERS
from liaison.config import Settings
from liaison.errors import InvalidInput, PermissionDenied
from liaison.federation.keys import load_key
from liaison.federation.peers import list_peers
from liaison.store.database import Database
from liaison.store.models import AuditEntry, TreeHead
from liaison.web.pages import render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn

router = web_router()
PAGE = 100
HEADS = 20
MAX_INDEX = 2**63 - 1


def _micros(day: str, *, end: bool) -> int | None:
    if not day:
        return None
    try:
        moment = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"'{day}' is not a date (YYYY-MM-DD)") from None
    if end:
        moment += timedelta(days=1)
    return int(moment.timestamp() * 1_000_000)


def _conditions(kind: str, actor: str, since: str, until: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if kind:
        conditions.append(AuditEntry.kind == kind)
    if actor:
        conditions.append(AuditEntry.actor == actor)
    start, stop = _micros(since, end=False), _micros(until, end=True)
    if start is not None:
        conditions.append(AuditEntry.recorded_at >= start)
    if stop is not None:
        conditions.append(AuditEntry.recorded_at < stop)
    return conditions


def _entries(
    session: Session, conditions: list[ColumnElement[bool]], before: int | None
) -> tuple[list[dict[str, Any]], int | None]:
    query = select(AuditEntry).where(*conditions).order_by(AuditEntry.index.desc())
    if before is not None:
        query = query.where(AuditEntry.index < before)
    rows = list(session.scalars(query.limit(PAGE + 1)))
    entries = [{"index": r.index, **orjson.loads(r.entry)} for r in rows[:PAGE]]
    return entries, rows[PAGE - 1].index if len(rows) > PAGE else None


def _heads(session: Session, settings: Settings) -> list[dict[str, Any]]:
    heads = list(session.scalars(select(TreeHead).order_by(TreeHead.size.desc()).limit(HEADS)))
    public = load_key(settings.key_path).public_key() if settings.key_path.exists() else None
    return [
        {"head": h, "valid": public is not None and head_signature_valid(public, h)} for h in heads
    ]


@router.get("/audit")
def audit_page(
    request: Request,
    user: SignedIn,
    kind: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    before: Annotated[int | None, Query(ge=0, le=MAX_INDEX)] = None,
) -> Response:
    """The log, newest first, filtered; the signed heads; each peer's consistency status."""
    if user.role not in ENTRY_READERS:
        raise PermissionDenied("the audit log is for this node's auditors and admins")
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    with db.session() as session:
        entries, older = _entries(session, _conditions(kind, actor, since, until), before)
        kinds = list(session.scalars(select(AuditEntry.kind).distinct().order_by(AuditEntry.kind)))
        context = {
            "entries": entries, "older": older, "kinds": kinds, "heads": _heads(session, settings),
            "peers": [peer_status(session, p.name) for p in list_peers(session)],
            "filters": {"kind": kind, "actor": actor, "since": since, "until": until},
        }  # fmt: skip
    return render(request, "audit.html", context, user=user)
