"""What flows from the log readers to the matcher, and from the matcher to `liaison match`.

A log event becomes one `LogEvent`: the STIX cyber-observables it shows, keyed as the objects of
a STIX observed-data (`"0"`, `"1"`, …; references such as `src_ref` name another key), the time
it was observed, and where it was read. The matcher reports a `Hit` when the events it has seen
satisfy an indicator's pattern; the last event of a hit is the one that completed the match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple


class EventSource(NamedTuple):
    """Where an event was read: the file and its 1-based line (row, for CSV)."""

    file: str
    line: int


class LogEvent(NamedTuple):
    """One log event as cyber-observables: `objects` maps keys to SCO dictionaries (with `type`
    and their properties), as in an observed-data's `objects`; times are microseconds since the
    epoch (UTC). A named tuple: readers make one per log line, and a tuple is built fastest."""

    objects: Mapping[str, Mapping[str, Any]]
    first_observed: int
    last_observed: int
    source: EventSource
    number_observed: int = 1


@dataclass(frozen=True, slots=True)
class Hit:
    """An indicator whose pattern the events in `events` satisfy; the last one completed it."""

    indicator_id: str
    pattern: str
    events: tuple[LogEvent, ...]
