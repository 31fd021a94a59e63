"""Why two applications were linked: each field's comparison level and match weight.

A scored pair (a row of `Resolution.pairs`) carries, per comparison, its level (`gamma_<name>`),
its match weight (`mw_<name>`), the term-frequency adjustment for names and addresses
(`mw_tf_adj_<name>`) and the compared values (`<column>_l`, `<column>_r`). `explain_pair` turns
that row and the trained model into one `Evidence` per field, labelled as the model labels its
levels ("same transliteration key", "day and month swapped", …), so an officer sees which fields
agreed and how much each counted. Match weights are log2 Bayes factors: +10 makes a match about a
thousand times more likely, −10 a thousand times less.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

COMPARED_COLUMNS: dict[str, tuple[str, ...]] = {
    "given_name": ("given_clean",),
    "family_name": ("family_clean",),
    "date_of_birth": ("dob",),
    "passport_number": ("passport",),
    "national_id": ("national_id",),
    "phone": ("phone",),
    "email": ("email",),
    "sex": ("sex",),
    "nationality": ("nationality",),
    "address": ("address_clean", "postcode", "city_clean"),
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One field of a pair: the level reached, its weight, and the two values compared."""

    field: str
    level: str
    match_weight: float
    agreed: bool
    value_a: str | None
    value_b: str | None


def find_pair(pairs: pa.Table, id_a: str, id_b: str) -> dict[str, Any] | None:
    """The scored row for applications `id_a` and `id_b` (either order), or None."""
    import pyarrow.compute as pc

    left, right = pairs.column("unique_id_l"), pairs.column("unique_id_r")
    mask = pc.or_(
        pc.and_(pc.equal(left, id_a), pc.equal(right, id_b)),
        pc.and_(pc.equal(left, id_b), pc.equal(right, id_a)),
    )
    rows = pairs.filter(mask).to_pylist()
    return rows[0] if rows else None


def explain_pair(row: dict[str, Any], model: dict[str, Any]) -> list[Evidence]:
    """Each compared field of the pair `row` with its level label and match weight."""
    evidence = []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma = row.get(f"gamma_{name}")
        if gamma is None:
            continue
        weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
        columns = COMPARED_COLUMNS.get(name, (name,))
        evidence.append(
            Evidence(
                field=name,
                level=_level_label(comparison["comparison_levels"], int(gamma)),
                match_weight=round(weight, 2),
                agreed=gamma != -1 and weight > 0,
                value_a=_joined(row, columns, "l"),
                value_b=_joined(row, columns, "r"),
            )
        )
    return evidence


def _level_label(levels: list[dict[str, Any]], gamma: int) -> str:
    if gamma == -1:
        return "not given on both"
    compared = [level for level in levels if not level.get("is_null_level")]
    return str(compared[len(compared) - 1 - gamma].get("label_for_charts", ""))


def _joined(row: dict[str, Any], columns: tuple[str, ...], side: str) -> str | None:
    values = [str(row[f"{c}_{side}"]) for c in columns if row.get(f"{c}_{side}") is not None]
    return ", ".join(values) or None
