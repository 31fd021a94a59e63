"""Pull sync against a real `liaison serve` ("ottawa", party ca) into a local store ("new-delhi").

The remote collection holds good objects (signed by ottawa as it serves them), an object relayed
from a third registered node ("washington"), and crafted ones stored with a signature extension
already in place (served as is): tampered content, a signature that does not match, an unknown
key, a key claimed for the wrong node, and a forged new version of an object new-delhi holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.config import Settings, load_settings
from liaison.federation import sync_client
from liaison.federation.keys import key_id, load_key, public_key_text, signing_key
from liaison.federation.peers import add_peer, find_peer, store_peer_credential
from liaison.federation.signing import signature_extension, with_signature
from liaison.federation.sync import SyncReport, sync_peer
from liaison.federation.sync_client import PeerUnreachable
from liaison.node import initialise_node
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, find_collection, grants_of, set_grant
from liaison.store.database import Database
from liaison.store.models import StixObject, SyncCheckpoint
from liaison.store.objects import Origin, add_objects
from tests.factories import indicator
from tests.ports import free_port
from tests.servers import served

GOOD = 5
WASHINGTON_KEY = Ed25519PrivateKey.generate()
STRANGER_KEY = Ed25519PrivateKey.generate()
V2 = "2026-02-02T00:00:00.000Z"


@dataclass(frozen=True)
class Remote:
    """The running remote node: its URL, public key, and the token it issued to new-delhi."""

    url: str
    public_key: str
    token: str


PARTIES = {"ottawa": "ca", "washington": "us", "new-delhi": "in"}


def _signed(obj: dict[str, Any], key: Ed25519PrivateKey, node: str) -> dict[str, Any]:
    extension = signature_extension(obj, signing_key(key), key_id(key), node, PARTIES[node])
    return with_signature(obj, extension)


def _crafted(ottawa_key: Ed25519PrivateKey) -> list[dict[str, Any]]:
    """Objects stored at ottawa with a signature already in place, so it serves them as is."""
    tampered = _signed(indicator(100), ottawa_key, "ottawa") | {"name": "changed after signing"}
    mismatched = _signed(indicator(101), ottawa_key, "ottawa")
    other = _signed(indicator(102), ottawa_key, "ottawa")
    extensions = mismatched["extensions"]
    key = next(iter(k for k in extensions if "signature" in extensions[k]))
    extensions[key] = extensions[key] | {"signature": other["extensions"][key]["signature"]}
    unknown = _signed(indicator(103), STRANGER_KEY, "ottawa")
    wrong_owner = _signed(indicator(104), WASHINGTON_KEY, "ottawa")
    relayed = _signed(indicator(105), WASHINGTON_KEY, "washington")
    return [tampered, mismatched, unknown, wrong_owner, relayed]


def _prepare_remote(directory: Path, port: int) -> tuple[str, str]:
    node = initialise_node(directory, "ottawa", "ca", port=port)
    db = Database(load_settings(directory).store_url)
    try:
        with db.session(write=True) as session:
            add_party(session, "in")
            peer = add_principal(session, "new-delhi", party="in", role=Role.PEER)
            token = issue_token(session, peer).value
            exchange = create_collection(session, "exchange", owner_party="ca")
            set_grant(session, exchange, "in", read=True, write=False)
            create_collection(session, "ottawa-only", owner_party="ca")
            objects = [indicator(n) for n in range(GOOD)] + [indicator(200, modified=V2)]
            objects += _crafted(load_key(directory / "node.key"))
            add_objects(session, exchange, objects, origin=Origin("ottawa", "ca"))
            # shared at ottawa by an officer of party in: ottawa vouches that `in` originated it
            add_objects(session, exchange, [indicator(300)], origin=Origin("ottawa", "in"))
    finally:
        db.dispose()
    return node.public_key, token


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    """Ottawa, served by `liaison serve` for the whole module."""
    directory = tmp_path_factory.mktemp("sync") / "ottawa"
    port = free_port()
    public_key, token = _prepare_remote(directory, port)
    with served(directory, port) as url:
        yield Remote(url, public_key, token)


@pytest.fixture
def local(tmp_path: Path, db: Database, remote: Remote) -> Settings:
    """New-delhi: its key and settings in tmp_path, its store the `db` fixture's."""
    initialise_node(tmp_path / "new-delhi", "new-delhi", "in")
    settings = load_settings(tmp_path / "new-delhi").model_copy(update={"database_url": db.url})
    with db.session(write=True) as session:
        for party in ("in", "ca", "us"):
            add_party(session, party)
        add_peer(session, "ottawa", url=remote.url, public_key_text=remote.public_key, party="ca")
        washington = public_key_text(WASHINGTON_KEY)
        add_peer(session, "washington", url="http://127.0.0.1:9", public_key_text=washington,
                 party="us")  # fmt: skip
        held = create_collection(session, "held", owner_party="in")
        add_objects(session, held, [indicator(200)], origin=Origin("new-delhi", "in"))
    store_peer_credential(settings.dir, "ottawa", remote.token)
    return settings


