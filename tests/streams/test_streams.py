"""`GET /api/v1/streams/{id}` against a real `liaison serve`, on SQLite and PostgreSQL.

One server per backend serves the module. Parties: ca (the node's; alice), in (bob, read and
write) and us (carol, read only) on collection `live`; mx (dave) holds no grant.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from tests.conftest import BACKENDS, _postgres_schema_url
from tests.factories import indicator
from tests.ports import free_port
from tests.sse import Reader

pytestmark = pytest.mark.e2e
TAXII = "application/taxii+json;version=2.1"
ARRIVAL_SECONDS = 1.0


@dataclass
class Node:
    """A running node: its URL, directory, environment, tokens and the `live` collection."""

    base_url: str
    directory: Path
    env: dict[str, str]
    tokens: dict[str, str]
    live: str
    counter: int = 1000

    def auth(self, user: str) -> dict[str, str]:
        """The bearer header of `user`."""
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def stream_url(self, collection_id: str | None = None) -> str:
        """The stream of `collection_id` (default: `live`)."""
        return f"{self.base_url}/api/v1/streams/{collection_id or self.live}"

    def fresh(self, **extra: Any) -> dict[str, Any]:
        """A new indicator no test has used yet."""
        self.counter += 1
        return indicator(self.counter, **extra)

    def post(self, user: str, *objects: dict[str, Any]) -> None:
        """POST `objects` over TAXII as `user`."""
        response = httpx.post(
            f"{self.base_url}/taxii2/api/collections/{self.live}/objects/",
            content=orjson.dumps({"objects": list(objects)}),
            headers={**self.auth(user), "Accept": TAXII, "Content-Type": TAXII},
        )
        assert response.status_code == 202, response.text
        assert response.json()["success_count"] == len(objects)


@contextmanager
def reading(
    node: Node, user: str, params: dict[str, int] | None = None, **headers: str
) -> Iterator[Reader]:
    """An open stream of `live` for `user`, read on a thread."""
    with (
        httpx.Client(timeout=httpx.Timeout(5, read=None)) as client,
        client.stream(
            "GET", node.stream_url(), params=params, headers={**node.auth(user), **headers}
        ) as response,
    ):
        assert response.status_code == 200
        yield Reader(response)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)


def _liaison(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )


def _populate(url: str) -> tuple[dict[str, str], str]:
    db = Database(url)
    tokens = {}
    try:
        with db.session(write=True) as session:
            for party in ("in", "us", "mx"):
                add_party(session, party)
            live = create_collection(session, "live", owner_party="ca", default_tlp=Tlp.GREEN)
            set_grant(session, live, "in", read=True, write=True)
            set_grant(session, live, "us", read=True, write=False)
            for name, party in (("alice", "ca"), ("bob", "in"), ("carol", "us"), ("dave", "mx")):
                principal = add_principal(session, name, party=party, role=Role.OFFICER)
                tokens[name] = issue_token(session, principal).value
            live_id = live.id
    finally:
        db.dispose()
    return tokens, live_id


@contextmanager
def serving(directory: Path, store_url: str) -> Iterator[tuple[Node, subprocess.Popen[bytes]]]:
    """A node in `directory` on `store_url`, set up and served; stopped at the end."""
    env = {**os.environ, "LIAISON_DATABASE_URL": store_url}
    _liaison(env, "init", "--dir", str(directory), "--node-name", "ottawa", "--party", "ca")
    tokens, live = _populate(store_url)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve", "--dir", str(directory), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/healthz")
        yield Node(base_url, directory, env, tokens, live), server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        finally:
            server.kill()  # only still running when it failed to shut down
            server.wait()


@pytest.fixture(scope="module", params=BACKENDS)
def node(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Node]:
    """One served node per backend for the module."""
    directory = tmp_path_factory.mktemp("streams") / "node"
    if request.param == "sqlite":
        urls: Generator[str] = (url for url in [f"sqlite:///{directory}/liaison.db"])
    else:
        urls = _postgres_schema_url()
    url = next(urls)
    try:
        with serving(directory, url) as (running, _server):
            yield running
    finally:
        urls.close()


def test_posted_objects_arrive_within_a_second_and_hidden_ones_never(node: Node) -> None:
    """carol (us) sees a GREEN post at once; bob's AMBER+STRICT one (released to no one) never."""
    with reading(node, "carol") as reader:
        visible = node.fresh()
        started = time.monotonic()
        node.post("alice", visible)
        event = reader.next()
        assert time.monotonic() - started < ARRIVAL_SECONDS
        assert (event.name, event.data) == ("object", visible)
        node.post("bob", node.fresh(tlp=Tlp.AMBER_STRICT))
        marker = node.fresh()
        node.post("alice", marker)
        assert reader.next().data == marker  # the strict object came first, and was not sent
        assert reader.quiet()
    assert reader.lines[0] == "retry: 2000"


def test_resuming_sends_exactly_what_followed(node: Node) -> None:
    """Last-Event-ID (or ?after=) replays the visible objects after it, once each, then goes on."""
    sent = [node.fresh() for _ in range(3)]
    with reading(node, "carol") as reader:
        node.post("alice", *sent)
        first = reader.next()
        rest = [reader.next().data for _ in sent[1:]]
    assert [first.data, *rest] == sent
    with reading(node, "carol", **{"Last-Event-ID": str(first.id)}) as resumed:
        assert [resumed.next().data for _ in sent[1:]] == sent[1:]
        later = node.fresh()
        node.post("alice", later)
        assert resumed.next().data == later
        assert resumed.quiet()
    with reading(node, "carol", params={"after": first.id}) as by_query:
        assert [by_query.next().data for _ in [*sent[1:], later]] == [*sent[1:], later]
        assert by_query.quiet()


def test_objects_imported_by_another_process_arrive(node: Node, tmp_path: Path) -> None:
    """`liaison import` into the same node (a separate process) reaches an open stream."""
    imported = node.fresh()
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(
        orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [imported]})
    )
    with reading(node, "carol") as reader:
        _liaison(node.env, "import", "--dir", str(node.directory), "-c", "live", str(bundle))
        finished = time.monotonic()
        assert reader.next().data == imported
        assert time.monotonic() - finished < ARRIVAL_SECONDS


def test_who_may_not_read_gets_taxii_errors(node: Node) -> None:
    """No credentials: 401; no grant or no such collection: 404 with a TAXII error body."""
    assert httpx.get(node.stream_url(), timeout=5).status_code == 401
    for user, collection in (("dave", None), ("alice", "no-such-collection")):
        response = httpx.get(node.stream_url(collection), headers=node.auth(user), timeout=5)
        assert response.status_code == 404
        assert response.json()["title"] == "Not found"
    bad = httpx.get(node.stream_url(), headers={**node.auth("carol"), "Last-Event-ID": "x"})
    assert bad.status_code == 400


def test_openapi_names_the_event_stream(node: Node) -> None:
    """The route is in the OpenAPI document with text/event-stream as its response."""
    document = httpx.get(f"{node.base_url}/api/v1/openapi.json", timeout=5).json()
    operation = document["paths"]["/api/v1/streams/{collection_id}"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["text/event-stream"]


def test_shutdown_ends_open_streams(tmp_path: Path) -> None:
    """SIGTERM with a stream open (and one closed by its client): the server exits promptly."""
    with serving(tmp_path / "node", f"sqlite:///{tmp_path}/node/liaison.db") as (running, server):
        with reading(running, "carol"):
            pass
        with reading(running, "carol") as reader:
            server.terminate()
            server.wait(timeout=5)
            reader.response.close()
        assert server.returncode is not None
