"""Authenticating a request: an API token as a bearer, or HTTP Basic with a password or a token.

Basic is accepted because TAXII clients such as `taxii2-client` speak it; the password may be the
principal's password or one of its API tokens. Every failure says what was wrong with the
credentials in general terms, never which of user or secret did not match.
"""

from __future__ import annotations

import base64
import binascii

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.passwords import verify_password
from liaison.access.tokens import PREFIX, principal_for_token
from liaison.errors import AuthenticationFailed
from liaison.store.models import Principal

BAD_CREDENTIALS = "wrong user name or password"


def _basic(session: Session, encoded: str) -> Principal:
    try:
        user, colon, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationFailed("malformed HTTP Basic credentials") from None
    if not colon or not user:
        raise AuthenticationFailed("malformed HTTP Basic credentials")
    if secret.startswith(f"{PREFIX}_"):
        token_holder = principal_for_token(session, secret)
        if token_holder.name != user:
            raise AuthenticationFailed(BAD_CREDENTIALS)
        return token_holder
    principal = session.scalar(select(Principal).where(Principal.name == user))
    if principal is None or principal.password_hash is None or principal.disabled:
        raise AuthenticationFailed(BAD_CREDENTIALS)
    if not verify_password(secret, principal.password_hash):
        raise AuthenticationFailed(BAD_CREDENTIALS)
    return principal


def authenticate(session: Session, authorization: str | None) -> Principal:
    """The principal an `Authorization` header proves, or AuthenticationFailed."""
    if not authorization:
        raise AuthenticationFailed(
            "authentication required: send an API token as a bearer, or HTTP Basic credentials"
        )
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return principal_for_token(session, credentials.strip())
    if scheme.lower() == "basic":
        return _basic(session, credentials.strip())
    raise AuthenticationFailed(f"unsupported authentication scheme '{scheme}' (Bearer or Basic)")
