"""Withdrawal and retention across two real nodes: Ottawa (ca) and New Delhi (in).

An object Ottawa shared and then withdrew disappears from New Delhi's TAXII responses after the
next sync, leaving an audit entry there; an expired object is purged with a digest in the audit
log, never pulled again, and `liaison serve` purges on its own schedule.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import rfc8785
from sqlalchemy import select

from liaison.config import load_settings
from liaison.federation.keys import key_id, load_key, verify_key
from liaison.federation.signing import verify_object
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.timestamps import format_timestamp
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, find_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from tests.cli.test_cli import liaison
from tests.factories import indicator
from tests.ports import free_port
from tests.twonodes import Nodes, prepare_pair, serving

pytestmark = pytest.mark.e2e
TAXII = "application/taxii+json;version=2.1"


def _retention(directory: Path, interval: int) -> None:
    with (directory / "liaison.toml").open("a") as settings:
        settings.write(f"\n[retention]\ninterval = {interval}\n")


def _prepare(ottawa: Path, new_delhi: Path, ports: tuple[int, int]) -> tuple[str, str]:
    """The pair (`tests.twonodes`), retention schedules, and New Delhi's own `desk` collection."""
    tokens = prepare_pair(ottawa, new_delhi, ports)
    _retention(ottawa, 0)  # never on its own: the expired object stays until `retention run`
    _retention(new_delhi, 1)
    delhi_db = Database(load_settings(new_delhi).store_url)
    try:
        with delhi_db.session(write=True) as session:
            create_collection(session, "desk", owner_party="in", default_tlp=Tlp.GREEN)
    finally:
        delhi_db.dispose()
    return tokens


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    """Ottawa and New Delhi, each served by its own `liaison serve` for the whole module."""
    base = tmp_path_factory.mktemp("lifecycle")
    ports = (free_port(), free_port())
    alice, bob = _prepare(base / "ottawa", base / "new-delhi", ports)
    with serving(base, ports, alice, bob) as running:
        yield running


def _shared(number: int, **handling: Any) -> dict[str, Any]:
    extension = {"extension_type": "property-extension", "releasable_to": ["ca", "in"], **handling}
    return indicator(number, tlp=Tlp.GREEN, extensions={HANDLING_EXTENSION_ID: extension})


def _collection_id(directory: Path, name: str) -> str:
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            return find_collection(session, name).id
    finally:
        db.dispose()


def _entries(directory: Path, kind: str) -> list[dict[str, Any]]:
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            texts = session.scalars(select(AuditEntry.entry).where(AuditEntry.kind == kind)).all()
    finally:
        db.dispose()
    return [orjson.loads(text) for text in texts]


def _post(url: str, token: str, collection: str, objects: list[dict[str, Any]]) -> None:
    response = httpx.post(
        f"{url}/taxii2/api/collections/{collection}/objects/",
        headers={"Authorization": f"Bearer {token}", "Accept": TAXII, "Content-Type": TAXII},
        content=orjson.dumps({"objects": objects}),
    )
    assert response.status_code == 202, response.text
    assert response.json()["success_count"] == len(objects)


def _get(url: str, token: str, collection: str, path: str) -> httpx.Response:
    return httpx.get(
        f"{url}/taxii2/api/collections/{collection}/{path}",
        headers={"Authorization": f"Bearer {token}", "Accept": TAXII},
    )


def _ids(url: str, token: str, collection: str, endpoint: str = "objects") -> set[str]:
    response = _get(url, token, collection, f"{endpoint}/?match[version]=all")
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json().get("objects", [])}


def _sync(nodes: Nodes) -> dict[str, Any]:
    result = liaison("sync", "--dir", str(nodes.new_delhi), "--peer", "ottawa", "--json")
    [counts] = json.loads(result.stdout)["peers"][0]["collections"]
    return dict(counts)


