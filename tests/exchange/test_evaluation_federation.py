"""Two real nodes: Ottawa (ca, `release.require_evaluation = true`) and New Delhi (in).

What Ottawa shares without an evaluation and caveats never reaches New Delhi; New Delhi grades
what it received, and the grade reaches Ottawa by sync: the evaluation reaches the originator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import select

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.release import HELD_BACK
from liaison.access.tokens import issue_token
from liaison.config import SETTINGS_FILE, load_settings
from liaison.federation.peers import add_peer, store_peer_credential
from liaison.node import NewNode, initialise_node
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, find_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import StixObject
from tests.cli.inprocess import ok
from tests.exchange.evaluation_support import evaluated
from tests.factories import indicator
from tests.ports import free_port
from tests.twonodes import Nodes, serving

pytestmark = pytest.mark.e2e
TAXII = "application/taxii+json;version=2.1"
SHARED = evaluated(30)
UNEVALUATED = indicator(31)


def _prepare(
    directory: Path, node: NewNode, peer: NewNode, officer: str, peer_url: str
) -> tuple[str, str]:
    """A node's store: the peer's party, an officer, the peer's principal and the peer itself.

    Returns (officer token, token issued to the peer).
    """
    db = Database(load_settings(directory).store_url)
    try:
        with db.session(write=True) as session:
            add_party(session, peer.party)
            person = add_principal(session, officer, party=node.party, role=Role.OFFICER)
            principal = add_principal(session, peer.node, party=peer.party, role=Role.PEER)
            tokens = issue_token(session, person).value, issue_token(session, principal).value
            add_peer(session, peer.node, url=peer_url, public_key_text=peer.public_key,
                     party=peer.party)  # fmt: skip
            if node.party == "ca":
                cyber = create_collection(session, "cyber", owner_party="ca", default_tlp=Tlp.GREEN)
                set_grant(session, cyber, "in", read=True, write=False)
        return tokens
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    """Ottawa (requiring evaluation) and New Delhi, each served by its own `liaison serve`."""
    base = tmp_path_factory.mktemp("evaluation")
    ports = (free_port(), free_port())
    urls = tuple(f"http://127.0.0.1:{port}" for port in ports)
    ottawa = initialise_node(base / "ottawa", "ottawa", "ca", port=ports[0])
    delhi = initialise_node(base / "new-delhi", "new-delhi", "in", port=ports[1])
    with (base / "ottawa" / SETTINGS_FILE).open("a") as settings:
        settings.write("[release]\nrequire_evaluation = true\n")
    alice, delhi_token = _prepare(base / "ottawa", ottawa, delhi, "alice", urls[1])
    bob, ottawa_token = _prepare(base / "new-delhi", delhi, ottawa, "bob", urls[0])
    store_peer_credential(base / "new-delhi", "ottawa", delhi_token)
    store_peer_credential(base / "ottawa", "new-delhi", ottawa_token)
    with serving(base, ports, alice, bob) as running:
        yield running


def _ids(directory: Path, collection: str) -> set[str]:
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            collection_id = find_collection(session, collection).id
            query = select(StixObject.id).where(StixObject.collection_id == collection_id)
            return set(session.scalars(query))
    finally:
        db.dispose()


def test_an_evaluation_reaches_the_originator(nodes: Nodes) -> None:
    db = Database(load_settings(nodes.ottawa).store_url)
    try:
        with db.session() as session:
            cyber = find_collection(session, "cyber").id
    finally:
        db.dispose()
    posted = httpx.post(
        f"{nodes.ottawa_url}/taxii2/api/collections/{cyber}/objects/",
        headers={"Authorization": f"Bearer {nodes.alice}", "Accept": TAXII, "Content-Type": TAXII},
        content=orjson.dumps({"objects": [SHARED, UNEVALUATED]}),
    )
    assert posted.status_code == 202, posted.text
    messages = {d["id"]: d.get("message") for d in posted.json()["successes"]}
    assert messages == {SHARED["id"]: None, UNEVALUATED["id"]: HELD_BACK}

    ok(nodes.new_delhi, "sync", "--peer", "ottawa")
    assert _ids(nodes.new_delhi, "cyber") == {SHARED["id"]}  # the unevaluated one held back

    graded = httpx.post(
        f"{nodes.new_delhi_url}/api/v1/objects/{SHARED['id']}/grades",
        headers={"Authorization": f"Bearer {nodes.bob}"},
        json={"reliability": "C", "credibility": 3, "comment": "One address is stale."},
    )
    assert graded.status_code == 201, graded.text
    grade_id = graded.json()["id"]

    ok(nodes.ottawa, "sync", "--peer", "new-delhi")
    [grade] = ok(nodes.ottawa, "grades")["grades"]
    assert grade | {"created": ""} == {
        "id": grade_id, "object_id": SHARED["id"], "direction": "received", "grader": "bob",
        "node": "new-delhi", "party": "in", "reliability": "C", "credibility": 3,
        "confidence": 50, "opinion": "neutral", "comment": "One address is stale.",
        "created": "",
    }  # fmt: skip
    listed = httpx.get(
        f"{nodes.ottawa_url}/api/v1/grades",
        params={"object": SHARED["id"]},
        headers={"Authorization": f"Bearer {nodes.alice}"},
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["grades"] == [grade]
