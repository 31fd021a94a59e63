"""The HTTP edge of access control: authenticate a request and name its Viewer.

`authenticated` is a FastAPI dependency. It reads the `Authorization` header (a bearer API token,
or HTTP Basic with a password or a token), checks it in a short read session of the node's store
and hands the route a `Caller`. Failures raise AuthenticationFailed, which the app renders as a
401 TAXII error with a `WWW-Authenticate` challenge. A failure with credentials (not a request
that sent none) is first recorded in the audit log, in a short write transaction of its own.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from liaison.access.auth import authenticate
from liaison.access.models import Role
from liaison.access.tokens import PREFIX
from liaison.access.visibility import Viewer
from liaison.audit.log import record
from liaison.config import Settings
from liaison.errors import AuthenticationFailed
from liaison.store.database import Database
from liaison.store.models import Principal

WWW_AUTHENTICATE = 'Bearer realm="liaison", Basic realm="liaison"'

_authorization = APIKeyHeader(
    name="Authorization",
    scheme_name="liaison",
    description="`Bearer <API token>`, or HTTP Basic with a password or an API token.",
    auto_error=False,
)


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated principal: its row id (owner of TAXII statuses), Viewer and role."""

    principal_id: int
    viewer: Viewer
    role: Role

    @property
    def is_peer(self) -> bool:
        """True for a peer node: what it reads leaves this node, so it is served signed."""
        return self.role is Role.PEER


def authenticated(
    request: Request, authorization: Annotated[str | None, Security(_authorization)] = None
) -> Caller:
    """FastAPI dependency: the principal the request's credentials prove, or a 401.

    Its Viewer carries the node's `release.require_evaluation` when the principal reads for
    another party (a peer node, or an officer of a foreign party with an account here), so
    every read path applies it to whatever is released to a foreign party.
    """
    db: Database = request.app.state.db
    settings: Settings = request.app.state.settings
    try:
        with db.session() as session:
            return caller_of(authenticate(session, authorization), settings)
    except AuthenticationFailed as exc:
        if authorization:
            _record_failure(db, request, authorization, exc)
        raise


def caller_of(principal: Principal, settings: Settings) -> Caller:
    """The Caller an authenticated principal acts as: the one place its Viewer is built, for the
    API's credentials and the web UI's session alike, so both read under the same policy."""
    role = Role(principal.role)
    foreign = role is Role.PEER or principal.party != settings.party
    viewer = Viewer(
        principal.name, principal.party, peer=role is Role.PEER,
        require_evaluation=settings.release.require_evaluation and foreign,
    )  # fmt: skip
    return Caller(principal.id, viewer, role)


def claimed_identity(authorization: str) -> str:
    """Who the credentials claim to be: the Basic user name or the token's public id."""
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[0][:100]
    prefix, _, rest = credentials.partition("_")
    return f"token:{rest.partition('_')[0][:16]}" if prefix == PREFIX else ""


def _record_failure(
    db: Database, request: Request, authorization: str, exc: AuthenticationFailed
) -> None:
    """Append an `auth.failed` entry: the claimed identity, the reason, where from, what for."""
    claimed = claimed_identity(authorization)
    with db.session(write=True) as session:
        record(session, "auth.failed", claimed or "anonymous", {
            "scheme": authorization.strip().partition(" ")[0].lower()[:20],
            "reason": exc.message, "path": request.url.path, "method": request.method,
            "client": request.client.host if request.client else None,
        })  # fmt: skip
