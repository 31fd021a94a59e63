"""Shipment screening: records/s end to end on one core, beside a naive fuzzy baseline.

For each `--records` size (default 100,000 and 1,000,000), writes generated shipment records
(3% planted precursor shipments; generated 100,000 at a time, so memory stays flat) as CSV, then
screens the file with a fresh screener and every rule as `liaison screen` does (reading the file,
CAS, names, HS codes, mislabelling, routing, structure rules; no linked companies, no output).

OPSIN runs in Java: each chunk of `liaison.precursors.screen.CHUNK` records whose systematic
names OPSIN has not seen costs one Java start. The start-up is measured apart first (one Java
start parsing one name, median of three), and each run is also reported without its Java
starts: records / (seconds - starts x start-up). The baseline is what a first attempt would do:
`rapidfuzz.process.extractOne` of each description against every reference name, on a sample.

    .venv/bin/python bench/screen.py [--records 100000 1000000] [--baseline 5000]

Never part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from rapidfuzz import fuzz, process
from rich.console import Console
from rich.table import Table

from liaison.precursors.reference import load_reference
from liaison.precursors.screen import Screener
from liaison.precursors.shipments import COLUMNS, read_shipments
from liaison.precursors.structures import Opsin
from liaison.precursors.synthetic import generate

SEED = 2026
GENERATED_AT_ONCE = 100_000
STARTUP_RUNS = 3
STARTUP_NAME = "1-(2-phenylethyl)piperidin-4-one"


def _rows(count: int) -> Iterator[dict[str, str]]:
    """`count` generated records as CSV rows, `GENERATED_AT_ONCE` in memory at a time."""
    for offset in range(0, count, GENERATED_AT_ONCE):
        size = min(GENERATED_AT_ONCE, count - offset)
        for n, record in enumerate(generate(size, seed=SEED + offset), start=offset):
            yield {**record.shipment.as_row(), "id": f"SHP-{n:08d}"}


def _write(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(_rows(count))


def _opsin_startup() -> float:
    """Seconds of one Java start of OPSIN parsing one name (median of `STARTUP_RUNS`)."""
    times = []
    for _ in range(STARTUP_RUNS):
        opsin = Opsin()
        started = time.perf_counter()
        opsin.resolve([STARTUP_NAME])
        times.append(time.perf_counter() - started)
        opsin.close()
    return statistics.median(times)


def _screen(path: Path) -> tuple[float, int, int, int]:
    """Seconds, records, flagged and Java starts of a fresh screener (its own OPSIN, nothing
    cached) over the file."""
    opsin = Opsin()
    screener = Screener(load_reference(), opsin=opsin)
    started = time.perf_counter()
    records = flagged = 0
    for _, result in screener.screen_all(read_shipments(path)):
        records += 1
        flagged += result.flagged
    elapsed = time.perf_counter() - started
    opsin.close()
    return elapsed, records, flagged, opsin.java_starts


def _baseline(count: int) -> tuple[float, int]:
    descriptions = [record.shipment.description for record in generate(count, seed=SEED)]
    names = [name for s in load_reference().substances for name in s.names]
    started = time.perf_counter()
    for description in descriptions:
        process.extractOne(description, names, scorer=fuzz.WRatio, score_cutoff=90)
    return time.perf_counter() - started, len(descriptions)


def main() -> None:
    """Measure the OPSIN start-up, screen each size, run the baseline, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--baseline", type=int, default=5_000)
    args = parser.parse_args()
    startup = _opsin_startup()
    table = Table(
        "run", "records", "flagged", "seconds", "Java starts", "records/s",
        "records/s w/o Java starts", title="liaison screen (file reading included)",
    )  # fmt: skip
    table.add_row(f"OPSIN start-up (1 name, median of {STARTUP_RUNS})", "–",
                  "–", f"{startup:.2f}", "1", "–", "–")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for count in args.records:
            path = Path(folder) / f"shipments-{count}.csv"
            _write(path, count)
            seconds, records, flagged, starts = _screen(path)
            path.unlink()
            without = max(seconds - starts * startup, 1e-9)
            table.add_row(
                "screen (every rule)", f"{records:,}", f"{flagged:,}", f"{seconds:.2f}",
                str(starts), f"{records / seconds:,.0f}", f"{records / without:,.0f}",
            )  # fmt: skip
    seconds, sampled = _baseline(args.baseline)
    table.add_row("baseline: extractOne(WRatio) only", f"{sampled:,}", "–",
                  f"{seconds:.2f}", "0", f"{sampled / seconds:,.0f}", "–")  # fmt: skip
    Console(width=max(Console().width, 130)).print(table)


if __name__ == "__main__":
    main()
