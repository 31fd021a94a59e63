"""Two real nodes: Ottawa (party ca) and New Delhi (party in), each a `liaison serve` process.

Objects posted at Ottawa reach New Delhi through `liaison sync` only when Ottawa's policy lets New
Delhi's party see them; and a sync killed in the middle of 20,000 objects, then run again, leaves
every object there exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from bench.ingest import synthetic_indicators
from sqlalchemy import func, select

from liaison.config import load_settings
from liaison.federation.keys import key_id, load_key, verify_key
from liaison.federation.peers import peer_credential
from liaison.federation.signing import verify_object
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import find_collection
from liaison.store.database import Database
from liaison.store.models import StixObject
from tests.cli.test_cli import liaison
from tests.factories import indicator
from tests.ports import free_port
from tests.sse import Reader
from tests.twonodes import Nodes, prepare_pair, serving

pytestmark = pytest.mark.e2e
TAXII = "application/taxii+json;version=2.1"
BULK = 20_000


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    """Ottawa and New Delhi, each served by its own `liaison serve` for the whole module."""
    base = tmp_path_factory.mktemp("federation")
    ports = (free_port(), free_port())
    alice, bob = prepare_pair(base / "ottawa", base / "new-delhi", ports)
    with serving(base, ports, alice, bob) as running:
        yield running


def _handled(number: int, tlp: Tlp, **handling: list[str]) -> dict[str, Any]:
    extension = {"extension_type": "property-extension", **handling}
    return indicator(number, tlp=tlp, extensions={HANDLING_EXTENSION_ID: extension})


def _collection_id(directory: Path, name: str) -> str:
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            return find_collection(session, name).id
    finally:
        db.dispose()


def _count(directory: Path, name: str, *, distinct: bool = False) -> int:
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            try:
                collection = find_collection(session, name)
            except Exception:  # not created yet
                return 0
            counted = func.count(func.distinct(StixObject.id)) if distinct else func.count()
            query = select(counted).where(StixObject.collection_id == collection.id)
            return int(session.execute(query).scalar_one())
    finally:
        db.dispose()


def _post_at_ottawa(nodes: Nodes, *objects: dict[str, Any]) -> None:
    """Alice posts `objects` to Ottawa's `exchange` collection over TAXII."""
    exchange = _collection_id(nodes.ottawa, "exchange")
    posted = httpx.post(
        f"{nodes.ottawa_url}/taxii2/api/collections/{exchange}/objects/",
        headers={"Authorization": f"Bearer {nodes.alice}", "Accept": TAXII, "Content-Type": TAXII},
        content=orjson.dumps({"objects": list(objects)}),
    )
    assert posted.status_code == 202, posted.text
    assert posted.json()["success_count"] == len(objects)


def test_policy_decides_what_reaches_the_peer(nodes: Nodes) -> None:
    shared = _handled(1, Tlp.GREEN, releasable_to=["in"])
    canada_only = _handled(2, Tlp.GREEN, releasable_to=["ca"])
    red = _handled(3, Tlp.RED, recipients=["alice"])
    _post_at_ottawa(nodes, shared, canada_only, red)

    result = liaison("sync", "--dir", str(nodes.new_delhi), "--peer", "ottawa", "--json")
    report = json.loads(result.stdout)
    [counts] = report["peers"][0]["collections"]
    assert (counts["received"], counts["stored"], counts["rejected"]) == (1, 1, 0)

    local = _collection_id(nodes.new_delhi, "exchange")
    seen = httpx.get(
        f"{nodes.new_delhi_url}/taxii2/api/collections/{local}/objects/",
        headers={"Authorization": f"Bearer {nodes.bob}", "Accept": TAXII},
    ).json()["objects"]
    assert [obj["id"] for obj in seen] == [shared["id"]]
    ottawa_key = load_key(nodes.ottawa / "node.key").public_key()
    assert verify_object(seen[0], {key_id(ottawa_key): verify_key(ottawa_key)}).node == "ottawa"
    exported = liaison("export", "--dir", str(nodes.new_delhi), "--collection", "exchange")
    ids = {obj["id"] for obj in json.loads(exported.stdout)["objects"]}
    assert shared["id"] in ids
    assert canada_only["id"] not in ids
    assert red["id"] not in ids


def test_killed_sync_resumes_without_loss_or_duplicates(nodes: Nodes, tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.json"
    bulk.write_bytes(orjson.dumps(synthetic_indicators(BULK)))
    at = str(nodes.ottawa)
    liaison("import", str(bulk), "--collection", "bulk", "--create", "--dir", at, "--json")
    liaison("collection", "grant", "bulk", "--party", "in", "--read", "--dir", at)

    command = [sys.executable, "-m", "liaison", "sync", "--dir", str(nodes.new_delhi), "--json"]
    sync = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while _count(nodes.new_delhi, "bulk") == 0:
        assert sync.poll() is None, "sync finished before it could be killed"
        assert time.monotonic() < deadline, "sync stored nothing"
        time.sleep(0.02)
    os.kill(sync.pid, signal.SIGKILL)
    sync.wait(timeout=10)
    partial = _count(nodes.new_delhi, "bulk")
    assert 0 < partial < BULK

    liaison("sync", "--dir", str(nodes.new_delhi), "--json")
    assert _count(nodes.new_delhi, "bulk") == BULK
    assert _count(nodes.new_delhi, "bulk", distinct=True) == BULK


def test_peer_stream_carries_only_what_the_peer_may_see(nodes: Nodes) -> None:
    """New Delhi's own credential at Ottawa, on Ottawa's event stream replayed from the start:
    the object released to party in arrives; the ca-only and the RED one are never sent."""
    shared = _handled(4, Tlp.GREEN, releasable_to=["in"])
    canada_only = _handled(5, Tlp.GREEN, releasable_to=["ca"])
    red = _handled(6, Tlp.RED, recipients=["alice"])
    marker = _handled(7, Tlp.GREEN, releasable_to=["in"])
    _post_at_ottawa(nodes, shared, canada_only, red)
    _post_at_ottawa(nodes, marker)

    exchange = _collection_id(nodes.ottawa, "exchange")
    token = peer_credential(nodes.new_delhi, "ottawa")
    with (
        httpx.Client(timeout=httpx.Timeout(5, read=None)) as client,
        client.stream(
            "GET",
            f"{nodes.ottawa_url}/api/v1/streams/{exchange}",
            params={"after": 0},
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status_code == 200
        reader = Reader(response)
        sent: list[str] = []
        while marker["id"] not in sent:
            sent.append(reader.next(timeout=10).data["id"])
    assert shared["id"] in sent
    assert canada_only["id"] not in sent
    assert red["id"] not in sent
