"""Name normalisation and transliteration keys for the entity-resolution comparisons.

Everything here is a DuckDB SQL expression built from constants, so the keys are computed in one
pass over millions of rows before Splink sees the data (on either engine) and no user-defined
function is needed.

- `clean_sql`: lower case, diacritics stripped (Côté → cote), apostrophes and dots dropped
  (O'Brien → obrien, "H." → h), every other non-letter a single space.
- `key_sql`: a transliteration key for names written in Latin script, built to collapse the
  spellings one South Asian (or Canadian) name takes: Harpreet / Harpriet / Harprit → `hrprt`,
  Mohammed / Mohamed / Muhammad / Mohammad → `mhmd`, Kathryn / Catherine → `ktrn`. Steps: spaces
  removed (Abdul Rahman = Abdulrahman), ow → o (Chowdhury), ph → f, v → w, q → k, c → k, x → ks, z → j, the
  aspirating h after a consonant dropped (kh, gh, ch, jh, th, dh, bh, sh), y treated as a vowel,
  vowels after the first letter dropped, then runs of one letter collapsed (Kannan = Kanan).
- `initial_sql`: the first letter of the cleaned name (initials such as "H Singh").

The swapped-order test (given ↔ family) is a comparison level in `liaison.fraud.model`, on the
keys computed here; `name_lo` / `name_hi` (the two keys in sorted order) make blocking insensitive
to that swap.
"""

from __future__ import annotations

_CONSONANTS = "bdfgjklmnprstw"
_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("ow", "o"),
    ("ph", "f"),
    ("v", "w"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "j"),
    ("c", "k"),
    ("([bdgjkprst])h", "\\1"),
    ("y", "i"),
)


def clean_sql(column: str) -> str:
    """SQL: the name in `column` lower-cased, without diacritics or punctuation (NULL if empty)."""
    lowered = f"regexp_replace(lower(strip_accents({column})), '[''’.]', '', 'g')"
    spaced = f"regexp_replace({lowered}, '[^a-z]+', ' ', 'g')"
    return f"nullif(trim({spaced}), '')"


def key_sql(cleaned: str) -> str:
    """SQL: the transliteration key of a name already passed through `clean_sql`."""
    expr = f"replace({cleaned}, ' ', '')"
    for pattern, replacement in _REPLACEMENTS:
        expr = f"regexp_replace({expr}, '{pattern}', '{replacement}', 'g')"
    expr = f"(substr({expr}, 1, 1) || regexp_replace(substr({expr}, 2), '[aeiou]', '', 'g'))"
    for letter in _CONSONANTS:
        expr = f"regexp_replace({expr}, '{letter}{letter}+', '{letter}', 'g')"
    return f"nullif({expr}, '')"


def initial_sql(cleaned: str) -> str:
    """SQL: the first letter of a cleaned name, for the initials comparison level."""
    return f"substr({cleaned}, 1, 1)"


def name_keys(names: list[str | None]) -> list[str | None]:
    """The transliteration keys of `names`, computed with the same SQL (tests and explanations)."""
    import duckdb
    import pyarrow as pa

    table = pa.table({"name": pa.array(names, pa.string())})
    con = duckdb.connect()
    try:
        con.register("names", table)
        sql = f"SELECT {key_sql(clean_sql('name'))} AS k FROM names"  # noqa: S608 (constants)
        return [row[0] for row in con.execute(sql).fetchall()]
    finally:
        con.close()
