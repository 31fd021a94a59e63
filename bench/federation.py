"""Federation: share-to-visible latency with `liaison sync --watch`, and the bulk sync rate.

Two fresh nodes on 127.0.0.1, each on SQLite and served by its own `liaison serve`: the sender
"ottawa" (party ca, officer alice, collection `exchange` readable by party in) and the receiver
"new-delhi" (party in, officer bob, ottawa registered as its peer).

(a) With `liaison sync --watch` running at the receiver, --count indicators (TLP:GREEN,
releasable to ca and in) are posted at the sender one at a time, each as a single-object TAXII
envelope, --gap seconds apart. A poller reads the receiver's TAXII objects endpoint as bob
every --poll seconds (`added_after` its last `X-TAXII-Date-Added-Last`) and stamps each
object's arrival; latency = arrival − the moment its POST was sent.

(b) The watcher is stopped; --bulk synthetic indicators (bench/ingest.py) are loaded at the
sender with `liaison import` into a new collection `bulk` readable by party in; then one
`liaison sync --peer ottawa` at the receiver, from empty, is timed end to end.

    .venv/bin/python bench/federation.py [--count 1000] [--gap 0.05] [--bulk 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import orjson
from rich.console import Console
from rich.table import Table

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.config import load_settings
from liaison.federation.peers import add_peer, store_peer_credential
from liaison.node import initialise_node
from liaison.store.collections import create_collection, find_collection, set_grant
from liaison.store.database import Database

# bench/ is sys.path[0] when this script runs, so its sibling scripts import as modules.
from ingest import synthetic_indicators  # isort: skip
from taxii import TAXII_ACCEPT, free_port, running  # isort: skip

START_TIMEOUT_S = 30


@dataclass(frozen=True)
class Nodes:
    """Both node directories, their URLs, and the officers' tokens (alice: sender, bob)."""

    sender: Path
    receiver: Path
    sender_url: str
    receiver_url: str
    alice: str
    bob: str


def liaison(*args: str) -> str:
    """Run a `liaison` command to its end and return its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "liaison", *args], check=True, capture_output=True, text=True
    )
    return done.stdout


def prepare(base: Path) -> Nodes:
    """Both stores: parties, officers, the sender's peer principal and exchange, the peer."""
    ports = (free_port(), free_port())
    sender, receiver = base / "ottawa", base / "new-delhi"
    node = initialise_node(sender, "ottawa", "ca", port=ports[0])
    initialise_node(receiver, "new-delhi", "in", port=ports[1])
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    sender_db = Database(load_settings(sender).store_url)
    receiver_db = Database(load_settings(receiver).store_url)
    with sender_db.session(write=True) as session:
        add_party(session, "in")
        alice = add_principal(session, "alice", party="ca", role=Role.OFFICER)
        peer = add_principal(session, "new-delhi", party="in", role=Role.PEER)
        alice_token, peer_token = issue_token(session, alice), issue_token(session, peer)
        exchange = create_collection(session, "exchange", owner_party="ca")
        set_grant(session, exchange, "in", read=True, write=False)
    with receiver_db.session(write=True) as session:
        add_party(session, "ca")
        bob_token = issue_token(
            session, add_principal(session, "bob", party="in", role=Role.OFFICER)
        )
        add_peer(session, "ottawa", url=urls[0], public_key_text=node.public_key, party="ca")
    sender_db.dispose()
    receiver_db.dispose()
    store_peer_credential(receiver, "ottawa", peer_token.value)
    return Nodes(sender, receiver, urls[0], urls[1], alice_token.value, bob_token.value)


def collection_id(directory: Path, name: str) -> str:
    """The id of a node's collection, by name."""
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            return find_collection(session, name).id
    finally:
        db.dispose()


def wait_healthy(url: str) -> None:
    """Block until the node at `url` answers /healthz."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not start") from None
            time.sleep(0.2)


@contextmanager
def served(nodes: Nodes, logs: Path) -> Iterator[None]:
    """Both nodes' `liaison serve` for the duration of the block."""
    serve = [sys.executable, "-m", "liaison", "serve", "--dir"]
    with (
        running([*serve, str(nodes.sender)], logs / "sender.log"),
        running([*serve, str(nodes.receiver)], logs / "receiver.log"),
    ):
        wait_healthy(nodes.sender_url)
        wait_healthy(nodes.receiver_url)
        yield


class Arrivals:
    """Polls the receiver's TAXII objects endpoint as its officer; stamps each new object's id."""

    def __init__(self, url: str, token: str, period: float) -> None:
        self.url = url
        self.period = period
        self.client = httpx.Client(
            headers={"Authorization": f"Bearer {token}", "Accept": TAXII_ACCEPT}
        )
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        after: str | None = None
        while not self.stop.is_set():
            params = {"match[version]": "all", "limit": "1000"}
            if after is not None:
                params["added_after"] = after
            response = self.client.get(self.url, params=params)
            now = time.monotonic()
            for obj in response.json().get("objects", []):
                self.seen.setdefault(obj["id"], now)
            after = response.headers.get("X-TAXII-Date-Added-Last", after)
            time.sleep(self.period)

    def __enter__(self) -> Arrivals:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self.client.close()


