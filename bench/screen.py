"""Shipment screening: records/s end to end on one core, beside a naive fuzzy baseline.

Writes `--records` generated shipment records (3% planted precursor shipments) as CSV, then
screens them with every rule as `liaison screen` does (reading the file, CAS, names, HS codes,
mislabelling, routing, structure rules; no linked companies, no output). Two timings: a cold run
that includes the one OPSIN batch (one Java start) and a warm run on the same screener (OPSIN
answers cached, as in a long-running node). The baseline is what a first attempt would do:
`rapidfuzz.process.extractOne` of each description against every reference name, on a sample.

    .venv/bin/python bench/screen.py [--records 100000] [--baseline 5000]

Never part of the test suite.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process
from rich.console import Console
from rich.table import Table

from liaison.precursors.reference import load_reference
from liaison.precursors.screen import Screener
from liaison.precursors.shipments import read_shipments
from liaison.precursors.synthetic import generate, write_csv


def _screen(screener: Screener, path: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    records = flagged = 0
    for _, result in screener.screen_all(read_shipments(path)):
        records += 1
        flagged += result.flagged
    return time.perf_counter() - started, records, flagged


def _baseline(descriptions: list[str]) -> float:
    names = [name for s in load_reference().substances for name in s.names]
    started = time.perf_counter()
    for description in descriptions:
        process.extractOne(description, names, scorer=fuzz.WRatio, score_cutoff=90)
    return time.perf_counter() - started


def main() -> None:
    """Generate, screen cold and warm, run the baseline, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=5_000)
    args = parser.parse_args()
    planted = generate(args.records, seed=2026)
    table = Table("run", "records", "flagged", "seconds", "records/s", title="liaison screen")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shipments.csv"
        write_csv(path, planted)
        screener = Screener(load_reference())
        for label in ("cold (includes 1 OPSIN Java start)", "warm (OPSIN answers cached)"):
            seconds, records, flagged = _screen(screener, path)
            table.add_row(label, f"{records:,}", f"{flagged:,}", f"{seconds:.2f}",
                          f"{records / seconds:,.0f}")  # fmt: skip
    sample = [record.shipment.description for record in planted[: args.baseline]]
    seconds = _baseline(sample)
    table.add_row("baseline: extractOne(WRatio) per record, no other rule", f"{len(sample):,}",
                  "–", f"{seconds:.2f}", f"{len(sample) / seconds:,.0f}")  # fmt: skip
    Console().print(table)


if __name__ == "__main__":
    main()
