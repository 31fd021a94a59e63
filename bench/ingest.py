"""Bulk ingest: `liaison import` of synthetic indicators into SQLite and PostgreSQL vs stix2.parse.

Prints objects/s for each store, with admission (validation) in worker processes as large imports
run it and in-line on one core; the rate over the first and last 10% of the in-line run shows
whether the import slows down as the store grows (with workers, the last batches were validated
ahead, so their edge rates say little). The stix2.parse baseline runs on the same objects.

    .venv/bin/python bench/ingest.py [--count 100000] [--postgres-url URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import wait
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from liaison.access.parties import add_party
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store import admission
from liaison.store.database import Database
from liaison.store.migrate import upgrade
from liaison.store.objects import Origin
from liaison.store.transfer import import_objects
from liaison.workers import start_workers

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STAMP = "2026-11-01T00:00:00.000Z"


def synthetic_indicators(count: int) -> list[dict[str, Any]]:
    """`count` distinct, valid indicators with TLP and liaison handling (documentation ranges)."""
    kinds = (
        lambda n: f"[ipv4-addr:value = '198.{18 + n % 2}.{n // 256 % 256}.{n % 256}']",
        lambda n: f"[domain-name:value = 'c2-{n}.example']",
        lambda n: f"[url:value = 'https://files-{n}.example/payload.bin']",
        lambda n: f"[file:hashes.'SHA-256' = '{n:064x}']",
    )
    return [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.UUID(int=n + 1, version=4)}",
            "created": STAMP,
            "modified": STAMP,
            "name": f"synthetic indicator {n}",
            "indicator_types": ["malicious-activity"],
            "pattern": kinds[n % 4](n),
            "pattern_type": "stix",
            "valid_from": STAMP,
            "object_marking_refs": [Tlp.GREEN.marking_id],
            "extensions": {
                HANDLING_EXTENSION_ID: {
                    "extension_type": "property-extension",
                    "releasable_to": ["ca", "in"],
                    "purpose": "counter ransomware",
                }
            },
        }
        for n in range(count)
    ]


def measure_store(url: str, objects: list[dict[str, Any]], *, workers: bool) -> dict[str, float]:
    """Import `objects` in-process, timing each batch; returns overall and edge rates.

    With `workers`, admission runs in worker processes ahead of the writer (as for any large
    import); without, in-line on one core, which isolates how the store's cost grows with its size.
    """
    db = Database(url)
    upgrade(db)
    with db.session(write=True) as session:
        add_party(session, "ca")
    admission.PARALLEL_MIN_OBJECTS = 20_000 if workers else len(objects) + 1
    if workers:
        wait(start_workers())  # `liaison import` starts them while it reads a large file
    marks: list[tuple[int, float]] = [(0, time.perf_counter())]
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        marks.append((done, time.perf_counter()))

    start = time.perf_counter()
    import_objects(
        db, "bench", objects, origin=Origin("bench", "ca"), create=True, progress=progress
    )
    elapsed = time.perf_counter() - start
    db.dispose()
    return {"rate": len(objects) / elapsed, **_edge_rates(marks, len(objects))}


def _edge_rates(marks: list[tuple[int, float]], total: int) -> dict[str, float]:
    tenth = total // 10
    first = next(m for m in marks if m[0] >= tenth)
    last_start = next(m for m in reversed(marks) if m[0] <= total - tenth)
    first_rate = first[0] / (first[1] - marks[0][1])
    last_rate = (marks[-1][0] - last_start[0]) / (marks[-1][1] - last_start[1])
    return {"first10": first_rate, "last10": last_rate}


def measure_cli(objects: list[dict[str, Any]], workdir: Path, runs: int = 3) -> float:
    """End-to-end `liaison import` into a fresh node (process start included); median of runs."""
    bundle = workdir / "bundle.json"
    bundle.write_bytes(
        orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects})
    )
    liaison = [sys.executable, "-m", "liaison"]
    rates = []
    for run in range(runs):
        node = workdir / f"node-{run}"
        subprocess.run(
            [*liaison, "init", "--dir", str(node), "--node-name", "bench", "--json"],
            check=True,
            capture_output=True,
        )
        start = time.perf_counter()
        subprocess.run(
            [*liaison, "import", str(bundle), "--collection", "bench", "--create", "--dir", str(node), "--json"],
            check=True, capture_output=True,
        )  # fmt: skip
        rates.append(len(objects) / (time.perf_counter() - start))
    return statistics.median(rates)


def measure_stix2(objects: list[dict[str, Any]], sample: int) -> float:
    """The baseline: stix2.parse on (a sample of) the same objects, objects/s."""
    import stix2

    chosen = objects[:sample]
    start = time.perf_counter()
    for obj in chosen:
        stix2.parse(obj, allow_custom=True)
    return len(chosen) / (time.perf_counter() - start)


def postgres_schema(url: str) -> tuple[str, Any]:
    """A fresh schema on the server for this run, and the engine to drop it with."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{url}?options=-csearch_path%3D{schema}", (admin, schema)


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--stix2-sample", type=int, default=10_000)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("LIAISON_TEST_POSTGRES_URL", DEFAULT_PG)
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    objects = synthetic_indicators(args.count)
    table = Table(title=f"ingest of {args.count:,} synthetic indicators")
    for column in ("path", "objects/s", "first 10% obj/s", "last 10% obj/s", "last/first"):
        table.add_column(column, justify="right" if column != "path" else "left")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for workers, how in ((True, "admission in workers"), (False, "admission in-line")):
            result = measure_store(f"sqlite:///{tmp}/store-{workers}.db", objects, workers=workers)
            rows.append((f"SQLite, in-process, {how}", result))
        cli = measure_cli(objects, Path(tmp))
    rows.append(("SQLite, `liaison import` CLI end to end (median of 3)", {"rate": cli}))
    if not args.no_postgres:
        for workers, how in ((True, "admission in workers"), (False, "admission in-line")):
            url, (admin, schema) = postgres_schema(args.postgres_url)
            try:
                result = measure_store(url, objects, workers=workers)
                rows.append((f"PostgreSQL, in-process, {how}", result))
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    rows.append(
        (
            f"stix2.parse baseline ({min(args.stix2_sample, args.count):,} objects)",
            {"rate": measure_stix2(objects, args.stix2_sample)},
        )
    )
    for name, result in rows:
        first, last = result.get("first10"), result.get("last10")
        ratio = f"{last / first:.2f}" if first and last else "-"
        table.add_row(
            name,
            f"{result['rate']:,.0f}",
            f"{first:,.0f}" if first else "-",
            f"{last:,.0f}" if last else "-",
            ratio,
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
