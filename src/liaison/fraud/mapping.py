"""The `--map` file: how the columns of a file in another shape become application fields.

A TOML file with up to four tables (see `examples/febrl.toml`)::

    [columns]            # source column = schema field
    rec_id = "application_id"
    surname = "family_name"

    [combine]            # schema field = source columns joined with one space, blanks skipped
    address = ["street_number", "address_1"]

    [dates]              # schema field = strptime format, or {format, invalid = "error"|"null"}
    date_of_birth = { format = "%Y%m%d", invalid = "null" }

    [constants]          # schema field = the same value on every row
    country = "AU"

Without a map, a file's columns must carry the schema's field names; other columns are ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from liaison.errors import InvalidInput
from liaison.fraud.schema import FIELD_NAMES, FIELDS

ISO_DATE = "%Y-%m-%d"
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "date")
_TABLES = frozenset({"columns", "combine", "dates", "constants"})


@dataclass(frozen=True, slots=True)
class DateRule:
    """How one date field is parsed: its strptime format and what an unparseable value becomes."""

    format: str = ISO_DATE
    invalid: Literal["error", "null"] = "error"


@dataclass(frozen=True, slots=True)
class Mapping:
    """Source columns → schema fields, joined columns, date formats and constant fields."""

    columns: dict[str, str] = field(default_factory=dict)
    combine: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dates: dict[str, DateRule] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)

    def date_rule(self, name: str) -> DateRule:
        """The rule for date field `name` (ISO dates, errors on bad values, by default)."""
        return self.dates.get(name, DateRule())


def read_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; any defect is one `InvalidInput` naming the file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the mapping: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - _TABLES)
    if unknown:
        raise InvalidInput(f"{path}: unknown table [{unknown[0]}] (expected {sorted(_TABLES)})")
    columns = {str(k): _target(path, "columns", k, v) for k, v in _table(path, data, "columns")}
    combine = {
        _target(path, "combine", k, k): _sources(path, k, v)
        for k, v in _table(path, data, "combine")
    }
    dates = {_date_field(path, k): _date_rule(path, k, v) for k, v in _table(path, data, "dates")}
    constants = {
        _target(path, "constants", k, k): _text(path, "constants", k, v)
        for k, v in _table(path, data, "constants")
    }
    targets = [*columns.values(), *combine, *constants]
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise InvalidInput(f"{path}: field '{twice[0]}' is mapped more than once")
    if "application_id" not in targets:
        raise InvalidInput(f"{path}: no column is mapped to the required field 'application_id'")
    return Mapping(columns, combine, dates, constants)


def _table(path: Path, data: dict[str, Any], name: str) -> list[tuple[str, Any]]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: [{name}] must be a table")
    return list(value.items())


def _target(path: Path, table: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or value not in FIELD_NAMES:
        raise InvalidInput(
            f"{path}: [{table}] {key} = {value!r}: not a field of the application schema"
        )
    return value


def _text(path: Path, table: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{path}: [{table}] {key} must be a string")
    return value


def _sources(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{path}: [combine] {key} must be a list of source column names")
    return tuple(value)


def _date_field(path: Path, key: str) -> str:
    if key not in DATE_FIELDS:
        raise InvalidInput(f"{path}: [dates] {key}: not a date field (date fields: {DATE_FIELDS})")
    return key


def _date_rule(path: Path, key: str, value: Any) -> DateRule:
    if isinstance(value, str):
        return DateRule(format=value)
    if not isinstance(value, dict) or set(value) - {"format", "invalid"}:
        raise InvalidInput(f"{path}: [dates] {key} must be a format or {{format, invalid}}")
    invalid = value.get("invalid", "error")
    if invalid not in ("error", "null"):
        raise InvalidInput(f"{path}: [dates] {key}: invalid must be 'error' or 'null'")
    return DateRule(
        format=_text(path, "dates", key, value.get("format", ISO_DATE)), invalid=invalid
    )
