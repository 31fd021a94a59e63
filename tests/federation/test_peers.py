"""Peers: the service functions and the `liaison peer` commands, on every backend."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.access.parties import add_party
from liaison.errors import ConfigError, Conflict, InvalidInput, NotFound
from liaison.federation.keys import key_id, public_key_text
from liaison.federation.peers import (
    add_peer,
    find_peer,
    list_peers,
    peer_credential,
    peer_keys,
    remove_peer,
    store_peer_credential,
)
from liaison.node import initialise_node
from liaison.store.database import Database
from tests.cli.inprocess import fails, ok, run

KEY = Ed25519PrivateKey.generate()
PUBLIC = public_key_text(KEY)
URL = "https://new-delhi.example:8600"


def test_add_find_list_remove(db: Database) -> None:
    with db.session(write=True) as session:
        add_party(session, "in")
        peer = add_peer(session, "new-delhi", url=URL + "/", public_key_text=PUBLIC, party="in")
        assert (peer.url, peer.key_id, peer.public_key) == (URL, key_id(KEY), PUBLIC)
    with db.session() as session:
        assert find_peer(session, "new-delhi").party == "in"
        assert [p.name for p in list_peers(session)] == ["new-delhi"]
        keys = peer_keys(session)
        assert public_key_text(keys[key_id(KEY)]) == PUBLIC
    with db.session(write=True) as session:
        remove_peer(session, "new-delhi")
    with db.session() as session:
        assert list_peers(session) == []
        with pytest.raises(NotFound, match="no peer 'new-delhi'"):
            find_peer(session, "new-delhi")


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"party": "xx"}, NotFound, "liaison party add xx"),
        ({"url": "ftp://host"}, InvalidInput, "http:// or https://"),
        ({"url": "https://"}, InvalidInput, "with a host"),
        ({"public_key_text": "not base64!"}, InvalidInput, "base64url"),
        ({"public_key_text": PUBLIC[:20]}, InvalidInput, "32 bytes"),
        ({"name": "New Delhi"}, InvalidInput, "peer name"),
    ],
)
def test_bad_peer(db: Database, changes: dict[str, str], error: type, message: str) -> None:
    arguments = {"name": "new-delhi", "url": URL, "public_key_text": PUBLIC, "party": "in"}
    arguments |= changes
    with db.session(write=True) as session:
        add_party(session, "in")
    with db.session(write=True) as session, pytest.raises(error, match=message):
        add_peer(session, arguments.pop("name"), **arguments)


def test_duplicate_peer(db: Database) -> None:
    with db.session(write=True) as session:
        add_party(session, "in")
        add_peer(session, "new-delhi", url=URL, public_key_text=PUBLIC, party="in")
        with pytest.raises(Conflict, match="already exists"):
            add_peer(session, "new-delhi", url=URL, public_key_text=PUBLIC, party="in")


def test_credential_file(tmp_path: Path) -> None:
    path = store_peer_credential(tmp_path, "new-delhi", "secret-token\n")
    assert peer_credential(tmp_path, "new-delhi") == "secret-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        peer_credential(tmp_path, "new-delhi")
    with pytest.raises(ConfigError, match="no credential for peer 'ottawa'"):
        peer_credential(tmp_path, "ottawa")


# ---- the CLI ----


@pytest.fixture
def node(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A node (party ca) whose store is the backend under test, with party `in` registered."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", store_url)
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    assert run(directory, "party", "add", "in").exit_code == 0
    return directory


ADD = ("peer", "add", "new-delhi", "--url", URL, "--public-key", PUBLIC, "--party", "in")


def test_cli_add_list_remove(node: Path) -> None:
    added = ok(node, *ADD, "--token-stdin", stdin="issued-by-new-delhi\n")
    assert added["key_id"] == key_id(KEY) and added["has_token"] is True
    token_file = node / "peers" / "new-delhi.token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    assert peer_credential(node, "new-delhi") == "issued-by-new-delhi"
    [listed] = ok(node, "peer", "list")["peers"]
    assert (listed["name"], listed["party"], listed["url"], listed["has_token"]) == (
        "new-delhi", "in", URL, True,
    )  # fmt: skip
    table = run(node, "peer", "list").stdout
    assert "new-delhi" in table and key_id(KEY) in table
    assert ok(node, "peer", "remove", "new-delhi")["token_removed"] is True
    assert not token_file.exists()
    assert ok(node, "peer", "list")["peers"] == []


def test_cli_add_without_token(node: Path) -> None:
    result = run(node, *ADD)
    assert result.exit_code == 0 and "peer new-delhi (in" in result.stdout
    assert not (node / "peers" / "new-delhi.token").exists()


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"--party": "us"}, NotFound, "no party 'us' (add it with `liaison party add us`)"),
        ({"--url": "new-delhi:8600"}, InvalidInput, "must be an http:// or https:// URL"),
        ({"--public-key": "AAAA"}, InvalidInput, "must be 32 bytes (Ed25519), got 3"),
        ({"--public-key": "a+b/"}, InvalidInput, "must be base64url"),
    ],
)
def test_cli_bad_input(node: Path, changes: dict[str, str], error: type, message: str) -> None:
    args = list(ADD)
    for option, value in changes.items():
        args[args.index(option) + 1] = value
    assert message in fails(node, error, *args)
    assert ok(node, "peer", "list")["peers"] == []


def test_cli_token_stdin_empty_changes_nothing(node: Path) -> None:
    assert "no token on stdin" in fails(node, InvalidInput, *ADD, "--token-stdin", stdin="")
    assert ok(node, "peer", "list")["peers"] == []


def test_cli_duplicate_and_missing(node: Path) -> None:
    ok(node, *ADD)
    assert "already exists" in fails(node, Conflict, *ADD)
    assert "no peer 'mumbai'" in fails(node, NotFound, "peer", "remove", "mumbai")
