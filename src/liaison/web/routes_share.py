"""The share form: create and share an indicator, a precursor incident or a note."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from liaison.access.parties import list_parties
from liaison.access.visibility import Viewer, collection_access
from liaison.config import Settings
from liaison.errors import NotFound, PermissionDenied
from liaison.stix.precursor import INCIDENT_TYPES
from liaison.stix.tlp import Tlp
from liaison.store.database import Database
from liaison.store.models import Collection
from liaison.web.csrf import check_token
from liaison.web.pages import SECURITY_HEADERS, render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn, WebUser
from liaison.web.share import KIND_LABELS, Outcome, build, store

router = web_router()
MULTI = ("releasable_to",)


def _choices(request: Request, viewer: Viewer) -> dict[str, Any]:
    db: Database = request.app.state.db
    with db.session() as session:
        collections = [
            c
            for c in session.scalars(select(Collection).order_by(Collection.name))
            if collection_access(session, viewer, c).can_write
        ]
        parties = [p.name for p in list_parties(session)]
    return {
        "collections": [(c.id, c.name, c.pillar or "") for c in collections],
        "parties": parties,
        "levels": [(level.value, level.label) for level in Tlp],
        "kinds": KIND_LABELS,
        "incident_types": INCIDENT_TYPES,
        "reliabilities": "ABCDEF",
        "credibilities": "123456",
    }


def _form_page(
    request: Request, user: WebUser, values: dict[str, Any], problems: dict[str, str], status: int
) -> Response:
    context = {**_choices(request, user.caller.viewer), "values": values, "problems": problems}
    return render(request, "share.html", context, user=user, status_code=status)


@router.get("/share")
def share_form(request: Request, user: SignedIn) -> Response:
    """The empty share form (TLP:GREEN, released to every party, by default)."""
    values: dict[str, Any] = {"kind": "indicator", "tlp": Tlp.GREEN.value}
    return _form_page(request, user, values, {}, 200)


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        key: str(value) for key, value in form.items() if key not in MULTI and key != "csrf"
    }
    for key in MULTI:
        values[key] = [str(v) for v in form.getlist(key)]
    return values


@router.post("/share")
async def share(request: Request, user: SignedIn) -> Response:
    """Validate and store the object; show the problems by field, or go to its page."""
    form = await request.form()
    token = form.get("csrf")
    check_token(user, token if isinstance(token, str) else None)
    return await run_in_threadpool(_share, request, user, _values(form))


def _share(request: Request, user: WebUser, values: dict[str, Any]) -> Response:
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    parties = _choices(request, user.caller.viewer)["parties"]
    obj, problems = build(values, parties)
    if obj is None:
        return _form_page(request, user, values, problems, 400)
    try:
        with db.session(write=True) as session:
            outcome = store(
                session, user.caller.viewer, str(values.get("collection") or ""), obj,
                node=settings.node_name, require_evaluation=settings.release.require_evaluation,
            )  # fmt: skip
    except (NotFound, PermissionDenied):
        outcome = Outcome(problems={"collection": "choose a collection you may write to"})
    if outcome.object_id is None:
        return _form_page(request, user, values, outcome.problems, 400)
    target = f"/objects/{outcome.object_id}"
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
