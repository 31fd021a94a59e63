"""Audit log figures: appends/s with a head signed every 1,000 entries, proof time at size N, and
what the log costs TAXII ingest.

    python bench/audit.py [--entries 1000000] [--taxii 50000] [--rounds 3]

The TAXII figure runs `liaison serve` on a fresh SQLite node twice per round, in alternation:
as shipped, and launched with `liaison.audit.log.record` replaced by a no-op before any liaison
module loads (only this benchmark can do that: the node has no switch to turn its log off). Each
run posts the same synthetic indicators over TAXII 2.1 with taxii2-client in envelopes of 1,000
(`bench/taxii.py`). Prints tables. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from taxii2client.v21 import Collection

from liaison.audit import proofs
from liaison.audit.heads import HeadSigner
from liaison.audit.log import SIGNER_INFO, Event, record, record_many
from liaison.store.database import Database
from liaison.store.migrate import upgrade

# bench/ is sys.path[0] when this script runs, so its sibling scripts import as modules.
from ingest import synthetic_indicators  # isort: skip
from taxii import LIAISON, ingest, liaison  # isort: skip

BATCH = 1000
WITHOUT_LOG = [
    sys.executable,
    "-c",
    "import liaison.audit.log as log; log.record = lambda *_: 0; "
    "from liaison.cli import main; main()",
]


def _events(count: int) -> list[Event]:
    return [Event("objects.read", "alice", {"collection": "c", "count": n}) for n in range(count)]


def _taxii_ingest_rate(command: Sequence[str], objects: list[dict[str, Any]]) -> float:
    """Objects/s that a fresh node served by `command` stores over TAXII."""
    with tempfile.TemporaryDirectory() as tmp, liaison(Path(tmp), command) as target:
        collection = Collection(target.collection_url, auth=target.auth)
        return len(objects) / ingest(collection, objects, BATCH)


def measure_taxii_cost(count: int, rounds: int) -> None:
    """Print TAXII ingest with and without the log, round by round, and the median cost."""
    objects = synthetic_indicators(count)
    print("| round | ingest obj/s with the log | without | cost |")
    print("|---|---:|---:|---:|")
    costs = []
    for round_number in range(1, rounds + 1):
        with_log = _taxii_ingest_rate(LIAISON, objects)
        without = _taxii_ingest_rate(WITHOUT_LOG, objects)
        costs.append(1 - with_log / without)
        print(f"| {round_number} | {with_log:,.0f} | {without:,.0f} | {costs[-1]:.1%} |")
    print(f"| median of {rounds} | | | {statistics.median(costs):.1%} |")


def main() -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--taxii", type=int, default=50_000, help="objects per TAXII run; 0: none")
    parser.add_argument("--rounds", type=int, default=3, help="TAXII runs with and without")
    args = parser.parse_args()
    if args.taxii:
        measure_taxii_cost(args.taxii, args.rounds)
        print()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'audit.db'}")
        upgrade(db)
        signer = HeadSigner(Ed25519PrivateKey.generate(), every=1000, seconds=60)
        db.sessionmaker.configure(info={SIGNER_INFO: signer})
        single = 20_000
        start = time.perf_counter()
        for _ in range(single // BATCH):
            with db.session(write=True) as session:
                for event in _events(BATCH):
                    record(session, *event)
        single_rate = single / (time.perf_counter() - start)
        start = time.perf_counter()
        remaining = args.entries - single
        for _ in range(remaining // BATCH):
            with db.session(write=True) as session:
                record_many(session, _events(BATCH))
        many_rate = remaining // BATCH * BATCH / (time.perf_counter() - start)
        size = single + remaining // BATCH * BATCH
        timings = []
        with db.session() as session:
            for index in range(0, size, max(1, size // 1000)):
                began = time.perf_counter()
                proofs.inclusion(session, index, size)
                timings.append(time.perf_counter() - began)
            began = time.perf_counter()
            proofs.consistency(session, size // 3, size)
            consistency_ms = (time.perf_counter() - began) * 1000
        db.dispose()
    median = statistics.median(timings) * 1000
    p99 = statistics.quantiles(timings, n=100)[98] * 1000
    print("| measure | value |")
    print("|---|---|")
    print(f"| `record()` one entry at a time, {BATCH} per transaction | {single_rate:,.0f} /s |")
    print(f"| `record_many()` {BATCH} entries per transaction | {many_rate:,.0f} /s |")
    print(f"| inclusion proof at {size:,} entries, median / p99 | {median:.3f} / {p99:.3f} ms |")
    print(f"| consistency proof at {size:,} entries | {consistency_ms:.3f} ms |")


if __name__ == "__main__":
    main()
