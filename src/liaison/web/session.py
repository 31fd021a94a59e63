"""The web UI's session: a signed cookie naming the principal, checked against the store each time.

The cookie holds the principal's id and name, a fingerprint of its password hash (so a changed
password or a disabled account ends every session at once), the session's CSRF token and the
time it was issued; it is signed with HMAC-SHA256 under the node's web secret, kept in the node
directory (`web-session.key`, 0600, generated on first use: there is no default secret). The
principal is loaded again on every request and turned into a `Caller` by
`liaison.access.http.caller_of`, so the UI reads under exactly the roles and visibility policy
of the API. Peer nodes have no web session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import Depends, Request, Response

from liaison.access.http import Caller, caller_of
from liaison.access.models import Role
from liaison.config import Settings
from liaison.errors import LiaisonError
from liaison.store.database import Database
from liaison.store.models import Principal

COOKIE = "liaison_session"
SECRET_FILE = "web-session.key"  # noqa: S105 (the file name, not a secret)
MAX_AGE_SECONDS = 12 * 3600
WEB_ROLES = frozenset({Role.OFFICER, Role.ANALYST, Role.AUDITOR, Role.ADMIN})


class LoginRequired(LiaisonError):
    """No valid web session: the page answers with a redirect to the login form."""

    status = 401
    title = "Login required"


@dataclass(frozen=True, slots=True)
class WebUser:
    """The signed-in principal: the Caller the API would see, and the session's CSRF token."""

    caller: Caller
    csrf: str

    @property
    def name(self) -> str:
        """The principal's name."""
        return self.caller.viewer.name

    @property
    def party(self) -> str:
        """The principal's party."""
        return self.caller.viewer.party

    @property
    def role(self) -> Role:
        """The principal's role."""
        return self.caller.role


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_secret(directory: Path) -> bytes:
    """The node's web secret, created (0600) on first use in the node directory."""
    path = directory / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _unb64(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(_b64(secrets.token_bytes(32)))
    return _unb64(path.read_text().strip())


def web_secret(request: Request) -> bytes:
    """The web secret of the app serving `request` (read once, then kept in the app's state)."""
    secret: bytes | None = getattr(request.app.state, "web_secret", None)
    if secret is None:
        settings: Settings = request.app.state.settings
        secret = load_secret(settings.dir)
        request.app.state.web_secret = secret
    return secret


def sign(secret: bytes, purpose: str, payload: bytes) -> str:
    """An HMAC-SHA256 of `payload` for one `purpose` (session, login form), base64url."""
    return _b64(hmac.new(secret, purpose.encode() + b"\0" + payload, hashlib.sha256).digest())


def _fingerprint(principal: Principal) -> str:
    return hashlib.sha256((principal.password_hash or "").encode()).hexdigest()[:16]


def session_cookie(secret: bytes, principal: Principal, *, now: float | None = None) -> str:
    """A new session's cookie value for `principal`, with a fresh CSRF token."""
    payload = orjson.dumps({
        "p": principal.id, "n": principal.name, "f": _fingerprint(principal),
        "c": secrets.token_urlsafe(24), "t": int(time.time() if now is None else now),
    })  # fmt: skip
    return f"{_b64(payload)}.{sign(secret, 'session', payload)}"


def _payload(secret: bytes, cookie: str) -> dict[str, object] | None:
    encoded, _, signature = cookie.partition(".")
    try:
        payload = _unb64(encoded)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, sign(secret, "session", payload)):
        return None
    data = orjson.loads(payload)
    if not isinstance(data, dict) or time.time() - int(data.get("t", 0)) > MAX_AGE_SECONDS:
        return None
    return data


def user_of(request: Request) -> WebUser | None:
    """The signed-in principal of `request`, or None (no cookie, bad signature, expired,
    unknown, disabled or changed principal, or a role with no web session)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    data = _payload(web_secret(request), cookie)
    if data is None:
        return None
    db: Database = request.app.state.db
    with db.session() as session:
        principal = session.get(Principal, data.get("p"))
        if (
            principal is None or principal.disabled or principal.name != data.get("n")
            or _fingerprint(principal) != data.get("f") or principal.role not in WEB_ROLES
        ):  # fmt: skip
            return None
        return WebUser(caller_of(principal, request.app.state.settings), str(data["c"]))


def signed_in(request: Request) -> WebUser:
    """FastAPI dependency: the signed-in principal, or LoginRequired (a redirect to /login)."""
    user = user_of(request)
    if user is None:
        raise LoginRequired("sign in to use the web UI")
    return user


SignedIn = Annotated[WebUser, Depends(signed_in)]


def is_secure(request: Request) -> bool:
    """Whether the request came over TLS (the cookie is then marked Secure)."""
    settings: Settings = request.app.state.settings
    return request.url.scheme == "https" or settings.tls_cert is not None


def set_session(response: Response, request: Request, value: str) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, Secure over TLS, for MAX_AGE."""
    response.set_cookie(
        COOKIE, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="strict",
        secure=is_secure(request), path="/",
    )  # fmt: skip


def clear_session(response: Response, request: Request) -> None:
    """Remove the session cookie."""
    response.delete_cookie(
        COOKIE, httponly=True, samesite="strict", secure=is_secure(request), path="/"
    )
