"""API tokens: shown once at creation, stored as SHA-256 of a 256-bit random secret.

A token reads `lsn_<id>_<secret>`. The id finds the row; the secret is compared in constant time
against its stored digest. A high-entropy random secret needs no slow password hash: guessing it
is infeasible whatever the digest speed (the approach of GitHub and PyPI tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.log import LOCAL_ACTOR, record
from liaison.errors import AuthenticationFailed, NotFound
from liaison.stix.timestamps import now_micros
from liaison.store.models import ApiToken, Principal

PREFIX = "lsn"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A newly created token: `value` is the only time the secret is ever visible."""

    id: str
    value: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    session: Session, principal: Principal, description: str = "", *, actor: str = LOCAL_ACTOR
) -> IssuedToken:
    """Create a token for `principal`; the caller shows `value` once and never stores it."""
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            id=token_id,
            principal_id=principal.id,
            secret_sha256=_digest(secret),
            description=description,
            created_at=now_micros(),
        )
    )
    session.flush()
    record(session, "token.issued", actor, {
        "token": token_id, "principal": principal.name, "description": description,
    })  # fmt: skip
    return IssuedToken(token_id, f"{PREFIX}_{token_id}_{secret}")


def principal_for_token(session: Session, value: str) -> Principal:
    """The live principal a token belongs to, or AuthenticationFailed."""
    prefix, _, rest = value.partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != PREFIX or not token_id or not secret:
        raise AuthenticationFailed("malformed API token")
    token = session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None:
        raise AuthenticationFailed("unknown or revoked API token")
    if not hmac.compare_digest(token.secret_sha256, _digest(secret)):
        raise AuthenticationFailed("unknown or revoked API token")
    principal = session.scalar(select(Principal).where(Principal.id == token.principal_id))
    if principal is None or principal.disabled:
        raise AuthenticationFailed("the token's principal is disabled")
    return principal


@dataclass(frozen=True, slots=True)
class RevokedToken:
    """A revoked token: its id, its principal's name and when it was revoked."""

    id: str
    user: str
    revoked_at: int


def revoke_token(session: Session, token_id: str, *, actor: str = LOCAL_ACTOR) -> RevokedToken:
    """Revoke the token with this id (its `lsn_<id>_…` part); revoking twice keeps the first time."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no API token '{token_id}' (see `liaison token list`)")
    user = session.scalar(select(Principal.name).where(Principal.id == token.principal_id))
    if token.revoked_at is None:
        token.revoked_at = now_micros()
        session.flush()
        record(session, "token.revoked", actor, {"token": token.id, "principal": user or ""})
    return RevokedToken(token.id, user or "", token.revoked_at)


def list_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    """Every token with the name of its principal, oldest first (secrets are never stored)."""
    rows = session.execute(
        select(ApiToken, Principal.name)
        .join(Principal, Principal.id == ApiToken.principal_id)
        .order_by(ApiToken.created_at, ApiToken.id)
    )
    return [(token, name) for token, name in rows]
