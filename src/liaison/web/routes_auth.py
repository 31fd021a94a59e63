"""Signing in and out of the web UI with the same principals and passwords as the TAXII server.

A failed sign-in is recorded in the audit log as an `auth.failed` entry, like a failed API
authentication (`liaison.access.http`), in a short write transaction of its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from liaison.access.passwords import verify_password
from liaison.audit.log import record
from liaison.store.database import Database
from liaison.store.models import Principal
from liaison.web.csrf import (
    FIELD,
    LOGIN_COOKIE,
    check_login_token,
    check_token,
    login_token,
    set_login_nonce,
)
from liaison.web.pages import SECURITY_HEADERS, render
from liaison.web.routing import web_router
from liaison.web.session import (
    WEB_ROLES,
    SignedIn,
    clear_session,
    session_cookie,
    set_session,
    user_of,
    web_secret,
)

BAD_LOGIN = "wrong user name or password"
router = web_router()


def _safe_next(target: str | None) -> str:
    """Only a path on this node (never `//host` or a URL) is followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/feed"


def _login_page(request: Request, target: str, error: str | None, status: int) -> Response:
    nonce, token = login_token(request)
    context = {"next": target, "error": error, "csrf": token}
    response = render(request, "login.html", context, status_code=status)
    set_login_nonce(response, request, nonce)
    return response


@router.get("/")
def index(request: Request) -> Response:
    """The front page: the live feed when signed in, else the sign-in form."""
    target = "/feed" if user_of(request) else "/login"
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form (user name and password)."""
    return _login_page(request, _safe_next(next), None, 200)


def _check_password(db: Database, user: str, password: str) -> Principal | None:
    with db.session() as session:
        principal = session.scalar(select(Principal).where(Principal.name == user))
        if (
            principal is None or principal.password_hash is None or principal.disabled
            or principal.role not in WEB_ROLES
        ):  # fmt: skip
            return None
        if not verify_password(password, principal.password_hash):
            return None
        session.expunge(principal)
        return principal


def _record_failure(db: Database, request: Request, user: str) -> None:
    with db.session(write=True) as session:
        record(session, "auth.failed", user[:100] or "anonymous", {
            "scheme": "web-form", "reason": BAD_LOGIN, "path": request.url.path,
            "method": request.method, "client": request.client.host if request.client else None,
        })  # fmt: skip


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(alias=FIELD, max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/feed",
) -> Response:
    """Check the credentials; on success start a session and go on to `next`."""
    check_login_token(request, csrf)
    db: Database = request.app.state.db
    principal = _check_password(db, username.strip(), password)
    if principal is None:
        _record_failure(db, request, username.strip())
        return _login_page(request, _safe_next(next), BAD_LOGIN, 401)
    response = RedirectResponse(_safe_next(next), status_code=303, headers=SECURITY_HEADERS)
    set_session(response, request, session_cookie(web_secret(request), principal))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request, user: SignedIn, csrf: Annotated[str, Form(alias=FIELD, max_length=200)] = ""
) -> Response:
    """End the session (the cookie is removed) and return to the sign-in form."""
    check_token(user, csrf)
    response = RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
    clear_session(response, request)
    return response
