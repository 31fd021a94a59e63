"""CLI of access: `liaison party …`, `liaison user …` and `liaison token …`."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated, Any

import typer

from liaison.access.models import Role
from liaison.access.parties import (
    add_party,
    add_principal,
    find_principal,
    list_parties,
    list_principals,
)
from liaison.access.tokens import issue_token, list_tokens, revoke_token
from liaison.console import DirOption, JsonOption, emit_json, node_store, print_table, stdout
from liaison.errors import InvalidInput
from liaison.stix.timestamps import micros_to_timestamp

party_app = typer.Typer(help="Parties: countries and their agencies.", no_args_is_help=True)
user_app = typer.Typer(help="Users: people and peer nodes who authenticate.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)

DescriptionOption = Annotated[str, typer.Option("--description", help="Free text.")]


@party_app.command("add")
def party_add(
    name: Annotated[str, typer.Argument(help="Lower-case code, e.g. ca, in or ca-rcmp.")],
    description: DescriptionOption = "",
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Register a party."""
    with node_store(directory) as (_settings, db), db.session(write=True) as session:
        party = add_party(session, name, description)
    if json_output:
        emit_json({"name": party.name, "description": party.description})
    else:
        stdout.print(f"party {party.name} added", highlight=False)


@party_app.command("list")
def party_list(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """List the parties."""
    with node_store(directory) as (_settings, db), db.session() as session:
        parties = list_parties(session)
    rows = [
        {"name": p.name, "description": p.description, "created": micros_to_timestamp(p.created_at)}
        for p in parties
    ]
    if json_output:
        emit_json({"parties": rows})
    else:
        print_table(("party", "description"), [(r["name"], r["description"]) for r in rows])


def _parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        roles = ", ".join(role.value for role in Role)
        raise InvalidInput(f"unknown role '{text}' (use one of {roles})") from None


def _read_password() -> str:
    """One line from stdin without its line ending (a hidden prompt on a terminal)."""
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not password:
        raise InvalidInput("--password-stdin: no password on stdin")
    return password


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (A-Z, a-z, 0-9, . _ @ -).")],
    party: Annotated[str, typer.Option("--party", help="The user's party.")],
    role: Annotated[str, typer.Option("--role", help="officer, analyst, auditor, admin or peer.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read a password (12+ characters) from stdin."),
    ] = False,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Register a user; without --password-stdin it authenticates with API tokens only."""
    level = _parse_role(role)
    password = _read_password() if password_stdin else None
    with node_store(directory) as (_settings, db), db.session(write=True) as session:
        user = add_principal(session, name, party=party, role=level, password=password)
    if json_output:
        emit_json({
            "name": user.name, "party": user.party, "role": user.role,
            "has_password": user.password_hash is not None,
        })  # fmt: skip
    else:
        stdout.print(f"user {user.name} ({user.role}, party {user.party}) added", highlight=False)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


@user_app.command("list")
def user_list(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """List the users."""
    with node_store(directory) as (_settings, db), db.session() as session:
        users = list_principals(session)
    rows: list[dict[str, Any]] = [
        {
            "name": u.name, "party": u.party, "role": u.role,
            "has_password": u.password_hash is not None, "disabled": u.disabled,
            "created": micros_to_timestamp(u.created_at),
        }
        for u in users
    ]  # fmt: skip
    if json_output:
        emit_json({"users": rows})
        return
    print_table(
        ("user", "party", "role", "password", "disabled"),
        [
            (r["name"], r["party"], r["role"], _yes(r["has_password"]), _yes(r["disabled"]))
            for r in rows
        ],
    )


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Argument(help="The user the token authenticates.")],
    description: DescriptionOption = "",
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create an API token for a user and print it once; only its SHA-256 is stored."""
    with node_store(directory) as (_settings, db), db.session(write=True) as session:
        principal = find_principal(session, user)
        issued = issue_token(session, principal, description)
    if json_output:
        emit_json({"id": issued.id, "token": issued.value, "user": principal.name})
        return
    stdout.print(f"token {issued.id} for {principal.name} (shown once, stored hashed):")
    stdout.print(issued.value, highlight=False, markup=False)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (as `liaison token list`).")],
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Revoke an API token: it no longer authenticates."""
    with node_store(directory) as (_settings, db), db.session(write=True) as session:
        revoked = revoke_token(session, token_id)
    revoked_at = micros_to_timestamp(revoked.revoked_at)
    if json_output:
        emit_json({"id": revoked.id, "user": revoked.user, "revoked_at": revoked_at})
    else:
        stdout.print(
            f"token {revoked.id} of {revoked.user} revoked at {revoked_at}", highlight=False
        )


@token_app.command("list")
def token_list(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """List API tokens (ids, users, descriptions; never the secrets)."""
    with node_store(directory) as (_settings, db), db.session() as session:
        tokens = list_tokens(session)
    rows: list[dict[str, Any]] = [
        {
            "id": token.id, "user": user, "description": token.description,
            "created": micros_to_timestamp(token.created_at),
            "revoked_at": micros_to_timestamp(token.revoked_at) if token.revoked_at else None,
        }
        for token, user in tokens
    ]  # fmt: skip
    if json_output:
        emit_json({"tokens": rows})
        return
    print_table(
        ("id", "user", "created", "revoked", "description"),
        [
            (r["id"], r["user"], r["created"], r["revoked_at"] or "-", r["description"])
            for r in rows
        ],
    )
