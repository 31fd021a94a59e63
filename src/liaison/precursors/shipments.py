"""Shipment records as customs hands them over: CSV or JSON lines, read one record at a time.

Columns: `id, description, cas, hs_code, quantity_kg, shipper, consignee, origin, destination,
route, date`. `id` and `description` are required; the others may be empty or absent. A column
or key outside that list is an error (a misspelt header would otherwise silently switch a rule
off). The first malformed record stops the run with an `InvalidInput` naming the file, the line
and the field. Files ending in `.gz` are read through gzip; memory stays constant however long the
file is.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from liaison.errors import InvalidInput

COLUMNS = (
    "id", "description", "cas", "hs_code", "quantity_kg", "shipper", "consignee", "origin",
    "destination", "route", "date",
)  # fmt: skip
REQUIRED = ("id", "description")
FORMATS = ("auto", "csv", "jsonl")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Shipment:
    """One shipment record; empty fields are empty strings, a missing quantity is None."""

    id: str
    description: str
    cas: str = ""
    hs_code: str = ""
    quantity_kg: float | None = None
    shipper: str = ""
    consignee: str = ""
    origin: str = ""
    destination: str = ""
    route: str = ""
    date: str = ""

    def as_row(self) -> dict[str, str]:
        """The record as CSV/JSON text fields (what the generator writes)."""
        quantity = "" if self.quantity_kg is None else f"{self.quantity_kg:g}"
        return {
            "id": self.id, "description": self.description, "cas": self.cas,
            "hs_code": self.hs_code, "quantity_kg": quantity, "shipper": self.shipper,
            "consignee": self.consignee, "origin": self.origin, "destination": self.destination,
            "route": self.route, "date": self.date,
        }  # fmt: skip


def _text(value: Any, where: str, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput(f"{where}: field '{field}' must be text")
    return str(value).strip()


def _quantity(text: str, where: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"{where}: field 'quantity_kg' is not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise InvalidInput(f"{where}: field 'quantity_kg' must be a finite number ≥ 0")
    return value


def make_shipment(fields: dict[str, Any], where: str) -> Shipment:
    """A `Shipment` from one record's fields; `where` (file:line) prefixes every error."""
    values = {name: _text(fields.get(name), where, name) for name in COLUMNS}
    for name in REQUIRED:
        if not values[name]:
            raise InvalidInput(f"{where}: field '{name}' is required")
    date = values["date"]
    if date and not _DATE.match(date):
        raise InvalidInput(f"{where}: field 'date' must be YYYY-MM-DD, not {date!r}")
    return Shipment(
        id=values["id"], description=values["description"], cas=values["cas"],
        hs_code=values["hs_code"], quantity_kg=_quantity(values["quantity_kg"], where),
        shipper=values["shipper"], consignee=values["consignee"], origin=values["origin"].upper(),
        destination=values["destination"].upper(), route=values["route"], date=date,
    )  # fmt: skip


def _unknown(names: Any, where: str) -> None:
    unknown = sorted(str(name) for name in names if name not in COLUMNS)
    if unknown:
        raise InvalidInput(
            f"{where}: unknown column(s) {', '.join(unknown)} (known: {', '.join(COLUMNS)})"
        )


def record_of(fields: Any, where: str) -> Shipment:
    """A `Shipment` from one parsed JSON record (an object of known columns); `where` prefixes
    every error."""
    if not isinstance(fields, dict):
        raise InvalidInput(f"{where}: a record must be a JSON object")
    _unknown(fields, where)
    return make_shipment(fields, where)


def _csv_records(stream: IO[str], name: str) -> Iterator[Shipment]:
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        return
    header = [column.strip().lower() for column in header]
    _unknown(header, f"{name}:1")
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise InvalidInput(f"{name}:1: missing column(s) {', '.join(missing)}")
    width = len(header)
    for row in reader:
        if not row:
            continue
        line = reader.line_num
        if len(row) != width:
            raise InvalidInput(f"{name}:{line}: {len(row)} fields where the header has {width}")
        yield make_shipment(dict(zip(header, row, strict=True)), f"{name}:{line}")


def _jsonl_records(stream: IO[str], name: str) -> Iterator[Shipment]:
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        where = f"{name}:{line}"
        try:
            fields = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(f"{where}: not JSON: {exc}") from None
        yield record_of(fields, where)


def detect_format(path: Path) -> str:
    """`jsonl` when the file's first non-blank character opens a JSON object, else `csv`."""
    with _open(path) as stream:
        for text in stream:
            if text.strip():
                return "jsonl" if text.lstrip().startswith("{") else "csv"
    return "csv"


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def read_shipments(path: Path, fmt: str = "auto") -> Iterator[Shipment]:
    """Every record of `path` in order (`fmt`: auto, csv or jsonl); errors name file and line."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    if not path.is_file():
        raise InvalidInput(
            f"{path}: cannot read: {'not a file' if path.exists() else 'no such file'}"
        )
    chosen = detect_format(path) if fmt == "auto" else fmt
    with _open(path) as stream:
        try:
            if chosen == "csv":
                yield from _csv_records(stream, path.name)
            else:
                yield from _jsonl_records(stream, path.name)
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{path.name}: not UTF-8 text: {exc.reason}") from None
        except csv.Error as exc:
            raise InvalidInput(f"{path.name}: malformed CSV: {exc}") from None
