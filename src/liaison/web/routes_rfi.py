"""Requests for information: inbox and outbox, sending, and each RFI's steps.

Every read and write goes through `liaison.exchange.rfi_service`, acting as the signed-in
principal for the node's party under the same role rules as `/api/v1/rfis` (officers and admins
act; any non-peer principal of the party reads). A refused step is shown on the page with the
service's own reason; nothing is written.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from liaison.access.parties import list_parties
from liaison.config import Settings
from liaison.errors import LiaisonError
from liaison.exchange.callers import require_own_party
from liaison.exchange.rfi_routes import ACTORS, READERS
from liaison.exchange.rfi_service import (
    Acting,
    RfiRequest,
    act_on_rfi,
    list_rfis,
    send_rfi,
    show_rfi,
)
from liaison.stix.rfi import EVENT_TYPES, PILLARS, PRIORITIES
from liaison.store.database import Database
from liaison.web.csrf import check_token
from liaison.web.objects import feed, readable
from liaison.web.pages import SECURITY_HEADERS, render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn, WebUser

router = web_router()
ANSWER_CHOICES = 30


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _acting(request: Request, user: WebUser, *, act: bool) -> Acting:
    settings: Settings = request.app.state.settings
    what = "acting on RFIs" if act else "reading RFIs"
    require_own_party(user.caller, settings.party, ACTORS if act else READERS, what)
    return Acting(
        settings.node_name, settings.party, user.name, settings.release.require_evaluation
    )


def _list_page(
    request: Request, user: WebUser, values: dict[str, Any], error: str | None, status: int
) -> Response:
    acting = _acting(request, user, act=False)
    with _db(request).session() as session:
        statuses = list_rfis(session, acting.viewer)
        parties = [p.name for p in list_parties(session) if p.name != acting.party]
    context = {
        "inbox": [s for s in reversed(statuses) if s.rfi.addressee == acting.party],
        "outbox": [s for s in reversed(statuses) if s.rfi.requester == acting.party],
        "parties": parties, "pillars": PILLARS, "priorities": PRIORITIES,
        "values": values, "error": error, "may_act": user.role in ACTORS,
    }  # fmt: skip
    return render(request, "rfis.html", context, user=user, status_code=status)


@router.get("/rfis")
def rfis_page(request: Request, user: SignedIn) -> Response:
    """Inbox and outbox, newest first, overdue ones highlighted; the form to send one."""
    return _list_page(request, user, {"priority": "routine"}, None, 200)


def _fields(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        key: str(value) for key, value in form.items() if key not in ("csrf", "refs")
    }
    values["refs"] = [str(ref) for ref in form.getlist("refs")]
    return values


def _send(request: Request, user: WebUser, values: dict[str, Any]) -> Response:
    acting = _acting(request, user, act=True)
    new = RfiRequest(
        values.get("to", ""), values.get("pillar", ""), values.get("priority", ""),
        values.get("due", ""), values.get("question", ""), values.get("purpose") or None,
        values.get("legal_basis") or None,
    )  # fmt: skip
    try:
        with _db(request).session(write=True) as session:
            status = send_rfi(session, acting, new)
    except LiaisonError as exc:
        return _list_page(request, user, values, exc.message, exc.status)
    return RedirectResponse(f"/rfis/{status.rfi.id}", status_code=303, headers=SECURITY_HEADERS)


@router.post("/rfis")
async def send(request: Request, user: SignedIn) -> Response:
    """Send an RFI to the other party (it travels with the next sync)."""
    form = await request.form()
    token = form.get("csrf")
    check_token(user, token if isinstance(token, str) else None)
    return await run_in_threadpool(_send, request, user, _fields(form))


def _rfi_page(
    request: Request, user: WebUser, rfi_id: str, error: str | None, status_code: int
) -> Response:
    acting = _acting(request, user, act=False)
    with _db(request).session() as session:
        status = show_rfi(session, acting.viewer, rfi_id)
        accesses = readable(session, acting.viewer, status.rfi.pillar)
        choices = feed(session, acting.viewer, accesses, limit=ANSWER_CHOICES)
    context = {
        "status": status, "error": error, "may_act": user.role in ACTORS,
        "inbound": status.rfi.addressee == acting.party, "choices": choices,
    }  # fmt: skip
    return render(request, "rfi.html", context, user=user, status_code=status_code)


@router.get("/rfis/{rfi_id}")
def rfi_page(request: Request, user: SignedIn, rfi_id: str) -> Response:
    """One RFI: question, due date, state, steps, answer, and the forms of the next steps."""
    return _rfi_page(request, user, rfi_id, None, 200)


def _step(
    request: Request, user: WebUser, rfi_id: str, step: str, values: dict[str, Any]
) -> Response:
    acting = _acting(request, user, act=True)
    try:
        with _db(request).session(write=True) as session:
            act_on_rfi(
                session, acting, rfi_id, step, text=values.get("text") or None,
                reason=values.get("reason") or None, refs=values["refs"],
            )  # fmt: skip
    except LiaisonError as exc:
        return _rfi_page(request, user, rfi_id, exc.message, exc.status)
    return RedirectResponse(f"/rfis/{rfi_id}", status_code=303, headers=SECURITY_HEADERS)


@router.post("/rfis/{rfi_id}/{step}")
async def take_step(request: Request, user: SignedIn, rfi_id: str, step: str) -> Response:
    """Acknowledge, answer (text and picked objects), decline (reason) or close an RFI."""
    form = await request.form()
    token = form.get("csrf")
    check_token(user, token if isinstance(token, str) else None)
    if step not in EVENT_TYPES:
        return _rfi_page(request, user, rfi_id, f"unknown step '{step}'", 404)
    return await run_in_threadpool(_step, request, user, rfi_id, step, _fields(form))
