"""`liaison match`: stream logs through the indicators of collections; print hits; share sightings.

Hits print as a table once the logs are read, or, with `--json`, as one JSON line each as they
come. Malformed log lines are skipped with a warning naming file and line (docs/cyber.md); an
indicator whose pattern cannot be used is a warning naming it and the position.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from liaison.console import DirOption, JsonOption, emit_json, node_store, stderr, stdout
from liaison.cyber.events import Hit
from liaison.cyber.indicators import load_indicators
from liaison.cyber.matcher import Matcher
from liaison.cyber.readers import FORMATS, LogMapping, LogReader, check_format, load_mapping
from liaison.cyber.share import (
    IndicatorSource,
    SharedSightings,
    indicator_sources,
    share_sightings,
)
from liaison.cyber.sightings import Sightings
from liaison.errors import InvalidInput, ObjectProblem
from liaison.stix.timestamps import micros_to_timestamp, now_micros
from liaison.store.database import Database
from liaison.store.objects import Origin

TABLE_ROWS = 1000
"""At most this many hits are shown in the table; `--json` prints every one."""
TABLE_WIDTH = 240


def _warn(message: str) -> None:
    stderr.print(f"[yellow]warning:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)


def _bytes_bar(enabled: bool) -> Progress:
    """A progress bar of bytes read, on stderr."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        TimeRemainingColumn(), console=stderr, disable=not enabled,
    )  # fmt: skip


class _Names:
    """Indicator names and collections, looked up once per indicator that hits."""

    def __init__(self, db: Database, collections: Sequence[str]) -> None:
        self._db = db
        self._collections = collections
        self.sources: dict[str, IndicatorSource] = {}
        self._looked_up: set[str] = set()

    def source(self, indicator_id: str) -> IndicatorSource | None:
        """The stored indicator (None if it is gone), from the store the first time only."""
        if indicator_id not in self._looked_up:
            self._looked_up.add(indicator_id)
            with self._db.session() as session:
                self.sources.update(indicator_sources(session, self._collections, [indicator_id]))
        return self.sources.get(indicator_id)


def _advance(bar: Progress, task: TaskID) -> Callable[[int], None]:
    """Moves the file's task of the bar to the bytes read."""
    return lambda done: bar.update(task, completed=done)


def _hit_json(hit: Hit, source: IndicatorSource | None) -> dict[str, Any]:
    last = hit.events[-1]
    return {
        "indicator": hit.indicator_id, "name": source.name if source else None,
        "collection": source.collection.name if source else None,
        "file": last.source.file, "line": last.source.line,
        "time": micros_to_timestamp(last.last_observed),
        "events": [{"file": e.source.file, "line": e.source.line} for e in hit.events],
    }  # fmt: skip


def _report_reading(reader: LogReader) -> None:
    stats = reader.stats
    for problem in stats.problems:
        _warn(f"{problem} (line skipped)")
    if stats.bad > len(stats.problems):
        _warn(f"{stats.file}: {stats.bad} malformed lines skipped in all")


@contextmanager
def _reading(path: Path, fmt: str, mapping: LogMapping | None) -> Iterator[LogReader]:
    reader = LogReader(path, fmt, mapping)
    try:
        yield reader
    finally:
        reader.close()
    _report_reading(reader)


def _stream(
    logs: Sequence[Path],
    fmt: str,
    mapping: LogMapping | None,
    matcher: Matcher,
    on_hit: Callable[[Hit], None],
    show_progress: bool,
) -> tuple[int, int]:
    """Feed every log to the matcher; return (events, malformed lines)."""
    events = bad = 0
    with _bytes_bar(show_progress) as bar:
        for path in logs:
            with _reading(path, fmt, mapping) as reader:
                task = bar.add_task(escape(path.name), total=reader.size)
                match = matcher.match
                for event in reader.events(_advance(bar, task)):
                    for hit in match(event):
                        on_hit(hit)
                bar.update(task, completed=reader.size)
                events += reader.stats.events
                bad += reader.stats.bad
    return events, bad


