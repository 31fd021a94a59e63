"""Generic JSON-lines and CSV records as cyber-observables, through a mapping file.

`MappedEvents` turns one record (a parsed JSON object, or a CSV row) into a `LogEvent` by the
plan of a `LogMapping`: each object gets the properties whose fields hold a value (empty, `-` and
missing fields are left out); an object none of whose fields hold a value is left out, and so is
a reference to it; an object mapped only from constants and references exists when one of its
references does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from liaison.cyber.events import EventSource, LogEvent
from liaison.cyber.readers.mapping import ANY_ADDRESS, LogMapping, ObjectSpec, json_path
from liaison.cyber.readers.scos import SCO, add_object

Getter = Callable[[Any], Any]
_UNSET = ("", "-")


def json_getter(field: str) -> Getter:
    """Reads a JSON path from a record; a top-level key holding dots (Zeek's `id.orig_h`) wins."""
    parts = json_path(field)
    if len(parts) == 1:
        return lambda record: record.get(field)

    def get(record: dict[str, Any]) -> Any:
        value: Any = record.get(field)
        if value is not None:
            return value
        value = record
        for part in parts:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                return None
        return value

    return get


def column_getter(columns: Sequence[str]) -> Callable[[str], Getter]:
    """Makes getters that read a named column of a CSV row (KeyError for an unknown column)."""
    index = {name: position for position, name in enumerate(columns)}

    def getter(field: str) -> Getter:
        position = index[field]
        return lambda row: row[position]

    return getter


def _put(obj: SCO, path: tuple[str, ...], value: Any) -> None:
    target = obj
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


class _Plan:
    """One object of the mapping, with its getters bound."""

    __slots__ = ("name", "refs", "type", "values")

    def __init__(self, spec: ObjectSpec, getter: Callable[[str], Getter]) -> None:
        self.name = spec.name
        self.type = spec.type
        self.values = tuple(
            (p.path, getter(p.field) if p.field is not None else None, p.const, p.integer, p.field)
            for p in spec.properties
            if not p.refs
        )
        self.refs = tuple((p.path, p.refs, p.many) for p in spec.properties if p.refs)

    @property
    def from_fields(self) -> bool:
        return any(get is not None for _, get, _, _, _ in self.values)

    def build(self, record: Any) -> SCO | None:
        """The object's properties read from `record`; None when none of its fields has a value."""
        obj: SCO = {"type": self.type}
        found = False
        for path, get, const, integer, field in self.values:
            if get is None:
                _put(obj, path, const)
                continue
            value = get(record)
            if value is None or value in _UNSET:
                continue
            if integer and not isinstance(value, int):
                try:
                    value = int(value)
                except ValueError:
                    raise ValueError(f"field '{field}': '{value}' is not an integer") from None
            _put(obj, path, value)
            found = True
        if not found and self.from_fields:
            return None
        if self.type == ANY_ADDRESS:
            obj["type"] = "ipv6-addr" if ":" in str(obj.get("value", "")) else "ipv4-addr"
        return obj


class MappedEvents:
    """Turns records into `LogEvent`s by a mapping; `getter(field)` reads a field of a record."""

    def __init__(self, mapping: LogMapping, getter: Callable[[str], Getter]) -> None:
        self._time_field = mapping.time_field
        self._time = getter(mapping.time_field)
        self._time_of = mapping.time_reader()
        plans = [_Plan(spec, getter) for spec in mapping.objects]
        self._independent = tuple(plan for plan in plans if plan.from_fields)
        self._dependent = tuple(plan for plan in plans if not plan.from_fields)

    def __call__(self, record: Any, file: str, line: int) -> LogEvent | None:
        """The event of one record; None when no object has a value. ValueError names the field
        that could not be read."""
        stamp = self._time(record)
        if stamp is None or stamp in _UNSET:
            raise ValueError(f"no timestamp in field '{self._time_field}'")
        try:
            time = self._time_of(stamp)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"field '{self._time_field}': {exc}") from None
        objects: dict[str, SCO] = {}
        keys: dict[str, str] = {}
        built: list[tuple[_Plan, SCO]] = []
        for plan in self._independent:
            obj = plan.build(record)
            if obj is not None:
                keys[plan.name] = add_object(objects, obj)
                built.append((plan, obj))
        for plan in self._dependent:
            if any(name in keys for _, names, _ in plan.refs for name in names):
                obj = plan.build(record) or {}
                keys[plan.name] = add_object(objects, obj)
                built.append((plan, obj))
        if not objects:
            return None
        for plan, obj in built:
            for path, names, many in plan.refs:
                targets = [keys[name] for name in names if name in keys]
                if targets:
                    _put(obj, path, targets if many else targets[0])
        return LogEvent(objects, time, time, EventSource(file, line))
