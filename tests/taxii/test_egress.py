"""Egress signing: a peer reading over TAXII gets signed objects; everyone else the stored body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from liaison.access.models import Role
from liaison.access.parties import add_principal
from liaison.access.tokens import issue_token
from liaison.federation.keys import generate_key, key_id, signing_key, verify_key
from liaison.federation.signing import (
    SIGNATURE_EXTENSION_ID,
    Signer,
    signature_extension,
    signer_of,
    verify_object,
    with_signature,
)
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from liaison.taxii.egress import PARALLEL_MIN_DOCUMENTS
from tests.factories import indicator, ipv4
from tests.taxii.conftest import Node


@pytest.fixture(autouse=True)
def node_key(tmp_path: Path) -> Ed25519PrivateKey:
    """The key of the node under test (created before the app loads it)."""
    return generate_key(tmp_path / "node.key")


@pytest.fixture
def peer(node: Node, db: Database) -> str:
    """A principal with the peer role (party `in`); its token is in node.tokens['new-delhi']."""
    with db.session(write=True) as session:
        principal = add_principal(session, "new-delhi", party="in", role=Role.PEER)
        node.tokens["new-delhi"] = issue_token(session, principal).value
    return "new-delhi"


def objects(node: Node, user: str, url: str | None = None) -> list[dict[str, Any]]:
    """The objects `user` reads from the shared collection's objects endpoint (or `url`)."""
    response = node.client.get(url or node.objects_url, headers=node.headers(user))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["objects"]
    return found


def cached(db: Database) -> dict[str, str | None]:
    """The cached signature column of every stored object, by id."""
    with db.session() as session:
        rows = session.execute(select(StixObject.id, StixObject.signature)).all()
        return {object_id: signature for object_id, signature in rows}


def test_peer_gets_signed_objects(
    node: Node, db: Database, peer: str, node_key: Ed25519PrivateKey
) -> None:
    handling = {HANDLING_EXTENSION_ID: {"extension_type": "property-extension"}}
    sent = [indicator(1), indicator(2, extensions=handling), ipv4("198.51.100.7")]
    node.post(sent)
    keys = {key_id(node_key): verify_key(node_key.public_key())}
    for served in (objects(node, peer), objects(node, peer)):  # first signs, second uses cache
        assert len(served) == 3
        for obj in served:
            assert verify_object(obj, keys) == Signer("ottawa", "ca")
            assert signer_of(obj) == ("ottawa", key_id(node_key))
        assert served[1]["extensions"][HANDLING_EXTENSION_ID] == handling[HANDLING_EXTENSION_ID]
    assert all(value is not None for value in cached(db).values())


def test_single_object_endpoint_is_signed(
    node: Node, peer: str, node_key: Ed25519PrivateKey
) -> None:
    node.post([indicator(3)])
    url = f"{node.objects_url}{indicator(3)['id']}/"
    [obj] = objects(node, peer, url)
    keys = {key_id(node_key): verify_key(node_key.public_key())}
    assert verify_object(obj, keys) == Signer("ottawa", "ca")


def test_other_callers_get_the_stored_body(node: Node, db: Database, peer: str) -> None:
    node.post([indicator(4)])
    assert objects(node, "bob") == [indicator(4)]
    objects(node, peer)  # caches a signature
    assert objects(node, "bob") == [indicator(4)], "the cache never leaks into plain reads"
    assert objects(node, "alice") == [indicator(4)]


def test_received_signature_is_relayed_unchanged(
    node: Node, db: Database, peer: str, node_key: Ed25519PrivateKey
) -> None:
    origin = Ed25519PrivateKey.generate()
    received = with_signature(
        indicator(5),
        signature_extension(indicator(5), signing_key(origin), key_id(origin), "new-delhi", "in"),
    )
    node.post([received])
    for _ in range(2):
        [obj] = objects(node, peer)
        assert obj == received
        keys = {key_id(origin): verify_key(origin.public_key())}
        assert verify_object(obj, keys) == Signer("new-delhi", "in")
    assert objects(node, "bob") == [received]
    assert received["extensions"][SIGNATURE_EXTENSION_ID]["signature"] in (
        cached(db)[indicator(5)["id"]] or ""
    )


def test_what_a_peer_reads_is_recorded_as_replicated(node: Node, db: Database, peer: str) -> None:
    node.post([indicator(9)])
    objects(node, peer)
    objects(node, "bob")
    with db.session() as session:
        rows = session.execute(
            select(AuditEntry.kind, AuditEntry.actor, AuditEntry.entry)
            .order_by(AuditEntry.index.desc())
            .limit(2)
        ).all()
    (officer_kind, officer, _), (peer_kind, actor, entry) = rows
    assert (peer_kind, actor) == ("objects.replicated", peer)
    assert orjson.loads(entry)["details"]["ids"] == [indicator(9)["id"]]
    assert (officer_kind, officer) == ("objects.read", "bob")


def test_a_large_page_is_signed_in_worker_processes(
    node: Node, db: Database, peer: str, node_key: Ed25519PrivateKey
) -> None:
    count = PARALLEL_MIN_DOCUMENTS + 50
    sent = [indicator(1000 + n) for n in range(count)]
    for start in range(0, count, 30):  # the fixture caps bodies at 20,000 bytes
        node.post(sent[start : start + 30])
    served = objects(node, peer, f"{node.objects_url}?limit={count}")
    keys = {key_id(node_key): verify_key(node_key.public_key())}
    assert len(served) == count
    assert all(verify_object(obj, keys) == Signer("ottawa", "ca") for obj in served)
    assert {obj["id"] for obj in served} == {obj["id"] for obj in sent}
    assert None not in cached(db).values(), "every signature is cached"
