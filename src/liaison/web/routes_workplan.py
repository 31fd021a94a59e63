"""The work-plan page: the plan by pillar beside the exchange figures, a printable report, and
the admins' edits (each in one transaction with its audit entry)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liaison.access.models import Role
from liaison.config import Settings
from liaison.errors import LiaisonError, PermissionDenied
from liaison.exchange.rfi_routes import READERS
from liaison.store.database import Database
from liaison.web import charts
from liaison.web.csrf import check_token
from liaison.web.figures import figures_for
from liaison.web.pages import SECURITY_HEADERS, render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn, WebUser
from liaison.web.workplan import (
    PILLARS,
    STATUSES,
    ActionFields,
    add_action,
    add_milestone,
    plan,
    set_milestone_done,
    update_action,
)

router = web_router()
EDITORS = frozenset({Role.ADMIN})


def _context(request: Request, user: WebUser) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    viewer = user.caller.viewer
    own = viewer.party == settings.party and user.role in READERS
    figures = figures_for(request, viewer) if own else None
    with db.session() as session:
        context: dict[str, Any] = {"plan": plan(session), "figures": figures}
    if figures is not None:
        months, shared = charts.shared_by_month(figures["objects"])
        pillars, hours = charts.answer_hours(figures["rfi_times"])
        context["shared_chart"] = charts.grouped_bars(months, shared, "objects")
        context["hours_chart"] = charts.grouped_bars(pillars, hours, "hours")
        context["months"], context["shared"] = months, shared
    return context


def _page(
    request: Request, user: WebUser, template: str, error: str | None = None, status: int = 200
) -> Response:
    context = {
        **_context(request, user), "error": error, "may_edit": user.role in EDITORS,
        "pillars": PILLARS, "statuses": STATUSES,
    }  # fmt: skip
    return render(request, template, context, user=user, status_code=status)


@router.get("/workplan")
def workplan_page(request: Request, user: SignedIn) -> Response:
    """The plan by pillar, with the exchange figures drawn as charts."""
    return _page(request, user, "workplan.html")


@router.get("/workplan/report")
def workplan_report(request: Request, user: SignedIn) -> Response:
    """The same as a printable report for the officials who review the plan."""
    return _page(request, user, "workplan_report.html")


def _fields(form: Any) -> ActionFields:
    return ActionFields(
        str(form.get("pillar") or ""), str(form.get("title") or ""), str(form.get("owner") or ""),
        str(form.get("status") or ""), str(form.get("start_date") or ""),
        str(form.get("due_date") or ""),
    )  # fmt: skip


def _edit(request: Request, user: WebUser, change: Callable[[Session], object]) -> Response:
    if user.role not in EDITORS:
        raise PermissionDenied("the work plan is edited by this node's admins")
    db: Database = request.app.state.db
    try:
        with db.session(write=True) as session:
            change(session)
    except LiaisonError as exc:
        return _page(request, user, "workplan.html", exc.message, exc.status)
    return RedirectResponse("/workplan", status_code=303, headers=SECURITY_HEADERS)


async def _form(request: Request, user: WebUser) -> Any:
    form = await request.form()
    token = form.get("csrf")
    check_token(user, token if isinstance(token, str) else None)
    return form


@router.post("/workplan/actions")
async def new_action(request: Request, user: SignedIn) -> Response:
    """Add an action (admins)."""
    fields = _fields(await _form(request, user))
    change = partial(add_action, actor=user.name, fields=fields)
    return await run_in_threadpool(_edit, request, user, change)


@router.post("/workplan/actions/{action_id}")
async def edit_action(request: Request, user: SignedIn, action_id: int) -> Response:
    """Restate an action (admins)."""
    fields = _fields(await _form(request, user))
    change = partial(update_action, actor=user.name, action_id=action_id, fields=fields)
    return await run_in_threadpool(_edit, request, user, change)


@router.post("/workplan/actions/{action_id}/milestones")
async def new_milestone(request: Request, user: SignedIn, action_id: int) -> Response:
    """Add a milestone to an action (admins)."""
    form = await _form(request, user)
    title, due = str(form.get("title") or ""), str(form.get("due_date") or "")
    change = partial(add_milestone, actor=user.name, action_id=action_id, title=title, due_date=due)
    return await run_in_threadpool(_edit, request, user, change)


@router.post("/workplan/milestones/{milestone_id}")
async def milestone_done(request: Request, user: SignedIn, milestone_id: int) -> Response:
    """Mark a milestone met on a date, or not met (admins)."""
    done = str((await _form(request, user)).get("done_date") or "")
    change = partial(set_milestone_done, actor=user.name, milestone_id=milestone_id, done_date=done)
    return await run_in_threadpool(_edit, request, user, change)
