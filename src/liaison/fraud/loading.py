"""Read application files (CSV, Parquet, JSON lines) into the schema's columns, normalised.

`load_applications(path, mapping)` returns a `pyarrow.Table` with exactly the columns of
`liaison.fraud.schema.FIELD_NAMES`, all strings: text trimmed with single spaces, e-mail lower
case, document numbers upper case without separators, phones as digits (with a leading + kept),
sex as F/M/X, country codes upper case, dates as YYYY-MM-DD, lists '|'-separated. Any defect
(unreadable file, missing or duplicate `application_id`, a date that does not parse, an unknown
sex or outcome) raises one `InvalidInput` naming the file, the row (1-based, header not counted)
and the field; nothing is written. `write_applications` replaces its target atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from liaison.errors import InvalidInput
from liaison.fraud.mapping import DATE_FIELDS, Mapping
from liaison.fraud.schema import FIELD_NAMES, LIST_SEPARATOR, OUTCOMES

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "json",
            ".ndjson": "json", ".json": "json"}  # fmt: skip
_ROW = "__row"
_SEXES = ("F", "M", "X", "FEMALE", "MALE")

_TEXT = "nullif(trim(regexp_replace({c}, '\\s+', ' ', 'g')), '')"
_NORMALISERS: dict[str, str] = {
    "email": "lower(" + _TEXT + ")",
    "passport_number": "nullif(upper(regexp_replace({c}, '[^0-9A-Za-z]', '', 'g')), '')",
    "national_id": "nullif(upper(regexp_replace({c}, '[^0-9A-Za-z]', '', 'g')), '')",
    "phone": "nullif((CASE WHEN trim({c}) LIKE '+%' THEN '+' ELSE '' END)"
    " || regexp_replace({c}, '[^0-9]', '', 'g'), '')",
    "sex": "upper(" + _TEXT + ")",
    "nationality": "upper(" + _TEXT + ")",
    "country": "upper(" + _TEXT + ")",
    "postcode": "upper(" + _TEXT + ")",
    "outcome": "lower(" + _TEXT + ")",
    "name_variants": "nullif(array_to_string(list_filter(list_transform(string_split({c}, '|'),"
    " lambda x: trim(x)), lambda x: x <> ''), '|'), '')",
    "travel_history": "nullif(array_to_string(list_filter(list_transform(string_split(upper({c}),"
    " '|'), lambda x: trim(x)), lambda x: x <> ''), '|'), '')",
}


@dataclass(frozen=True, slots=True)
class Loaded:
    """A normalised table of applications and what loading left out."""

    table: pa.Table
    ignored_columns: tuple[str, ...]
    nulled_dates: int


def load_applications(path: Path, mapping: Mapping | None = None) -> Loaded:
    """Read `path`, map it onto the schema, normalise and validate it (see the module doc)."""
    raw = read_raw(path)
    mapped, ignored = apply_mapping(raw, mapping, path)
    table, nulled = normalise(mapped, mapping or Mapping(), path)
    return Loaded(table, ignored, nulled)


def read_raw(path: Path) -> pa.Table:
    """The file as a table of strings, whatever its format (chosen by its suffix)."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidInput(f"{path}: unknown file type (expected one of {sorted(SUFFIXES)})")
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    try:
        if kind == "parquet":
            table = pq.read_table(path)
        else:
            con = duckdb.connect()
            try:
                if kind == "csv":
                    rel = con.read_csv(str(path), header=True, all_varchar=True)
                else:
                    rel = con.read_json(str(path), format="newline_delimited")
                table = rel.to_arrow_table()
            finally:
                con.close()
    except (duckdb.Error, pa.ArrowException, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"{path}: cannot read as {kind}: {first}") from exc
    return _as_strings(table)


def _as_strings(table: pa.Table) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            column = pc.binary_join(column.cast(pa.list_(pa.string())), LIST_SEPARATOR)
        elif pa.types.is_timestamp(column.type):
            column = pc.strftime(column, format="%Y-%m-%d")
        columns.append(column.cast(pa.string()))
    return pa.table(columns, names=table.column_names)


