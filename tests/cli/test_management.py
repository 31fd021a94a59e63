"""Party, user, token and collection commands in-process (typer's CliRunner), on every backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liaison.access.auth import authenticate
from liaison.access.passwords import verify_password
from liaison.config import load_settings
from liaison.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from liaison.node import initialise_node
from liaison.store.database import Database
from liaison.store.models import Principal
from tests.cli.inprocess import fails, ok, run
from tests.factories import indicator

PASSWORD = "correct horse battery staple"


@pytest.fixture
def node(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A node whose store is the backend under test."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", store_url)
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    return directory


def store(node: Path) -> Database:
    """The node's store (caller disposes)."""
    return Database(load_settings(node).store_url)


def test_party_add_and_list(node: Path) -> None:
    assert ok(node, "party", "add", "in", "--description", "India") == {
        "name": "in",
        "description": "India",
    }
    parties = ok(node, "party", "list")["parties"]
    assert [(p["name"], p["description"]) for p in parties] == [
        ("ca", "this node's party"),
        ("in", "India"),
    ]
    assert parties[0]["created"].endswith("Z")
    assert "already exists" in fails(node, Conflict, "party", "add", "in")
    assert "must be" in fails(node, InvalidInput, "party", "add", "India!")
    human = run(node, "party", "list").stdout.splitlines()
    assert human[0].split() == ["party", "description"] and human[2].split() == ["in", "India"]


def test_user_add_and_list(node: Path) -> None:
    added = ok(
        node, "user", "add", "asha", "--party", "ca", "--role", "Analyst", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added == {"name": "asha", "party": "ca", "role": "analyst", "has_password": True}
    assert ok(node, "user", "add", "sync-peer", "--party", "ca", "--role", "peer")["role"] == "peer"
    users = {u["name"]: u for u in ok(node, "user", "list")["users"]}
    assert set(users) == {"admin", "asha", "sync-peer"}
    assert users["sync-peer"]["has_password"] is False and users["asha"]["disabled"] is False
    db = store(node)
    try:
        with db.session() as session:
            stored = session.query(Principal).filter_by(name="asha").one().password_hash
    finally:
        db.dispose()
    assert stored is not None and PASSWORD not in stored and stored.startswith("scrypt$")
    assert verify_password(PASSWORD, stored)

    user = ("user", "add", "ravi", "--role", "officer")
    assert "no party 'xx'" in fails(node, NotFound, *user, "--party", "xx")
    assert "unknown role 'chief'" in fails(
        node, InvalidInput, "user", "add", "ravi", "--party", "ca", "--role", "chief"
    )
    assert "already exists" in fails(node, Conflict, "user", "add", "asha", "--party", "ca",
                                      "--role", "officer")  # fmt: skip
    assert "12 characters" in fails(
        node, InvalidInput, *user, "--party", "ca", "--password-stdin", stdin="short\n"
    )
    assert "no password" in fails(
        node, InvalidInput, *user, "--party", "ca", "--password-stdin", stdin=""
    )
    assert [u["name"] for u in ok(node, "user", "list")["users"]] == ["admin", "asha", "sync-peer"]


def test_token_create_revoke_and_list(node: Path) -> None:
    ok(node, "user", "add", "asha", "--party", "ca", "--role", "officer")
    created = ok(node, "token", "create", "asha", "--description", "laptop")
    assert set(created) == {"id", "token", "user"} and created["user"] == "asha"
    assert created["token"].startswith(f"lsn_{created['id']}_")
    bearer = f"Bearer {created['token']}"
    db = store(node)
    try:
        with db.session() as session:
            assert authenticate(session, bearer).name == "asha"
        revoked = ok(node, "token", "revoke", created["id"])
        assert revoked["id"] == created["id"] and revoked["user"] == "asha"
        with db.session() as session, pytest.raises(AuthenticationFailed, match="revoked"):
            authenticate(session, bearer)
    finally:
        db.dispose()
    assert ok(node, "token", "revoke", created["id"]) == revoked  # revoking twice changes nothing
    tokens = {t["id"]: t for t in ok(node, "token", "list")["tokens"]}
    assert tokens[created["id"]]["revoked_at"] == revoked["revoked_at"]
    assert tokens[created["id"]]["description"] == "laptop"
    assert "token" not in tokens[created["id"]] and len(tokens) == 2  # admin's from init
    assert "no API token 'feedface'" in fails(node, NotFound, "token", "revoke", "feedface")
    assert "no user 'ghost'" in fails(node, NotFound, "token", "create", "ghost")
    human = run(node, "token", "create", "asha").stdout
    assert "shown once" in human and "lsn_" in human


def test_collection_add_grant_and_list(node: Path, tmp_path: Path) -> None:
    ok(node, "party", "add", "in")
    drugs = ok(node, "collection", "add", "drugs", "--default-tlp", "TLP:GREEN",
               "--description", "precursor trafficking")  # fmt: skip
    assert drugs["default_tlp"] == "green" and drugs["description"] == "precursor trafficking"
    assert drugs["grants"] == [{"party": "ca", "read": True, "write": True}]
    assert ok(node, "collection", "add", "cyber")["default_tlp"] is None

    grant = ok(node, "collection", "grant", "drugs", "--party", "in", "--read")
    assert grant == {"collection": "drugs", "id": drugs["id"], "party": "in",
                     "read": True, "write": False}  # fmt: skip
    ok(node, "collection", "grant", drugs["id"], "--party", "in", "--read", "--write")
    ok(node, "collection", "grant", "cyber", "--party", "in", "--write")
    listed = {c["name"]: c for c in ok(node, "collection", "list")["collections"]}
    assert set(listed) == {"cyber", "drugs", "reference"}
    assert listed["drugs"]["grants"][1] == {"party": "in", "read": True, "write": True}
    assert listed["reference"]["default_tlp"] == "clear"

    ok(node, "collection", "grant", "cyber", "--party", "in")  # neither right: withdrawn
    listed = {c["name"]: c for c in ok(node, "collection", "list")["collections"]}
    assert [g["party"] for g in listed["cyber"]["grants"]] == ["ca"]
    human = run(node, "collection", "list").stdout
    assert "ca:read+write, in:read+write" in human and "TLP:GREEN" in human

    assert "no collection 'nope'" in fails(
        node, NotFound, "collection", "grant", "nope", "--party", "in", "--read"
    )
    assert "no party 'xx'" in fails(
        node, NotFound, "collection", "grant", "drugs", "--party", "xx", "--read"
    )
    assert "unknown TLP level 'purple'" in fails(
        node, InvalidInput, "collection", "add", "x", "--default-tlp", "purple"
    )
    assert "already exists" in fails(node, Conflict, "collection", "add", "drugs")


def test_import_create_defaults_to_amber_strict(node: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "one.json"
    bundle.write_text(json.dumps([indicator(1)]))
    result = run(node, "import", str(bundle), "-c", "fresh", "--create", "--json")
    assert result.exit_code == 0, result.output
    listed = {c["name"]: c for c in ok(node, "collection", "list")["collections"]}
    assert listed["fresh"]["default_tlp"] == "amber+strict"
