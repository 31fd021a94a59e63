"""Parties (a country or one of its agencies) and principals (people and peer nodes)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.models import Role
from liaison.access.passwords import hash_password, password_problem
from liaison.audit.log import LOCAL_ACTOR, record
from liaison.errors import Conflict, InvalidInput, NotFound
from liaison.stix.checks import PARTY_RE
from liaison.stix.timestamps import now_micros
from liaison.store.models import Party, Principal

PRINCIPAL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")


def add_party(
    session: Session, name: str, description: str = "", *, actor: str = LOCAL_ACTOR
) -> Party:
    """Register a party; names are lower-case codes such as `ca`, `in` or `ca-rcmp`."""
    if PARTY_RE.fullmatch(name) is None:
        raise InvalidInput(
            f"party '{name}' must be 2-100 characters of a-z, 0-9 and '-', starting with a letter"
        )
    if session.get(Party, name) is not None:
        raise Conflict(f"party '{name}' already exists")
    party = Party(name=name, description=description, created_at=now_micros())
    session.add(party)
    session.flush()
    record(session, "party.added", actor, {"party": name, "description": description})
    return party


def add_principal(
    session: Session,
    name: str,
    *,
    party: str,
    role: Role,
    password: str | None = None,
    actor: str = LOCAL_ACTOR,
) -> Principal:
    """Register a person or peer node of `party`; a password, if any, is stored only hashed."""
    if PRINCIPAL_RE.fullmatch(name) is None:
        raise InvalidInput(f"user name '{name}' must be 1-100 characters of A-Z, a-z, 0-9, . _ @ -")
    if session.get(Party, party) is None:
        raise NotFound(f"no party '{party}' (add it with `liaison party add`)")
    if session.scalar(select(Principal).where(Principal.name == name)) is not None:
        raise Conflict(f"user '{name}' already exists")
    if password is not None and (problem := password_problem(password)):
        raise InvalidInput(problem)
    principal = Principal(
        name=name,
        party=party,
        role=role,
        password_hash=hash_password(password) if password is not None else None,
        created_at=now_micros(),
    )
    session.add(principal)
    session.flush()
    record(session, "principal.added", actor, {
        "principal": name, "party": party, "role": str(role), "password": password is not None,
    })  # fmt: skip
    return principal


def find_principal(session: Session, name: str) -> Principal:
    """The principal called `name`, or NotFound."""
    principal = session.scalar(select(Principal).where(Principal.name == name))
    if principal is None:
        raise NotFound(f"no user '{name}'")
    return principal


def list_parties(session: Session) -> list[Party]:
    """Every party, by name."""
    return list(session.scalars(select(Party).order_by(Party.name)))


def list_principals(session: Session) -> list[Principal]:
    """Every principal, by name."""
    return list(session.scalars(select(Principal).order_by(Principal.name)))
