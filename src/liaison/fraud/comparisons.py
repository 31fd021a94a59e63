"""The Fellegi–Sunter comparisons and blocking rules of the application model (Splink creators).

Every level is written with Splink's dialect-aware creators or plain SQL that DuckDB and Spark
both read (`=`, `substr`, `length`), so one model runs on either engine. Level labels are what
`liaison fraud explain` shows an officer.
"""

from __future__ import annotations

from typing import Any


def comparisons(present: frozenset[str]) -> list[Any]:
    """The comparisons for the columns in `present` (see `features.present_columns`)."""
    import splink.comparison_library as cl

    made: list[Any] = []
    if "given_clean" in present:
        made.append(_name("given", "family", initials=True))
    if "family_clean" in present:
        made.append(_name("family", "given", initials=False))
    if "dob" in present:
        made.append(_date_of_birth())
    for column, name in (("passport", "passport_number"), ("national_id", "national_id")):
        if column in present:
            made.append(_document(column, name))
    for column in ("phone", "email", "sex", "nationality"):
        if column in present:
            made.append(cl.ExactMatch(column).configure(term_frequency_adjustments=False))
    if present & {"address_clean", "postcode", "city_clean"}:
        made.append(_address(present))
    return made


def _name(side: str, other: str, *, initials: bool) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    clean, key = f"{side}_clean", f"{side}_key"
    levels: list[Any] = [
        cll.NullLevel(clean),
        cll.ExactMatchLevel(clean, term_frequency_adjustments=True).configure(
            label_for_charts="same name"
        ),
        cll.ExactMatchLevel(key, term_frequency_adjustments=True).configure(
            label_for_charts="same transliteration key"
        ),
        cll.JaroWinklerLevel(clean, 0.9).configure(label_for_charts="spelling close (JW ≥ 0.9)"),
        cll.ColumnsReversedLevel(key, f"{other}_key").configure(
            label_for_charts=f"swapped: {side} name in the {other} name field"
        ),
    ]
    if initials:
        levels.append(
            cll.CustomLevel(
                "(length(given_clean_l) = 1 OR length(given_clean_r) = 1)"
                " AND given_initial_l = given_initial_r",
                label_for_charts="initial agrees",
            )
        )
    levels += [
        cll.JaroWinklerLevel(clean, 0.75).configure(
            label_for_charts="spelling similar (JW ≥ 0.75)"
        ),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name=f"{side}_name")


def _date_of_birth() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    swapped = (
        "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
        " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
    )
    return cl.CustomComparison(
        [
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="same date"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="one digit apart"),
            cll.CustomLevel(swapped, label_for_charts="day and month swapped"),
            cll.CustomLevel(
                "substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", label_for_charts="same year and month"
            ),
            cll.DamerauLevenshteinLevel("dob", 2).configure(label_for_charts="two digits apart"),
            cll.ElseLevel(),
        ],
        output_column_name="date_of_birth",
    )


def _document(column: str, name: str) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        [
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts="same number"),
            cll.DamerauLevenshteinLevel(column, 1).configure(
                label_for_charts="one character apart"
            ),
            cll.ElseLevel(),
        ],
        output_column_name=name,
    )


def _address(present: frozenset[str]) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    columns = [c for c in ("address_clean", "postcode", "city_clean") if c in present]
    null = " AND ".join(f"({c}_l IS NULL OR {c}_r IS NULL)" for c in columns)
    levels: list[Any] = [
        cll.CustomLevel(null, label_for_charts="not given").configure(is_null_level=True)
    ]
    if "address_clean" in present:
        levels += [
            cll.ExactMatchLevel("address_clean", term_frequency_adjustments=True).configure(
                label_for_charts="same street address"
            ),
            cll.JaroWinklerLevel("address_clean", 0.9).configure(
                label_for_charts="street address close"
            ),
        ]
    if "postcode" in present:
        levels.append(cll.ExactMatchLevel("postcode").configure(label_for_charts="same postcode"))
    if "city_clean" in present:
        levels.append(cll.ExactMatchLevel("city_clean").configure(label_for_charts="same city"))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name="address")


def prediction_blocking_rules(present: frozenset[str]) -> list[Any]:
    """Equi-join blocking rules: each scales, together they catch the duplicates one misses."""
    from splink import block_on

    rules: list[Any] = []
    for columns in (("passport",), ("national_id",), ("email",)):
        if set(columns) <= present:
            rules.append(block_on(*columns))
    rules += [
        block_on("dob", "name_lo"),
        block_on("dob", "name_hi"),
        block_on("dob", "given_key"),
        block_on("dob", "family_key"),
        block_on("name_lo", "name_hi", "dob_year"),
    ]
    if "city_clean" in present:
        rules.append(block_on("name_lo", "name_hi", "city_clean"))
    if "postcode" in present:
        rules += [
            block_on("postcode", "name_lo"),
            block_on("postcode", "name_hi"),
            block_on("postcode", "dob"),
        ]
    if "address_clean" in present:
        rules.append(block_on("address_clean", "given_key"))
    if "phone" in present:
        rules.append(block_on("phone", "given_initial"))
    return rules


def deterministic_rules(present: frozenset[str]) -> list[Any]:
    """Near-certain rules for estimating the probability two random records match."""
    from splink import block_on

    rules = [block_on("given_key", "family_key", "dob")]
    for column in ("passport", "national_id"):
        if column in present:
            rules.append(block_on(column, "dob"))
    return rules


def training_blocking_rules(present: frozenset[str]) -> list[Any]:
    """EM passes: one blocked on date of birth (trains the names, documents and contacts), one
    on the first document or contact present (trains the date of birth). Both rules keep the
    share of matches among their pairs high enough for EM to find the two classes."""
    from splink import block_on

    second = next((c for c in ("passport", "national_id", "email", "phone") if c in present), None)
    return [block_on("dob"), block_on(second) if second else block_on("name_lo", "name_hi")]
