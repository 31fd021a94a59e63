"""TAXII 2.1 end to end: `liaison serve` as a real process, driven by taxii2-client and httpx.

Principals of three parties read one collection that the Canadian originator filled with every
TLP level × releasable-to combination; each sees exactly what the policy allows, through
objects, manifest, single objects, versions and the date headers alike.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.config import load_settings
from liaison.node import initialise_node
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from tests.factories import indicator
from tests.ports import free_port
from tests.servers import served

pytestmark = pytest.mark.e2e
TAXII = "application/taxii+json;version=2.1"
PASSWORD = "correct horse battery staple"
MAX_BODY = 200_000
USERS = {"alice": "ca", "bob": "in", "carol": "us", "dave": "in"}
RELEASES: list[list[str] | None] = [None, ["in"], ["us"], ["in", "us"]]
RECIPIENTS: list[list[str] | None] = [None, ["bob"]]


@dataclass(frozen=True)
class Node:
    """A running node: its TAXII base URL, one token per user and the shared collection id."""

    url: str
    tokens: dict[str, str]
    collection_id: str

    def collection(self, user: str) -> Collection:
        """A taxii2-client collection for `user` (HTTP Basic with the user's token)."""
        return Collection(
            f"{self.url}api/collections/{self.collection_id}/",
            user=user,
            password=self.tokens[user],
        )

    def headers(self, user: str, **extra: str) -> dict[str, str]:
        """Bearer and TAXII Accept headers for `user`."""
        return {"Authorization": f"Bearer {self.tokens[user]}", "Accept": TAXII, **extra}


def _prepare(directory: Path) -> tuple[dict[str, str], str]:
    initialise_node(directory, "ottawa", "ca")
    with (directory / "liaison.toml").open("a") as handle:
        handle.write(f"max_content_length = {MAX_BODY}\n")
    db = Database(load_settings(directory).store_url)
    tokens = {}
    try:
        with db.session(write=True) as session:
            add_party(session, "in")
            add_party(session, "us")
            exchange = create_collection(session, "exchange", owner_party="ca")
            set_grant(session, exchange, "in", read=True, write=True)
            set_grant(session, exchange, "us", read=True, write=False)
            for name, party in USERS.items():
                principal = add_principal(
                    session, name, party=party, role=Role.OFFICER, password=PASSWORD
                )
                tokens[name] = issue_token(session, principal).value
            collection_id = exchange.id
    finally:
        db.dispose()
    return tokens, collection_id


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A fresh node served by `liaison serve` for the whole module."""
    directory = tmp_path_factory.mktemp("taxii") / "node"
    tokens, collection_id = _prepare(directory)
    with served(directory, free_port()) as url:
        yield Node(f"{url}/taxii2/", tokens, collection_id)


def _labelled(
    number: int, tlp: Tlp, releasable: list[str] | None, recipients: list[str] | None
) -> dict[str, Any]:
    handling: dict[str, Any] = {"extension_type": "property-extension"}
    if releasable:
        handling["releasable_to"] = releasable
    if recipients:
        handling["recipients"] = recipients
    extra = {"extensions": {HANDLING_EXTENSION_ID: handling}} if len(handling) > 1 else {}
    return indicator(number, tlp=tlp, **extra)


def _expected(
    user: str, tlp: Tlp, releasable: list[str] | None, recipients: list[str] | None
) -> bool:
    """The rules of docs/taxii.md, written out independently of liaison.access.visibility."""
    party = USERS[user]
    if party == "ca":
        return True
    if releasable is not None and party not in releasable:
        return False
    if tlp in (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER):
        return True
    if tlp is Tlp.AMBER_STRICT:
        return releasable is not None and party in releasable
    return recipients is not None and user in recipients


@pytest.fixture(scope="module")
def labelled(node: Node) -> dict[str, tuple[Tlp, list[str] | None, list[str] | None]]:
    """Every TLP × releasable_to × recipients combination, posted by alice via taxii2-client."""
    combinations = list(itertools.product(Tlp, RELEASES, RECIPIENTS))
    objects = [_labelled(n, *combo) for n, combo in enumerate(combinations)]
    status = node.collection("alice").add_objects({"objects": objects})
    assert status.status == "complete" and status.success_count == len(objects)
    return {obj["id"]: combo for obj, combo in zip(objects, combinations, strict=True)}


def test_discovery_api_root_and_collections(node: Node) -> None:
    server = Server(node.url, user="bob", password=PASSWORD)
    assert server.default.url == node.url + "api/"
    root = ApiRoot(node.url + "api/", user="bob", password=PASSWORD)
    assert root.versions == [TAXII] and root.max_content_length == MAX_BODY
    [exchange] = [c for c in root.collections if c.id == node.collection_id]
    assert exchange.title == "exchange" and exchange.can_read and exchange.can_write
    carol = ApiRoot(node.url + "api/", user="carol", password=node.tokens["carol"])
    assert [c.can_write for c in carol.collections] == [False]


@pytest.mark.parametrize("user", ["alice", "bob", "carol", "dave"])
def test_each_party_sees_exactly_what_the_policy_allows(
    node: Node, labelled: dict[str, Any], user: str
) -> None:
    expected = {oid for oid, combo in labelled.items() if _expected(user, *combo)}
    collection = node.collection(user)
    seen = [
        o["id"]
        for page in as_pages(collection.get_objects, per_request=7)
        for o in page.get("objects", [])
    ]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    manifest = [
        r["id"]
        for page in as_pages(collection.get_manifest, per_request=5)
        for r in page.get("objects", [])
    ]
    assert set(manifest) == expected
    for object_id in labelled:
        response = httpx.get(
            f"{collection.url}objects/{object_id}/versions/", headers=node.headers(user)
        )
        assert response.status_code == (200 if object_id in expected else 404)
        single = httpx.get(f"{collection.url}objects/{object_id}/", headers=node.headers(user))
        assert single.status_code == (200 if object_id in expected else 404)
    full = httpx.get(f"{collection.url}manifest/", headers=node.headers(user)).json()["objects"]
    added = sorted(r["date_added"] for r in full)
    response = httpx.get(f"{collection.url}objects/", headers=node.headers(user))
    assert response.headers["X-TAXII-Date-Added-First"] == added[0]
    assert response.headers["X-TAXII-Date-Added-Last"] == added[-1]


def test_objects_filters_versions_and_added_after(node: Node, labelled: dict[str, Any]) -> None:
    collection = node.collection("bob")
    first_id = next(iter(labelled))
    newer = _labelled(0, Tlp.CLEAR, None, None) | {"modified": "2026-03-01T00:00:00.000Z"}
    assert node.collection("alice").add_objects({"objects": [newer]}).success_count == 1
    versions = collection.object_versions(first_id)["versions"]
    assert versions == ["2026-01-02T03:04:05.678Z", "2026-03-01T00:00:00.000Z"]
    assert [o["modified"] for o in collection.get_object(first_id)["objects"]] == [
        newer["modified"]
    ]
    assert len(collection.get_object(first_id, version="all")["objects"]) == 2
    assert (
        collection.get_object(first_id, version="first")["objects"][0]["modified"]
        != newer["modified"]
    )
    assert collection.get_objects(type="malware").get("objects", []) == []
    assert len(collection.get_objects(id=first_id, spec_version="2.1")["objects"]) == 1
    manifest = collection.get_manifest(id=first_id, version="all")["objects"]
    assert [r["version"] for r in manifest] == versions
    # added_after pages: continue after the last date_added seen, as a TAXII client without `next` does
    response = httpx.get(
        f"{collection.url}objects/", params={"limit": 3}, headers=node.headers("bob")
    )
    seen = [o["id"] for o in response.json()["objects"]]
    while response.json()["more"]:
        after = response.headers["X-TAXII-Date-Added-Last"]
        response = httpx.get(
            f"{collection.url}objects/",
            params={"limit": 3, "added_after": after},
            headers=node.headers("bob"),
        )
        seen += [o["id"] for o in response.json()["objects"]]
    everything = httpx.get(f"{collection.url}objects/", headers=node.headers("bob")).json()[
        "objects"
    ]
    assert seen == [o["id"] for o in everything]


def test_delete_needs_write_and_sight(node: Node, labelled: dict[str, Any]) -> None:
    red = next(oid for oid, combo in labelled.items() if combo == (Tlp.RED, None, None))
    green = next(oid for oid, combo in labelled.items() if combo == (Tlp.GREEN, ["us"], None))
    url = f"{node.url}api/collections/{node.collection_id}/objects/"
    assert httpx.delete(f"{url}{red}/", headers=node.headers("bob")).status_code == 404
    assert httpx.delete(f"{url}{green}/", headers=node.headers("carol")).status_code == 403
    node.collection("alice").delete_object(green)
    assert httpx.get(f"{url}{green}/", headers=node.headers("alice")).status_code == 404


def test_errors(node: Node) -> None:
    url = f"{node.url}api/collections/{node.collection_id}/objects/"
    unauthenticated = httpx.get(url)
    assert (
        unauthenticated.status_code == 401
        and "Basic" in unauthenticated.headers["WWW-Authenticate"]
    )
    assert httpx.get(url, headers=node.headers("bob", Accept="application/json")).status_code == 406
    for accept in ("*/*", "application/*", "application/taxii+json"):
        assert httpx.get(url, headers=node.headers("bob", Accept=accept)).status_code == 200
    post = node.headers("bob", **{"Content-Type": TAXII})
    assert (
        httpx.post(
            url, content=b"{}", headers=node.headers("bob", **{"Content-Type": "application/json"})
        ).status_code
        == 415
    )
    malformed = httpx.post(url, content=b"{", headers=post)
    assert malformed.status_code == 400 and malformed.json()["http_status"] == "400"
    assert httpx.post(url, content=b'{"more": false}', headers=post).status_code == 400
    assert httpx.post(url, content=b" " * (MAX_BODY + 1), headers=post).status_code == 413
    assert (
        httpx.get(f"{node.url}api/collections/no-such/", headers=node.headers("bob")).status_code
        == 404
    )
    status = httpx.post(url, content=b'{"objects": []}', headers=post).json()["id"]
    assert (
        httpx.get(f"{node.url}api/status/{status}/", headers=node.headers("dave")).status_code
        == 404
    )
    assert (
        httpx.get(f"{node.url}api/status/{status}/", headers=node.headers("bob")).status_code == 200
    )
    assert (
        httpx.post(
            url,
            content=b'{"objects": []}',
            headers=node.headers("carol", **{"Content-Type": TAXII}),
        ).status_code
        == 403
    )
    token = httpx.get(url, params={"limit": 1}, headers=node.headers("bob")).json()["next"]
    other = httpx.get(
        url,
        params={"limit": 1, "next": token, "match[type]": "indicator"},
        headers=node.headers("bob"),
    )
    assert other.status_code == 400
