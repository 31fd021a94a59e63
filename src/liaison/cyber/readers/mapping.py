"""Mapping files: how the fields of a generic JSON-lines or CSV log become STIX cyber-observables.

A mapping is a TOML file (examples/mapping-proxy.toml is one): the timestamp field and its
format, and a list of `[[objects]]`, each a STIX cyber-observable type with its properties. A
property's value is a field of the log (a CSV column name, or a JSON path such as `http.host` or
`answers[0]`), `@name` for a reference to another object (a list of them for `_refs`), or
`{ const = … }`. Property paths reach into dictionaries: `"hashes.'SHA-256'"`,
`"extensions.'http-request-ext'.request_header.'User-Agent'"`. The whole file is checked when it
is loaded, and each problem is named with the file and the place in it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison.cyber.readers.times import epoch_micros, iso_micros, strptime_micros
from liaison.errors import InvalidInput
from liaison.stix.types import SCO_TYPES

ANY_ADDRESS = "ip-addr"
"""A pseudo-type of mapping files: `ipv4-addr` or `ipv6-addr`, whichever the value is."""
INTEGER_PROPERTIES = frozenset({
    "src_port", "dst_port", "src_byte_count", "dst_byte_count", "src_packets", "dst_packets",
    "size", "number", "pid", "account_created", "request_line_length",
})  # fmt: skip
"""Properties whose values are read as integers (CSV columns are text)."""
TIME_FORMATS = ("rfc3339", "iso8601", "epoch", "epoch_ms", "epoch_us", "epoch_ns")
_EPOCH_SCALES = {"epoch": 1, "epoch_ms": 1000, "epoch_us": 1_000_000, "epoch_ns": 1_000_000_000}
_PATH_PART = re.compile(r"'([^']+)'|([^.'\[\]]+)")
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_FORMATS = ("jsonl", "csv")


@dataclass(frozen=True, slots=True)
class Property:
    """One property of a mapped object: where it goes (`path`) and where its value comes from —
    a log field, a constant, or the names of the objects it references."""

    path: tuple[str, ...]
    field: str | None = None
    const: Any = None
    refs: tuple[str, ...] = ()
    many: bool = False

    @property
    def integer(self) -> bool:
        """Whether the value is read as an integer."""
        return self.path[-1] in INTEGER_PROPERTIES


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    """One `[[objects]]` entry: its name (for references), STIX type and properties."""

    name: str
    type: str
    properties: tuple[Property, ...]


@dataclass(frozen=True, slots=True)
class LogMapping:
    """A loaded, checked mapping file."""

    path: Path
    format: str | None
    time_field: str
    time_format: str
    objects: tuple[ObjectSpec, ...]
    delimiter: str = ","
    columns: tuple[str, ...] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every log field the mapping reads, the timestamp first."""
        found = [self.time_field]
        for spec in self.objects:
            found += [p.field for p in spec.properties if p.field is not None]
        return tuple(dict.fromkeys(found))

    def time_reader(self) -> Callable[[object], int]:
        """A function from the timestamp field's value to microseconds since the epoch."""
        fmt = self.time_format
        if fmt in ("rfc3339", "iso8601"):
            return lambda value: iso_micros(str(value))
        if fmt in _EPOCH_SCALES:
            scale = _EPOCH_SCALES[fmt]
            return lambda value: epoch_micros(value, scale)
        return lambda value: strptime_micros(str(value), fmt)


def property_path(text: str) -> tuple[str, ...]:
    """`hashes.'SHA-256'` → ('hashes', 'SHA-256'); ValueError when it is not a property path."""
    parts: list[str] = []
    position = 0
    while position < len(text):
        match = _PATH_PART.match(text, position)
        if match is None:
            raise ValueError(f"'{text}' is not a property path")
        parts.append(match[1] or match[2])
        position = match.end()
        if position < len(text):
            if text[position] != ".":
                raise ValueError(f"'{text}' is not a property path")
            position += 1
    if not parts:
        raise ValueError("an empty property path")
    return tuple(parts)


def json_path(text: str) -> tuple[str | int, ...]:
    """`http.answers[0]` → ('http', 'answers', 0); ValueError when it is not a JSON path."""
    parts: list[str | int] = []
    for match in re.finditer(r"([^.\[\]]+)|\[(\d+)\]|(.)", text):
        if match[3] is not None and match[3] != ".":
            raise ValueError(f"'{text}' is not a JSON path")
        if match[1] is not None:
            parts.append(match[1])
        elif match[2] is not None:
            parts.append(int(match[2]))
    if not parts:
        raise ValueError("an empty JSON path")
    return tuple(parts)


def _problem(path: Path, where: str, message: str) -> InvalidInput:
    return InvalidInput(f"{path}: {where}: {message}")


