"""Log readers alone: events/s reading and mapping synthetic Suricata eve.json, plain and gzip.

Writes the synthetic eve.json of `bench/match.py` (flow, dns, http, tls and fileinfo records;
1,000,000 by default) and its gzip copy, then reads each to the end through `LogReader` in this
process (one core), best of `--rounds`. Beside it, the floor: `orjson.loads` of every line and
nothing else. Both wall-clock and CPU seconds (`time.process_time`) are given, since on a shared
machine the wall clock also counts other processes' turns. Objects alive before the runs are
moved out of the cycle collector's way (`gc.freeze()`), as `liaison match` does once its
indicators are compiled. Prints a table. Never part of the test suite.

    .venv/bin/python bench/readers.py [--events 1000000] [--rounds 3] [--log FILE]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from liaison.cyber.readers import LogReader

# bench/ is sys.path[0] when this script runs, so its sibling scripts import as modules.
from match import write_events  # isort: skip


def read_all(path: Path) -> int:
    """Events of the whole file, through the readers."""
    events = 0
    with LogReader(path) as reader:
        for _ in reader.events():
            events += 1
    return events


def parse_only(path: Path) -> int:
    """Lines of the whole file parsed with orjson and dropped: the floor under the readers."""
    lines = 0
    with path.open("rb") as log:
        for line in log:
            orjson.loads(line)
            lines += 1
    return lines


def best_of(rounds: int, work: Callable[[], int]) -> tuple[int, float, float]:
    """(count, best wall seconds, best CPU seconds) of `rounds` runs of `work`."""
    walls, cpus, count = [], [], 0
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        count = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return count, min(walls), min(cpus)


def main() -> None:
    """Write the logs (or reuse --log), read them, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--log", type=Path, help="Keep the synthetic eve.json here (reused).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = args.log or Path(tmp) / "eve.json"
        if not plain.exists():
            write_events(plain, args.events, 1000)
        packed = Path(tmp) / "eve.json.gz"
        with plain.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as target:
            shutil.copyfileobj(source, target)
        runs = (
            ("orjson.loads only (floor)", plain, parse_only),
            ("readers, eve.json", plain, read_all),
            ("readers, eve.json.gz", packed, read_all),
        )
        gc.freeze()  # as `liaison match` does before it streams
        print("| work | MiB | events | wall s | events/s (wall) | CPU s | events/s (CPU) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label, path, work in runs:
            count, wall, cpu = best_of(args.rounds, lambda work=work, path=path: work(path))
            size = path.stat().st_size / 2**20
            print(
                f"| {label} | {size:,.0f} | {count:,} | {wall:.2f} | {count / wall:,.0f} "
                f"| {cpu:.2f} | {count / cpu:,.0f} |"
            )


if __name__ == "__main__":
    main()