def apply_mapping(
    raw: pa.Table, mapping: Mapping | None, path: Path
) -> tuple[pa.Table, tuple[str, ...]]:
    """Rename, join and fill columns so the table has every schema field (missing ones null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    present = set(raw.column_names)
    columns: dict[str, pa.ChunkedArray] = {}
    if mapping is None:
        for name in FIELD_NAMES:
            if name in present:
                columns[name] = raw.column(name)
        used = set(columns)
    else:
        used = set()
        for source, target in mapping.columns.items():
            columns[target] = raw.column(_source(raw, source, path))
            used.add(source)
        for target, sources in mapping.combine.items():
            parts = [pc.fill_null(raw.column(_source(raw, s, path)), "") for s in sources]
            columns[target] = pc.binary_join_element_wise(*parts, " ")
            used.update(sources)
        for target, value in mapping.constants.items():
            columns[target] = pa.chunked_array([pa.array([value] * raw.num_rows, pa.string())])
    if "application_id" not in columns:
        raise InvalidInput(f"{path}: no 'application_id' column (map one with --map)")
    empty = pa.chunked_array([pa.nulls(raw.num_rows, pa.string())])
    ordered = [columns.get(name, empty) for name in FIELD_NAMES]
    ignored = tuple(name for name in raw.column_names if name not in used)
    return pa.table(ordered, names=list(FIELD_NAMES)), ignored


def _source(raw: pa.Table, name: str, path: Path) -> str:
    if name not in raw.column_names:
        raise InvalidInput(f"{path}: the mapping names column '{name}', which the file lacks")
    return name


def normalise(mapped: pa.Table, mapping: Mapping, path: Path) -> tuple[pa.Table, int]:
    """Normalise every field, parse dates, and check ids, sexes and outcomes (see module doc)."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    try:
        con.register("mapped", mapped.append_column(_ROW, pa.array(range(1, mapped.num_rows + 1))))
        con.execute(_clean_sql())
        _check_ids(con, path)
        nulled = sum(_parse_dates(con, mapping, name, path) for name in DATE_FIELDS)
        _check_values(con, "sex", _SEXES, path)
        con.execute("UPDATE cleaned SET sex = left(sex, 1)")
        _check_values(con, "outcome", OUTCOMES, path)
        columns = ", ".join(FIELD_NAMES)
        table = con.sql(f"SELECT {columns} FROM cleaned ORDER BY {_ROW}").to_arrow_table()  # noqa: S608 (constants)
    finally:
        con.close()
    return table, nulled


def _clean_sql() -> str:
    parts = [_NORMALISERS.get(name, _TEXT).format(c=name) + f" AS {name}" for name in FIELD_NAMES]
    return f"CREATE TABLE cleaned AS SELECT {', '.join(parts)}, {_ROW} FROM mapped"  # noqa: S608 (constants)


def _check_ids(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    row = con.execute(f"SELECT min({_ROW}) FROM cleaned WHERE application_id IS NULL").fetchone()  # noqa: S608
    if row and row[0] is not None:
        raise InvalidInput(f"{path}: row {row[0]}: field 'application_id' is empty")
    dup = con.execute(
        f"SELECT application_id, list_sort(list({_ROW})) FROM cleaned GROUP BY application_id"  # noqa: S608
        f" HAVING count(*) > 1 ORDER BY min({_ROW}) LIMIT 1"
    ).fetchone()
    if dup:
        rows = ", ".join(str(r) for r in dup[1][:5])
        raise InvalidInput(f"{path}: rows {rows}: field 'application_id': duplicate id '{dup[0]}'")


def _parse_dates(con: duckdb.DuckDBPyConnection, mapping: Mapping, name: str, path: Path) -> int:
    rule = mapping.date_rule(name)
    parsed = f"strftime(try_strptime({name}, $fmt), '%Y-%m-%d')"
    bad = con.execute(
        f"SELECT {_ROW}, {name} FROM cleaned WHERE {name} IS NOT NULL AND {parsed} IS NULL"  # noqa: S608
        f" ORDER BY {_ROW}",
        {"fmt": rule.format},
    ).fetchall()
    if bad and rule.invalid == "error":
        row, value = bad[0]
        more = f" ({len(bad) - 1} more rows like it)" if len(bad) > 1 else ""
        raise InvalidInput(
            f"{path}: row {row}: field '{name}': {value!r} is not a date in the format"
            f" {rule.format!r}{more}"
        )
    con.execute(f"UPDATE cleaned SET {name} = {parsed}", {"fmt": rule.format})  # noqa: S608
    return len(bad)


def _check_values(
    con: duckdb.DuckDBPyConnection, name: str, allowed: tuple[str, ...], path: Path
) -> None:
    bad = con.execute(
        f"SELECT {_ROW}, {name} FROM cleaned WHERE {name} IS NOT NULL"  # noqa: S608
        f" AND NOT list_contains($allowed, {name}) ORDER BY {_ROW} LIMIT 1",
        {"allowed": list(allowed)},
    ).fetchone()
    if bad:
        raise InvalidInput(
            f"{path}: row {bad[0]}: field '{name}': {bad[1]!r} is not one of {', '.join(allowed)}"
        )


def replace_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary file beside `target`, then rename it into place: a reader
    sees the old file or the whole new one, and a failed write leaves nothing behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_applications(table: pa.Table, target: Path) -> None:
    """Write `table` as Parquet at `target`, atomically (a temporary file renamed into place)."""
    import pyarrow.parquet as pq

    replace_atomically(target, lambda temporary: pq.write_table(table, temporary))
