"""CSRF protection for every form: a synchronizer token bound to the session.

A signed-in form carries the session's own token (kept inside the signed session cookie) in a
hidden `csrf` field; a post whose field does not match is refused before anything is read or
written. The login form, which has no session yet, is bound instead to a random nonce in a
short-lived cookie of its own: its token is an HMAC of that nonce under the node's web secret.
The session cookie is also SameSite=Strict, so a cross-site post carries no session at all.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from liaison.errors import PermissionDenied
from liaison.web.session import WebUser, is_secure, sign, web_secret

FIELD = "csrf"
LOGIN_COOKIE = "liaison_login"
LOGIN_MAX_AGE = 3600


def check_token(user: WebUser, given: str | None) -> None:
    """Refuse (PermissionDenied) a form post whose token is not the session's."""
    if not given or not hmac.compare_digest(given.encode(), user.csrf.encode()):
        raise PermissionDenied("the form's security token is missing or stale: reload the page")


async def check_form(request: Request, user: WebUser) -> None:
    """Check the CSRF token of a posted form (reads the form; FastAPI keeps it for the route)."""
    form = await request.form()
    value = form.get(FIELD)
    check_token(user, value if isinstance(value, str) else None)


def login_token(request: Request) -> tuple[str, str]:
    """A fresh login nonce and the form token bound to it."""
    nonce = secrets.token_urlsafe(18)
    return nonce, sign(web_secret(request), "login", nonce.encode())


def set_login_nonce(response: Response, request: Request, nonce: str) -> None:
    """Set the nonce cookie the login form's token is bound to (HttpOnly, SameSite=Strict)."""
    response.set_cookie(
        LOGIN_COOKIE, nonce, max_age=LOGIN_MAX_AGE, httponly=True, samesite="strict",
        secure=is_secure(request), path="/login",
    )  # fmt: skip


def check_login_token(request: Request, given: str | None) -> None:
    """Refuse (PermissionDenied) a login post whose token does not match its nonce cookie."""
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or not given:
        raise PermissionDenied("the login form expired: reload the page")
    expected = sign(web_secret(request), "login", nonce.encode())
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise PermissionDenied("the login form expired: reload the page")