def test_a_withdrawal_reaches_the_peer(nodes: Nodes) -> None:
    withdrawn, kept = _shared(1), _shared(2)
    exchange = _collection_id(nodes.ottawa, "exchange")
    _post(nodes.ottawa_url, nodes.alice, exchange, [withdrawn, kept])
    assert _sync(nodes)["stored"] == 2
    local = _collection_id(nodes.new_delhi, "exchange")
    assert _ids(nodes.new_delhi_url, nodes.bob, local) == {withdrawn["id"], kept["id"]}

    refused = liaison("withdraw", withdrawn["id"], "--reason", "x", "--dir", str(nodes.new_delhi),
                      check=False)  # fmt: skip
    assert refused.returncode == 1
    assert "originated at node 'ottawa'" in refused.stderr
    reason = "released to the wrong party"
    done = liaison("withdraw", withdrawn["id"], "--reason", reason, "--dir", str(nodes.ottawa),
                   "--json")  # fmt: skip
    assert json.loads(done.stdout)["collections"] == [exchange]
    again = liaison("withdraw", withdrawn["id"], "--reason", reason, "--dir", str(nodes.ottawa),
                    check=False)  # fmt: skip
    assert again.returncode == 1 and "already withdrawn" in again.stderr
    assert _ids(nodes.ottawa_url, nodes.alice, exchange) == {kept["id"]}

    assert _sync(nodes)["stored"] == 1
    for endpoint in ("objects", "manifest"):
        assert _ids(nodes.new_delhi_url, nodes.bob, local, endpoint) == {kept["id"]}
    for path in (f"objects/{withdrawn['id']}/", f"objects/{withdrawn['id']}/versions/"):
        assert _get(nodes.new_delhi_url, nodes.bob, local, path).status_code == 404
    [entry] = _entries(nodes.new_delhi, "object.withdrawn")
    assert entry["actor"] == "peer:ottawa"
    assert entry["details"]["id"] == withdrawn["id"]
    assert entry["details"]["reason"] == reason
    assert len(entry["details"]["withdrawn"]) == 2

    db = Database(load_settings(nodes.new_delhi).store_url)
    try:
        with db.session() as session:
            revoked = session.scalars(
                select(StixObject.body).where(StixObject.revoked.is_(True))
            ).one()
    finally:
        db.dispose()
    ottawa_key = load_key(nodes.ottawa / "node.key").public_key()
    assert verify_object(revoked, {key_id(ottawa_key): verify_key(ottawa_key)}).node == "ottawa"


def test_an_expired_object_is_purged_and_never_pulled(nodes: Nodes, tmp_path: Path) -> None:
    expired = _shared(3, retain_until="2026-01-01T00:00:00.000Z")
    bundle = tmp_path / "expired.json"
    bundle.write_bytes(orjson.dumps([expired]))
    at = str(nodes.ottawa)
    liaison("import", str(bundle), "--collection", "exchange", "--dir", at, "--json")
    counts = _sync(nodes)
    assert (counts["received"], counts["stored"]) == (1, 0)
    [rejection] = counts["rejections"]
    assert "retain-until 2026-01-01T00:00:00.000Z has passed" in rejection["reason"]

    report = json.loads(liaison("retention", "run", "--dir", at, "--json").stdout)
    assert report["purged"] == 1
    exchange = _collection_id(nodes.ottawa, "exchange")
    assert expired["id"] not in _ids(nodes.ottawa_url, nodes.alice, exchange)
    [entry] = _entries(nodes.ottawa, "object.purged")
    assert entry["details"]["id"] == expired["id"]
    assert entry["details"]["sha256"] == hashlib.sha256(rfc8785.dumps(expired)).hexdigest()
    assert expired["name"] not in orjson.dumps(entry).decode()


def test_serve_purges_on_its_schedule(nodes: Nodes) -> None:
    soon = format_timestamp(datetime.now(UTC) + timedelta(seconds=2))
    brief = _shared(4, retain_until=soon)
    desk = _collection_id(nodes.new_delhi, "desk")
    _post(nodes.new_delhi_url, nodes.bob, desk, [brief])
    assert _ids(nodes.new_delhi_url, nodes.bob, desk) == {brief["id"]}
    deadline = time.monotonic() + 15
    while _ids(nodes.new_delhi_url, nodes.bob, desk):
        assert time.monotonic() < deadline, "serve did not purge the expired object"
        time.sleep(0.2)
    [entry] = _entries(nodes.new_delhi, "object.purged")
    assert (entry["actor"], entry["details"]["id"]) == ("retention", brief["id"])
