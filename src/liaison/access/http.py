"""The HTTP edge of access control: authenticate a request and name its Viewer.

`authenticated` is a FastAPI dependency. It reads the `Authorization` header (a bearer API token,
or HTTP Basic with a password or a token), checks it in a short read session of the node's store
and hands the route a `Caller`. Failures raise AuthenticationFailed, which the app renders as a
401 TAXII error with a `WWW-Authenticate` challenge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from liaison.access.auth import authenticate
from liaison.access.models import Role
from liaison.access.visibility import Viewer
from liaison.store.database import Database

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
    """FastAPI dependency: the principal the request's credentials prove, or a 401."""
    db: Database = request.app.state.db
    with db.session() as session:
        principal = authenticate(session, authorization)
        return Caller(principal.id, Viewer(principal.name, principal.party), Role(principal.role))