def _hit_table(rows: list[dict[str, Any]]) -> Table:
    table = Table("indicator", "name", "event", "time", title="hits")
    for row in rows:
        table.add_row(
            row["indicator"], escape(row["name"] or ""), escape(f"{row['file']}:{row['line']}"),
            row["time"],
        )  # fmt: skip
    return table


class _Hits:
    """What the run does with each hit: print it (`--json`) or keep it for the table, and tally
    it for `--share`."""

    def __init__(self, names: _Names, json_output: bool, share: bool) -> None:
        self.names = names
        self.json_output = json_output
        self.sightings = Sightings() if share else None
        self.shown: list[dict[str, Any]] = []
        self.count = 0
        self.fired: set[str] = set()

    def __call__(self, hit: Hit) -> None:
        self.count += 1
        self.fired.add(hit.indicator_id)
        source = self.names.source(hit.indicator_id)
        row = _hit_json(hit, source)
        if self.json_output:
            emit_json(row)
        elif len(self.shown) < TABLE_ROWS:
            self.shown.append(row)
        if self.sightings is not None and source is not None:
            self.sightings.add(hit)


def _print_results(hits: _Hits, summary: str, shared: list[SharedSightings]) -> None:
    """The table (without --json), the summary and what was shared (on stderr with --json)."""
    if not hits.json_output:
        if hits.shown:
            # Piped output is not cut to a terminal's width: ids stay whole for grep.
            table_out = stdout if stdout.is_terminal else Console(width=TABLE_WIDTH)
            table_out.print(_hit_table(hits.shown))
        if hits.count > len(hits.shown):
            stdout.print(f"… and {hits.count - len(hits.shown)} more hits (--json prints them all)")
    out = stderr if hits.json_output else stdout
    out.print(summary, highlight=False)
    for result in shared:
        out.print(
            f"shared {len(result.sightings)} sighting(s) in collection {result.collection}: "
            f"{result.added} objects added ({result.objects - result.added} already present)",
            highlight=False,
        )


def match_command(
    logs: Annotated[list[Path], typer.Argument(help="Log files: plain or gzip.")],
    collection: Annotated[
        list[str], typer.Option("--collection", "-c", help="Collection of indicators (repeat).")
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"Log format: {', '.join(FORMATS)}.")
    ] = "auto",
    mapping_file: Annotated[
        Path | None, typer.Option("--mapping", help="TOML mapping file for jsonl and csv logs.")
    ] = None,
    share: Annotated[
        bool,
        typer.Option(
            "--share", help="Store a sighting per matched indicator, releasable to its originator."
        ),
    ] = False,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Match the indicators of collections against logs; print the hits (one JSON line each
    with --json); with --share, send each indicator's originator a STIX sighting."""
    mapping = load_mapping(mapping_file) if mapping_file is not None else None
    check_format(fmt, mapping)
    for path in logs:
        if not path.is_file():
            reason = "not a file" if path.exists() else "no such file"
            raise InvalidInput(f"{path}: cannot read: {reason}")
    shared: list[SharedSightings] = []
    dropped: list[ObjectProblem] = []
    with node_store(directory) as (settings, db):
        with db.session() as session:
            matcher, problems = load_indicators(session, collection, now_micros())
        for problem in problems:
            _warn(f"{problem} (indicator left out)")
        names = _Names(db, collection)
        hits = _Hits(names, json_output, share)
        # The compiled tables live as long as the run: keep the cycle collector off them.
        gc.freeze()
        try:
            events, bad = _stream(logs, fmt, mapping, matcher, hits, not json_output)
        finally:
            gc.unfreeze()
        if hits.sightings is not None and hits.sightings.tallies:
            with db.session(write=True) as session:
                shared = share_sightings(
                    session, hits.sightings, names.sources,
                    origin=Origin(settings.node_name, settings.party), dropped=dropped,
                )  # fmt: skip
    for left_out in dropped:
        _warn(f"observable left out of the sighting: {left_out}")
    summary = (
        f"{events} events from {len(logs)} file(s), {bad} malformed lines skipped; "
        f"{matcher.indicator_count} indicators; {hits.count} hits on {len(hits.fired)} indicators"
    )
    _print_results(hits, summary, shared)
