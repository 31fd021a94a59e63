"""The compiled matcher: log events in, hits out.

API (for `liaison match` and anything else that feeds events)::

    matcher, problems = compile_indicators(indicators, now)   # or load_indicators(session, ...)
    for event in events:                # LogEvent, in log order
        for hit in matcher.match(event):
            ...                         # Hit(indicator_id, pattern, events)
    matcher.indicator_count             # indicators loaded

`match` returns the hits that this event completes, in indicator load order; a hit's last event
is the one just given. A single-observation indicator fires on every event that satisfies it;
one with observation operators or qualifiers fires on every event that completes a new match,
with the events of one such match. The matcher keeps per-pattern state between calls (see
`temporal`), so give one stream's events to one matcher, in time order.

How an event is matched (the design is in docs/cyber.md): its objects' values are read once for
every indexed (object type, path) and looked up in that path's hash, prefix and substring
indexes, which list the comparisons they satisfy; those comparisons and the object types present
select the few observation expressions worth evaluating; only patterns with a satisfied
observation advance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from liaison.cyber.compiler import PathReader, PatternState, Tables
from liaison.cyber.events import Hit, LogEvent
from liaison.cyber.index import equality_key
from liaison.cyber.observations import EventView
from liaison.cyber.paths import Objects, walk
from liaison.cyber.temporal import Step

_MISSING = object()


def _look_up(reader: PathReader, value: Any, key: str, found: dict[int, set[str]]) -> None:
    """Record in `found` the comparisons `value` (of object `key`) satisfies on this path."""
    if reader.equality is not None:
        hashed = value if type(value) is str else equality_key(value)
        if hashed is not None:
            ids = reader.equality.get(hashed, ())
            if type(value) is bytes and reader.text_only:
                ids = tuple(ident for ident in ids if ident not in reader.text_only)
            _record(ids, key, found)
    if reader.prefix is not None:
        _record(reader.prefix.containing(value), key, found)
    if reader.text is not None:
        _record(reader.text.satisfied(value), key, found)


def _record(ids: Iterable[int], key: str, found: dict[int, set[str]]) -> None:
    for ident in ids:
        roots = found.get(ident)
        if roots is None:
            found[ident] = {key}
        else:
            roots.add(key)


def _read(
    readers: tuple[PathReader, ...],
    key: str,
    obj: Any,
    objects: Objects,
    found: dict[int, set[str]],
) -> None:
    """Look up every indexed path of one object."""
    for reader in readers:
        first = reader.first
        if reader.single:  # one key, equality only: the commonest case, kept short
            value = obj.get(first)
            if type(value) is str:
                ids = reader.equality.get(value)  # type: ignore[union-attr]  # single: set
                if ids:
                    _record(ids, key, found)
            elif value is not None:
                _look_up(reader, value, key, found)
            continue
        if first is None:
            for value in walk(obj, reader.steps, objects):
                _look_up(reader, value, key, found)
            continue
        value = obj.get(first, _MISSING)
        for name in reader.rest:
            value = value.get(name, _MISSING) if isinstance(value, Mapping) else _MISSING
        if value is not _MISSING:
            _look_up(reader, value, key, found)


class Matcher:
    """Compiled indicators and the state of their partial matches over one event stream."""

    __slots__ = ("_readers", "_serial", "_tables", "_type_triggers", "_watermark")

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._readers = tables.readers
        self._type_triggers = tables.type_triggers or None
        self._serial = 0
        self._watermark = -(2**63)

    @property
    def indicator_count(self) -> int:
        """How many indicators were compiled into this matcher."""
        return self._tables.indicator_count

    def match(self, event: LogEvent) -> list[Hit]:
        """The hits this event completes, in indicator load order."""
        self._serial += 1
        if event.first_observed > self._watermark:
            self._watermark = event.first_observed
        objects = event.objects
        readers = self._readers
        found: dict[int, set[str]] = {}
        for key, obj in objects.items():
            paths = readers.get(obj.get("type", ""))
            if paths is not None:
                _read(paths, key, obj, objects, found)
        typed: list[str] = []
        if self._type_triggers is not None:
            triggers = self._type_triggers
            typed = [obj.get("type", "") for obj in objects.values() if obj.get("type") in triggers]
        if not found and not typed:
            return []
        matched = self._observations(event, found, typed)
        return self._hits(event, matched) if matched else []

    def _observations(
        self, event: LogEvent, found: dict[int, set[str]], typed: list[str]
    ) -> set[int]:
        """The observation expressions this event satisfies."""
        tables = self._tables
        matched: set[int] = set()
        candidates: set[int] = set()
        for ident in found:
            exact = tables.exact.get(ident)
            if exact:
                matched.update(exact)
            triggered = tables.triggered.get(ident)
            if triggered:
                candidates.update(triggered)
        for object_type in typed:
            candidates.update(tables.type_triggers[object_type])
        candidates -= matched
        if candidates:
            view = EventView(event.objects, found, tables.paths)
            evaluators = tables.evaluators
            for ident in candidates:
                evaluate = evaluators[ident]
                if evaluate is not None and evaluate(view):
                    matched.add(ident)
        return matched

    def _hits(self, event: LogEvent, matched: set[int]) -> list[Hit]:
        """Hits of single-observation patterns, and of the stateful patterns that advance."""
        tables = self._tables
        hits: list[tuple[int, Hit]] = []
        advancing: dict[int, PatternState] = {}
        for ident in matched:
            for entry in tables.simple.get(ident, ()):
                hits.append((entry.order, Hit(entry.indicator_id, entry.pattern, (event,))))
            for state in tables.stateful.get(ident, ()):
                advancing[id(state)] = state
        if advancing:
            step = Step(self._serial, event, matched, self._watermark)
            for state in advancing.values():
                completed = state.root.advance(step)
                for node in state.nodes:
                    node.commit(self._watermark)
                if completed:
                    events = completed[0].ordered_events()
                    hits.extend(
                        (entry.order, Hit(entry.indicator_id, entry.pattern, events))
                        for entry in state.entries
                    )
        hits.sort(key=lambda pair: pair[0])
        return [hit for _, hit in hits]