def post_one(client: httpx.Client, url: str, obj: dict[str, Any]) -> None:
    """POST a single-object envelope; fail loudly unless the server accepts it."""
    response = client.post(url, content=orjson.dumps({"objects": [obj]}))
    if response.status_code != 202 or response.json().get("success_count") != 1:
        raise SystemExit(f"POST refused: {response.status_code} {response.text}")


def wait_seen(arrivals: Arrivals, object_id: str, timeout: float) -> None:
    """Block until `object_id` has arrived at the receiver."""
    deadline = time.monotonic() + timeout
    while object_id not in arrivals.seen:
        if time.monotonic() > deadline:
            raise SystemExit(f"{object_id} never reached the receiver")
        time.sleep(0.01)


def measure_latency(
    nodes: Nodes, objects: list[dict[str, Any]], gap: float, poll: float
) -> list[float]:
    """Post each object at the sender, `gap` s apart; seconds until each is visible at the receiver."""
    exchange = collection_id(nodes.sender, "exchange")
    post_url = f"{nodes.sender_url}/taxii2/api/collections/{exchange}/objects/"
    headers = {
        "Authorization": f"Bearer {nodes.alice}",
        "Accept": TAXII_ACCEPT,
        "Content-Type": TAXII_ACCEPT,
    }
    with httpx.Client(headers=headers) as client:
        warm_up, objects = objects[0], objects[1:]
        post_one(client, post_url, warm_up)  # the first pull creates the receiver's collection
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                local = collection_id(nodes.receiver, "exchange")
                break
            except Exception:  # not pulled yet
                if time.monotonic() > deadline:
                    raise SystemExit("the watcher never pulled the warm-up object") from None
                time.sleep(0.1)
        read_url = f"{nodes.receiver_url}/taxii2/api/collections/{local}/objects/"
        with Arrivals(read_url, nodes.bob, poll) as arrivals:
            wait_seen(arrivals, warm_up["id"], START_TIMEOUT_S)
            time.sleep(1.0)  # the watcher's stream is open by now
            sent: dict[str, float] = {}
            for obj in objects:
                sent[obj["id"]] = time.monotonic()
                post_one(client, post_url, obj)
                time.sleep(gap)
            wait_seen(arrivals, objects[-1]["id"], START_TIMEOUT_S)
            for obj in objects:
                wait_seen(arrivals, obj["id"], START_TIMEOUT_S)
            return [arrivals.seen[object_id] - start for object_id, start in sent.items()]


def measure_bulk(nodes: Nodes, objects: list[dict[str, Any]], workdir: Path) -> tuple[int, float]:
    """Load `objects` at the sender, then time one sync at the receiver: (stored, seconds)."""
    bundle = workdir / "bulk.json"
    bundle.write_bytes(orjson.dumps(objects))
    sender = str(nodes.sender)
    liaison("import", str(bundle), "--collection", "bulk", "--create", "--dir", sender, "--json")
    liaison("collection", "grant", "bulk", "--party", "in", "--read", "--dir", sender)
    start = time.perf_counter()
    output = liaison("sync", "--peer", "ottawa", "--dir", str(nodes.receiver), "--json")
    elapsed = time.perf_counter() - start
    report = json.loads(output)
    stored = sum(item["stored"] for peer in report["peers"] for item in peer["collections"])
    return stored, elapsed


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> None:
    """Run (a) and (b) on fresh nodes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000, help="objects for the latency run")
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between posts")
    parser.add_argument("--poll", type=float, default=0.01, help="receiver poll period, s")
    parser.add_argument("--bulk", type=int, default=100_000, help="objects for the bulk sync")
    parser.add_argument("--interval", type=float, default=5.0, help="the watcher's --interval")
    args = parser.parse_args()
    objects = synthetic_indicators(args.bulk + args.count + 1)
    console = Console(width=120)
    console.print(
        f"setup: two nodes on 127.0.0.1, SQLite, `liaison serve` each; receiver runs "
        f"`liaison sync --watch --interval {args.interval:g}`; {args.count:,} single-object "
        f"POSTs {args.gap:g} s apart, receiver polled every {args.poll:g} s; bulk "
        f"{args.bulk:,} indicators via `liaison import`, then one `liaison sync --peer ottawa`"
    )
    with TemporaryDirectory(prefix="liaison-bench-") as tmp:
        workdir = Path(tmp)
        nodes = prepare(workdir)
        with served(nodes, workdir):
            watch = [sys.executable, "-m", "liaison", "sync", "--watch", "--interval",
                     str(args.interval), "--dir", str(nodes.receiver), "--json"]  # fmt: skip
            with running(watch, workdir / "watch.log"):
                latencies = measure_latency(nodes, objects[args.bulk :], args.gap, args.poll)
            stored, seconds = measure_bulk(nodes, objects[: args.bulk], workdir)
    table = Table(title="Federation: two liaison nodes on SQLite, 127.0.0.1")
    for column in ("measure", "N", "p50", "p90", "p99", "max", "mean"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    table.add_row(
        "share-to-visible latency, ms",
        f"{len(latencies):,}",
        *(f"{percentile(latencies, q) * 1000:,.0f}" for q in (0.5, 0.9, 0.99, 1.0)),
        f"{statistics.fmean(latencies) * 1000:,.0f}",
    )
    table.add_row(
        f"bulk sync: {stored:,} stored in {seconds:.1f} s → {stored / seconds:,.0f} objects/s",
        f"{args.bulk:,}",
        *["–"] * 5,
    )
    console.print(table)


if __name__ == "__main__":
    main()
