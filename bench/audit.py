"""Audit log figures: appends/s with a head signed every 1,000 entries, and proof time at size N.

    python bench/audit.py [--entries 1000000]

Prints a table. SQLite in a temporary directory; never part of `make test`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.audit import proofs
from liaison.audit.heads import HeadSigner
from liaison.audit.log import SIGNER_INFO, Event, record, record_many
from liaison.store.database import Database
from liaison.store.migrate import upgrade

BATCH = 1000


def _events(count: int) -> list[Event]:
    return [Event("objects.read", "alice", {"collection": "c", "count": n}) for n in range(count)]


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
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
