"""Indicators from a CSV file of IOCs: one STIX 2.1 indicator per row.

The header names the columns: `type` and `value` are required; `name`, `description`,
`valid_from`, `valid_until`, `labels` (separated by `;`), `tlp` and `confidence` (0-100) are
optional, in any order. Every row is checked before anything is returned, and every bad row is
reported by file and line, so a file is imported whole or not at all.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison.cyber.iocs import parse_ioc
from liaison.errors import InvalidInput, InvalidStix, ObjectProblem
from liaison.stix.timestamps import timestamp_problem, version_key
from liaison.stix.tlp import parse_tlp

REQUIRED_COLUMNS = ("type", "value")
OPTIONAL_COLUMNS = (
    "name", "description", "valid_from", "valid_until", "labels", "tlp", "confidence",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowIndicator:
    """The indicator made from one CSV row; `valid_from_given` is False when it defaulted to now."""

    line: int
    indicator: dict[str, Any]
    valid_from_given: bool


class _RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _timestamp(row: dict[str, str], column: str) -> str | None:
    value = row.get(column, "").strip()
    if not value:
        return None
    problem = timestamp_problem(value)
    if problem is not None:
        raise _RowError(column, problem)
    return value


def _confidence(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _RowError("confidence", f"'{text}' is not an integer from 0 to 100") from None
    if not 0 <= value <= 100:
        raise _RowError("confidence", f"{value} is not from 0 to 100")
    return value


def _optional(row: dict[str, str], indicator: dict[str, Any]) -> None:
    for column in ("name", "description"):
        if row.get(column, "").strip():
            indicator[column] = row[column].strip()
    labels = [label.strip() for label in row.get("labels", "").split(";") if label.strip()]
    if labels:
        indicator["labels"] = labels
    if row.get("confidence", "").strip():
        indicator["confidence"] = _confidence(row["confidence"].strip())
    if row.get("tlp", "").strip():
        try:
            indicator["object_marking_refs"] = [parse_tlp(row["tlp"]).marking_id]
        except ValueError as exc:
            raise _RowError("tlp", str(exc)) from None


def _indicator(row: dict[str, str], line: int, now: str) -> RowIndicator:
    try:
        ioc = parse_ioc(row.get("type", ""), row.get("value", ""))
    except ValueError as exc:
        column = "type" if str(exc).startswith("unknown IOC type") else "value"
        raise _RowError(column, str(exc)) from None
    valid_from = _timestamp(row, "valid_from")
    valid_until = _timestamp(row, "valid_until")
    start = valid_from or now
    if valid_until is not None and version_key(valid_until) <= version_key(start):
        raise _RowError("valid_until", f"{valid_until} is not later than valid_from {start}")
    indicator: dict[str, Any] = {
        "type": "indicator", "spec_version": "2.1", "id": ioc.indicator_id,
        "created": now, "modified": now, "name": f"{ioc.kind} {ioc.value}",
        "pattern": ioc.pattern, "pattern_type": "stix", "pattern_version": "2.1",
        "valid_from": start,
    }  # fmt: skip
    if valid_until is not None:
        indicator["valid_until"] = valid_until
    _optional(row, indicator)
    return RowIndicator(line, indicator, valid_from is not None)


def _header(path: Path, header: list[str] | None) -> list[str]:
    if header is None:
        raise InvalidInput(f"{path}: empty file (expected a header line: type,value,…)")
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    unknown = [name for name in columns if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        raise InvalidInput(
            f"{path}:1: the header needs columns {', '.join(REQUIRED_COLUMNS)} and may add "
            f"{', '.join(OPTIONAL_COLUMNS)} once each (missing: {', '.join(missing) or 'none'}; "
            f"unknown: {', '.join(unknown) or 'none'})"
        )
    return columns


def _rows(path: Path, text: str, now: str) -> tuple[list[RowIndicator], list[ObjectProblem]]:
    reader = csv.reader(text.splitlines(keepends=True))
    columns = _header(path, next(reader, None))
    made: list[RowIndicator] = []
    problems: list[ObjectProblem] = []
    first_line: dict[str, RowIndicator] = {}
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        where = f"{path}:{line}"
        if len(cells) != len(columns):
            problems.append(
                ObjectProblem(where, "", f"{len(cells)} cells, header has {len(columns)}")
            )
            continue
        try:
            made_row = _indicator(dict(zip(columns, cells, strict=True)), line, now)
        except _RowError as exc:
            problems.append(ObjectProblem(where, exc.column, exc.message))
            continue
        earlier = first_line.setdefault(made_row.indicator["id"], made_row)
        if earlier is made_row:
            made.append(made_row)
        elif earlier.indicator != made_row.indicator:
            problems.append(ObjectProblem(
                where, "value", f"same IOC as line {earlier.line} with different columns",
            ))  # fmt: skip
    return made, problems


def read_ioc_csv(path: Path, *, now: str) -> list[RowIndicator]:
    """The indicators of every row of `path`, or InvalidStix naming each bad row by file:line.

    `now` (a STIX timestamp) is `created`, `modified` and the default `valid_from`. A row that
    repeats an earlier IOC with the same columns is dropped; with other columns it is an error.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        made, problems = _rows(path, text, now)
    except csv.Error as exc:
        raise InvalidInput(f"{path}: malformed CSV ({exc})") from None
    if problems:
        raise InvalidStix(problems)
    return made