def _sync(db: Database, settings: Settings, name: str = "ottawa") -> SyncReport:
    with db.session() as session:
        peer = find_peer(session, name)
    return sync_peer(db, settings, peer)


def test_sync_stores_verified_objects_with_provenance(db: Database, local: Settings) -> None:
    report = _sync(db, local)
    assert [c.collection for c in report.collections] == ["exchange"]
    exchange = report.collections[0]
    assert exchange.received == GOOD + 1 + 5 + 1
    assert exchange.stored == GOOD + 2
    reasons = {r.id: r.reason for r in exchange.rejected}
    assert len(reasons) == 5
    assert "does not match" in reasons[indicator(100)["id"]]
    assert "does not match" in reasons[indicator(101)["id"]]
    assert "unknown key" in reasons[indicator(103)["id"]]
    assert "key of 'washington'" in reasons[indicator(104)["id"]]
    assert "new version of an object of 'new-delhi'" in reasons[indicator(200)["id"]]
    with db.session() as session:
        collection = find_collection(session, "exchange")
        assert collection.default_tlp == Tlp.AMBER_STRICT.value
        assert [g.party for g in grants_of(session, collection)] == ["in"]
        rows = session.scalars(
            select(StixObject).where(StixObject.collection_id == collection.id)
        ).all()
        provenance = {r.id: (r.origin_node, r.origin_party, r.received_from) for r in rows}
        checkpoint = session.scalars(select(SyncCheckpoint)).one()
    assert provenance[indicator(0)["id"]] == ("ottawa", "ca", "ottawa")
    assert provenance[indicator(105)["id"]] == ("washington", "us", "ottawa")
    assert provenance[indicator(300)["id"]] == ("ottawa", "in", "ottawa"), "the signed party"
    assert len(provenance) == GOOD + 2
    assert checkpoint.local_collection_id == exchange.local_id
    assert checkpoint.added_after is not None


def test_second_sync_stores_nothing(db: Database, local: Settings) -> None:
    _sync(db, local)
    again = _sync(db, local).collections[0]
    assert (again.received, again.stored, again.rejected) == (0, 0, [])


def test_replayed_pages_are_duplicates(
    db: Database, local: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_client, "PAGE_LIMIT", 3)
    first = _sync(db, local).collections[0]
    with db.session(write=True) as session:
        session.scalars(select(SyncCheckpoint)).one().added_after = None
    replay = _sync(db, local).collections[0]
    assert first.stored == GOOD + 2
    assert replay.received == first.received
    assert (replay.stored, replay.duplicates) == (0, GOOD + 2)


def test_unreachable_peer_names_peer_and_url(db: Database, local: Settings) -> None:
    store_peer_credential(local.dir, "washington", "lsn_x_y")
    with pytest.raises(PeerUnreachable, match=r"peer 'washington' at http://127\.0\.0\.1:9/"):
        _sync(db, local, "washington")
