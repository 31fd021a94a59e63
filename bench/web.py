"""Web UI page times with 100,000 objects in the store (target: under 300 ms each).

Builds a node in a temporary directory whose `cyber` collection holds `--objects` objects (80%
indicators, 20% relationships from an indicator to a malware), shared with party `in`, plus 50
RFIs and the seeded work plan; then, in process (httpx over ASGI, no network), signs in as an
officer and times each page once (first) and then `--runs` times: the live feed (all pillars and one pillar), an
object's detail page, the RFI list, an RFI, and the work plan with its exchange figures.

    .venv/bin/python bench/web.py [--objects 100000] [--runs 20]

Never part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.app import create_app
from liaison.config import load_settings
from liaison.exchange.rfi_service import Acting, RfiRequest, send_rfi
from liaison.node import initialise_node
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.objects import Origin, add_objects
from liaison.web.workplan import seed_workplan

PASSWORD = "bench password, long enough"
STAMP = "2026-11-02T09:30:00.000Z"
TARGET_MS = 300.0


def _objects(count: int) -> list[dict[str, Any]]:
    malware = {
        "type": "malware", "spec_version": "2.1", "id": f"malware--{uuid.uuid4()}",
        "created": STAMP, "modified": STAMP, "name": "BenchLocker", "is_family": True,
        "object_marking_refs": [Tlp.GREEN.marking_id],
    }  # fmt: skip
    objects: list[dict[str, Any]] = [malware]
    for n in range(count - 1):
        indicator_id = f"indicator--{uuid.uuid4()}"
        objects.append({
            "type": "indicator", "spec_version": "2.1", "id": indicator_id, "created": STAMP,
            "modified": STAMP, "name": f"bench indicator {n}", "pattern_type": "stix",
            "pattern": f"[ipv4-addr:value = '198.51.100.{n % 256}']", "valid_from": STAMP,
            "object_marking_refs": [Tlp.GREEN.marking_id],
        })  # fmt: skip
        if n % 4 == 3 and len(objects) < count:
            objects.append({
                "type": "relationship", "spec_version": "2.1", "id": f"relationship--{uuid.uuid4()}",
                "created": STAMP, "modified": STAMP, "relationship_type": "indicates",
                "source_ref": indicator_id, "target_ref": malware["id"],
                "object_marking_refs": [Tlp.GREEN.marking_id],
            })  # fmt: skip
    return objects[:count]


def build_node(directory: Path, count: int) -> tuple[str, str]:
    """The node, its objects, RFIs and work plan; returns (an indicator id, an RFI id)."""
    initialise_node(directory, "ottawa", "ca")
    db = Database(load_settings(directory).store_url)
    objects = _objects(count)
    try:
        with db.session(write=True) as session:
            add_party(session, "in")
            add_principal(session, "officer-ca", party="ca", role=Role.OFFICER, password=PASSWORD)
            cyber = create_collection(session, "cyber", owner_party="ca", pillar="cyber")
            set_grant(session, cyber, "in", read=True, write=False)
            add_objects(session, cyber, objects, origin=Origin("ottawa", "ca"))
            seed_workplan(session, "local", date.today())
            acting = Acting("ottawa", "ca", "officer-ca")
            due = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
            rfi = ""
            for n in range(50):
                ask = RfiRequest("in", "cyber", "routine", due, f"bench question {n}")
                rfi = send_rfi(session, acting, ask).rfi.id
        return objects[len(objects) // 2]["id"], rfi
    finally:
        db.dispose()


async def _time_pages(directory: Path, pages: dict[str, str], runs: int) -> dict[str, list[float]]:
    settings = load_settings(directory)
    db = Database(settings.store_url)
    app = create_app(settings)
    app.state.db = db
    transport = httpx.ASGITransport(app=app)
    times: dict[str, list[float]] = {}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            login = await client.get("/login")
            token = re.search(r'name="csrf" value="([^"]+)"', login.text)
            assert token is not None
            form = {"username": "officer-ca", "password": PASSWORD, "csrf": token.group(1)}
            assert (await client.post("/login", data=form)).status_code == 303
            for name, path in pages.items():
                started = time.perf_counter()
                assert (await client.get(path)).status_code == 200, path
                times[name] = [(time.perf_counter() - started) * 1000]  # the first request
                for _ in range(runs):
                    started = time.perf_counter()
                    answer = await client.get(path)
                    times[name].append((time.perf_counter() - started) * 1000)
                    assert answer.status_code == 200
    finally:
        db.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    console = Console(width=140)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "ottawa"
        started = time.perf_counter()
        object_id, rfi_id = build_node(directory, args.objects)
        console.print(f"stored {args.objects:,} objects in {time.perf_counter() - started:.1f} s")
        pages = {
            "live feed, all pillars": "/feed",
            "live feed, pillar cyber": "/feed?pillar=cyber",
            "object detail (indicator)": f"/objects/{object_id}",
            "RFI list (50 RFIs)": "/rfis",
            "one RFI": f"/rfis/{rfi_id}",
            "work plan + exchange figures": "/workplan",
        }
        times = asyncio.run(_time_pages(directory, pages, args.runs))
    table = Table(
        title=f"web UI pages with {args.objects:,} objects (SQLite, in process, {args.runs} runs)"
    )
    for column in ("page", "first ms", "median ms", "p95 ms", "max ms", f"< {TARGET_MS:.0f} ms"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for name, (first, *values) in times.items():
        ordered = sorted(values)
        p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
        table.add_row(
            name, f"{first:.1f}", f"{statistics.median(values):.1f}", f"{p95:.1f}", f"{max(values):.1f}",
            "yes" if p95 < TARGET_MS else "NO",
        )  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()
