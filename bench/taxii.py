"""TAXII 2.1 over HTTP: liaison vs the OASIS reference server medallion, both via taxii2-client.

Each server runs as its own process on 127.0.0.1 with an empty collection: liaison on SQLite (a
fresh node, bearer token of its admin), medallion on its memory backend (HTTP Basic). The client
posts N synthetic indicators in envelopes of 1,000 (waiting for each status to complete), then
pages them all back with limit 1,000. The time of the first and the last page shows whether a
page costs more deep into the collection. medallion compares each added object with every stored
one and filters the whole collection for a first page, both quadratic in its size, so its runs
stop at --medallion-max objects.

    .venv/bin/python bench/taxii.py [--counts 10000 100000] [--medallion-max 10000]
                                    [--servers liaison medallion]
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth
from rich.console import Console
from rich.table import Table
from taxii2client.v21 import Collection, as_pages

from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection
from liaison.store.database import Database

# bench/ is sys.path[0] when this script runs, so its sibling script imports as a module.
from ingest import synthetic_indicators  # isort: skip

TAXII_ACCEPT = "application/taxii+json;version=2.1"
START_TIMEOUT_S = 30


class BearerAuth(AuthBase):
    """requests auth that sends `Authorization: Bearer <token>` (liaison's API tokens)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@dataclass
class Target:
    """A running TAXII server and the collection the benchmark writes to."""

    name: str
    collection_url: str
    auth: AuthBase


@dataclass
class Result:
    """One server × N measurement."""

    ingest_rate: float
    read_rate: float
    first_page_ms: float
    last_page_ms: float


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` (its output to `log`) for the duration of the block."""
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(url: str, auth: AuthBase, process: subprocess.Popen[bytes], log: Path) -> None:
    """Block until GET `url` answers 200; fail with the server's log if it never does."""
    deadline = time.monotonic() + START_TIMEOUT_S
    status = None
    while time.monotonic() < deadline and process.poll() is None:
        try:
            response = requests.get(url, auth=auth, headers={"Accept": TAXII_ACCEPT}, timeout=2)
            status = response.status_code
            if status == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:]
    raise SystemExit(f"{url} never answered 200 (last status {status}); server log:\n{tail}")


def medallion_config(workdir: Path, base: str, collection_id: str, password: str) -> Path:
    """Write medallion's data file and config (one API root, one writable collection)."""
    data = {
        "/discovery": {
            "title": "medallion bench",
            "default": f"{base}/api1/",
            "api_roots": [f"{base}/api1/"],
        },
        "api1": {
            "information": {
                "title": "bench",
                "versions": [TAXII_ACCEPT],
                "max_content_length": 100_000_000,
            },
            "status": [],
            "collections": [
                {
                    "id": collection_id,
                    "title": "bench",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    (workdir / "data.json").write_text(json.dumps(data))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(workdir / "data.json"),
            # Paging cursors expire this long after they are made: longer than a slow read.
            "session_timeout": 24 * 3600,
        },
        "users": {"bench": password},
        "taxii": {"max_page_size": 1000},
    }
    path = workdir / "medallion.json"
    path.write_text(json.dumps(config))
    return path


@contextmanager
def medallion(workdir: Path) -> Iterator[Target]:
    """medallion (memory backend) on a free port, its one collection empty."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    collection_id = str(uuid.uuid4())
    password = secrets.token_urlsafe(16)
    config = medallion_config(workdir, base, collection_id, password)
    command = [sys.executable, "-m", "medallion.scripts.run", "--port", str(port), str(config)]
    log = workdir / "medallion.log"
    auth = HTTPBasicAuth("bench", password)
    with running(command, log) as process:
        wait_for(f"{base}/taxii2/", auth, process, log)
        yield Target("medallion (memory)", f"{base}/api1/collections/{collection_id}/", auth)


LIAISON = [sys.executable, "-m", "liaison"]


@contextmanager
def liaison(workdir: Path, command: Sequence[str] = LIAISON) -> Iterator[Target]:
    """`liaison serve` for a fresh node on SQLite, with the collection `bench` owned by "ca".

    `command` runs the CLI (another launcher may patch the code before it starts).
    """
    node = workdir / "node"
    init = subprocess.run(
        [sys.executable, "-m", "liaison", "init", "--dir", str(node), "--node-name", "bench", "--party", "ca", "--json"],
        check=True, capture_output=True,
    )  # fmt: skip
    auth = BearerAuth(json.loads(init.stdout)["admin_token"])
    db = Database(f"sqlite:///{node}/liaison.db")
    with db.session(write=True) as session:
        collection_id = create_collection(
            session, "bench", owner_party="ca", default_tlp=Tlp.AMBER
        ).id
    db.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [*command, "serve", "--dir", str(node), "--port", str(port)]
    log = workdir / "liaison.log"
    with running(serve, log) as process:
        wait_for(f"{base}/taxii2/", auth, process, log)
        yield Target("liaison (SQLite)", f"{base}/taxii2/api/collections/{collection_id}/", auth)


def ingest(collection: Collection, objects: list[dict[str, Any]], envelope: int) -> float:
    """POST `objects` in envelopes, each waited on until its status completes; seconds taken."""
    start = time.perf_counter()
    for offset in range(0, len(objects), envelope):
        chunk = objects[offset : offset + envelope]
        status = collection.add_objects(
            {"objects": chunk}, wait_for_completion=True, poll_interval=0.05, timeout=600
        )
        if status.status != "complete" or status.success_count != len(chunk):
            raise SystemExit(f"envelope at {offset}: {status.status}, {status.failures}")
    return time.perf_counter() - start


def read_back(collection: Collection, page: int) -> tuple[int, list[float]]:
    """Page through the whole collection; the number of objects and each page's seconds."""
    pages = as_pages(collection.get_objects, per_request=page)
    count, times = 0, list[float]()
    while True:
        start = time.perf_counter()
        envelope = next(pages, None)
        if envelope is None:
            return count, times
        times.append(time.perf_counter() - start)
        count += len(envelope.get("objects", []))


def measure(
    server: Callable[[Path], AbstractContextManager[Target]],
    objects: list[dict[str, Any]],
    page: int,
) -> tuple[str, Result]:
    """Start a fresh `server`, ingest `objects`, read them back; the server's name and rates."""
    with TemporaryDirectory() as tmp, server(Path(tmp)) as target:
        collection = Collection(target.collection_url, auth=target.auth)
        ingest_s = ingest(collection, objects, page)
        read_start = time.perf_counter()
        count, times = read_back(collection, page)
        read_s = time.perf_counter() - read_start
    if count != len(objects):
        raise SystemExit(f"{target.name}: read back {count:,} of {len(objects):,} objects")
    return target.name, Result(
        len(objects) / ingest_s, count / read_s, times[0] * 1000, times[-1] * 1000
    )


SERVERS = {"liaison": liaison, "medallion": medallion}


def main() -> None:
    """Run both servers at each N and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--medallion-max", type=int, default=10_000)
    parser.add_argument("--page", type=int, default=1_000, help="envelope size and page limit")
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    args = parser.parse_args()
    objects = synthetic_indicators(max(args.counts))
    table = Table(
        title="TAXII 2.1 via taxii2-client: POST in envelopes, then GET every page",
        caption=f"envelopes and pages of {args.page:,}; medallion runs at most "
        f"--medallion-max={args.medallion_max:,} objects",
    )
    for column in ("server", "N", "ingest obj/s", "read obj/s", "first page ms",
                   "last page ms", "last/first"):  # fmt: skip
        table.add_column(column, justify="left" if column == "server" else "right")
    for count in args.counts:
        for server in (SERVERS[name] for name in args.servers):
            if server is medallion and count > args.medallion_max:
                table.add_row("medallion (memory)", f"{count:,}", *["not run"] * 5)
                continue
            name, result = measure(server, objects[:count], args.page)
            table.add_row(
                name,
                f"{count:,}",
                f"{result.ingest_rate:,.0f}",
                f"{result.read_rate:,.0f}",
                f"{result.first_page_ms:,.1f}",
                f"{result.last_page_ms:,.1f}",
                f"{result.last_page_ms / result.first_page_ms:.2f}",
            )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