def _property(path: Path, where: str, name: str, value: Any) -> Property:
    try:
        target = property_path(name)
    except ValueError as exc:
        raise _problem(path, where, str(exc)) from None
    last = target[-1]
    if isinstance(value, str) and value.startswith("@"):
        if not last.endswith(("_ref", "_refs")):
            raise _problem(path, where, "only a *_ref or *_refs property takes an @reference")
        return Property(target, refs=(value[1:],), many=last.endswith("_refs"))
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, str) and v.startswith("@") for v in value)
    ):
        if not last.endswith("_refs"):
            raise _problem(path, where, "only a *_refs property takes a list of @references")
        return Property(target, refs=tuple(v[1:] for v in value), many=True)
    if isinstance(value, str) and value:
        if value != value.strip():
            raise _problem(path, where, f"field name '{value}' has surrounding spaces")
        try:
            json_path(value)
        except ValueError as exc:
            raise _problem(path, where, str(exc)) from None
        return Property(target, field=value)
    if isinstance(value, dict) and set(value) == {"const"}:
        return Property(target, const=value["const"])
    raise _problem(
        path, where, "a value must be a field name, '@object', a list of '@object' or { const = … }"
    )


def _object(path: Path, index: int, entry: Any) -> ObjectSpec:
    where = f"objects[{index}]"
    if not isinstance(entry, dict):
        raise _problem(path, where, "must be a table")
    unknown = set(entry) - {"name", "type", "properties"}
    if unknown:
        raise _problem(path, where, f"unknown keys {sorted(unknown)}")
    kind = entry.get("type")
    if kind != ANY_ADDRESS and kind not in SCO_TYPES and not str(kind).startswith("x-"):
        raise _problem(
            path, f"{where}.type", f"'{kind}' is not a STIX cyber-observable type (or 'ip-addr')"
        )
    name = str(entry.get("name", index))
    if not _NAME.fullmatch(name):
        raise _problem(path, f"{where}.name", f"'{name}' is not a name (letters, digits, _ -)")
    properties = entry.get("properties")
    if not isinstance(properties, dict) or not properties:
        raise _problem(path, f"{where}.properties", "must be a table of at least one property")
    specs = tuple(
        _property(path, f"{where}.properties.'{key}'", key, value)
        for key, value in properties.items()
    )
    if not any(p.refs == () for p in specs):
        raise _problem(path, f"{where}.properties", "needs a field or constant besides references")
    return ObjectSpec(name, str(kind), specs)


def _check_references(path: Path, objects: tuple[ObjectSpec, ...]) -> None:
    names = [spec.name for spec in objects]
    repeated = {name for name in names if names.count(name) > 1}
    if repeated:
        raise _problem(path, "objects", f"names used twice: {sorted(repeated)}")
    for index, spec in enumerate(objects):
        for prop in spec.properties:
            for ref in prop.refs:
                if ref not in names:
                    raise _problem(
                        path, f"objects[{index}].properties.'{'.'.join(prop.path)}'",
                        f"no object named '{ref}'",
                    )  # fmt: skip


def _timestamp(path: Path, document: dict[str, Any]) -> tuple[str, str]:
    table = document.get("timestamp")
    if not isinstance(table, dict) or not isinstance(table.get("field"), str):
        raise _problem(path, "timestamp", 'needs a table with field = "…" (and format)')
    if set(table) - {"field", "format"}:
        raise _problem(path, "timestamp", "takes only field and format")
    fmt = table.get("format", "rfc3339")
    if not isinstance(fmt, str) or (fmt not in TIME_FORMATS and "%" not in fmt):
        raise _problem(
            path, "timestamp.format",
            f"'{fmt}' is none of {', '.join(TIME_FORMATS)} nor a strptime format (with %)",
        )  # fmt: skip
    return table["field"], fmt


def _csv_options(path: Path, document: dict[str, Any]) -> tuple[str, tuple[str, ...] | None]:
    table = document.get("csv", {})
    if not isinstance(table, dict) or set(table) - {"delimiter", "columns"}:
        raise _problem(path, "csv", "takes only delimiter and columns")
    delimiter = table.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise _problem(path, "csv.delimiter", "must be one character")
    columns = table.get("columns")
    if columns is not None and not (
        isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns)
    ):
        raise _problem(path, "csv.columns", "must be a list of column names")
    return delimiter, tuple(columns) if columns else None


def load_mapping(path: Path) -> LogMapping:
    """Read and check a mapping file; InvalidInput names the file and what is wrong where."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: not valid TOML: {exc}") from None
    unknown = set(document) - {"format", "timestamp", "csv", "objects"}
    if unknown:
        raise _problem(path, "top level", f"unknown keys {sorted(unknown)}")
    fmt = document.get("format")
    if fmt is not None and fmt not in _FORMATS:
        raise _problem(path, "format", f"'{fmt}' is neither jsonl nor csv")
    entries = document.get("objects")
    if not isinstance(entries, list) or not entries:
        raise _problem(path, "objects", "needs at least one [[objects]] table")
    objects = tuple(_object(path, index, entry) for index, entry in enumerate(entries))
    _check_references(path, objects)
    time_field, time_format = _timestamp(path, document)
    delimiter, columns = _csv_options(path, document)
    return LogMapping(path, fmt, time_field, time_format, objects, delimiter, columns)
