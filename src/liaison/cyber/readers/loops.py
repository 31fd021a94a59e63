"""The reading loops: lines to records to events, malformed lines counted and reported, not fatal.

A line that is not JSON, not a JSON object, or not shaped like its format (a missing timestamp,
an unreadable field) is skipped: it is counted in `ReadStats.bad`, and the first
`REPORTED_PROBLEMS` of each file are kept with their line number and reason for the caller to
print. Blank lines are skipped silently; records that show no observable are counted as ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from liaison.cyber.events import LogEvent
from liaison.cyber.readers.lines import LineSource, Progress

REPORTED_PROBLEMS = 10
MALFORMED = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)
RecordMapper = Callable[[Any, str, int], LogEvent | None]


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that could not be read: where, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(slots=True)
class ReadStats:
    """What reading one file met: lines read, events handed on, malformed lines, records
    without observables, blank lines, and the first few problems (counts final once read)."""

    file: str
    lines: int = 0
    events: int = 0
    bad: int = 0
    ignored: int = 0
    blank: int = 0
    problems: list[BadLine] = field(default_factory=list)

    def malformed(self, line: int, reason: str) -> None:
        """Count a malformed line, keeping the first few with their reason."""
        self.bad += 1
        if len(self.problems) < REPORTED_PROBLEMS:
            self.problems.append(BadLine(self.file, line, reason))


def _reason(exc: Exception, line: bytes) -> str:
    """Why a JSON line could not be mapped, in words."""
    if isinstance(exc, orjson.JSONDecodeError):
        return f"not valid JSON ({exc})"
    if not isinstance(orjson.loads(line), dict):
        return "not a JSON object"
    if isinstance(exc, KeyError):
        return f"no {exc} field"
    return f"unreadable record ({exc})"


def json_events(
    source: LineSource, to_event: RecordMapper, stats: ReadStats, progress: Progress | None
) -> Iterator[LogEvent]:
    """The events of a JSON-lines file, one record per line."""
    loads = orjson.loads
    name = source.name
    number = 0
    for chunk in source.chunks(progress):
        for line in chunk:
            number += 1
            try:
                event = to_event(loads(line), name, number)
            except MALFORMED as exc:
                if line.strip():
                    stats.malformed(number, _reason(exc, line))
                else:
                    stats.blank += 1
                continue
            if event is None:
                stats.ignored += 1
            else:
                yield event
    stats.lines = number
    stats.events = number - stats.bad - stats.ignored - stats.blank


def _text_lines(source: LineSource, stats: ReadStats, progress: Progress | None) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 is reported and read as blank."""
    number = 0
    for chunk in source.chunks(progress):
        for raw in chunk:
            number += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                stats.malformed(number, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
                stats.blank -= 1
                yield "\n"
    stats.lines = number


def csv_rows(
    source: LineSource, delimiter: str, stats: ReadStats, progress: Progress | None
) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of every non-blank CSV row; the line is where the row ends."""
    rows = csv.reader(_text_lines(source, stats, progress), delimiter=delimiter)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            stats.malformed(rows.line_num, f"not valid CSV ({exc})")
            continue
        if row:
            yield rows.line_num, row
        else:
            stats.blank += 1


def csv_events(
    source: LineSource,
    rows: Iterator[tuple[int, list[str]]],
    width: int,
    to_event: RecordMapper,
    stats: ReadStats,
) -> Iterator[LogEvent]:
    """The events of CSV rows of `width` fields."""
    name = source.name
    for line, row in rows:
        if len(row) != width:
            stats.malformed(line, f"{len(row)} fields where the header has {width}")
            continue
        try:
            event = to_event(row, name, line)
        except MALFORMED as exc:
            stats.malformed(line, f"unreadable record ({exc})")
            continue
        if event is None:
            stats.ignored += 1
        else:
            stats.events += 1
            yield event
