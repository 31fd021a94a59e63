"""One log file as a stream of `LogEvent`s, in the format given or sniffed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from liaison.cyber.events import LogEvent
from liaison.cyber.readers.detect import FORMATS, sniff
from liaison.cyber.readers.generic import MappedEvents, column_getter, json_getter
from liaison.cyber.readers.lines import LineSource, Progress
from liaison.cyber.readers.loops import ReadStats, csv_events, csv_rows, json_events
from liaison.cyber.readers.mapping import LogMapping
from liaison.cyber.readers.suricata import suricata_event
from liaison.cyber.readers.zeek import zeek_event
from liaison.errors import InvalidInput


def check_format(fmt: str, mapping: LogMapping | None) -> None:
    """InvalidInput when a format and a mapping do not go together."""
    if fmt not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    if fmt in ("jsonl", "csv") and mapping is None:
        raise InvalidInput(f"--format {fmt} needs --mapping: a mapping file for its fields")
    if fmt in ("suricata", "zeek") and mapping is not None:
        raise InvalidInput(f"--mapping is for jsonl and csv logs, not {fmt}")


class LogReader:
    """A log file opened for reading: its format (given, or sniffed from its first lines),
    its size, how much is read, and what reading it met (`stats`)."""

    def __init__(self, path: Path, fmt: str = "auto", mapping: LogMapping | None = None) -> None:
        check_format(fmt, mapping)
        self.source = LineSource(path)
        self.format: str | None = fmt
        if fmt == "auto":
            try:
                self.format = sniff(self.source.name, self.source.head, mapping)
            except InvalidInput:
                self.source.close()
                raise
        self.mapping = mapping
        self.stats = ReadStats(self.source.name)

    @property
    def size(self) -> int:
        """The file's size in bytes (compressed size for gzip)."""
        return self.source.size

    def events(self, progress: Progress | None = None) -> Iterator[LogEvent]:
        """Every event of the file in order; `progress(bytes consumed)` about once a megabyte."""
        if self.format is None:
            return iter(())
        if self.format == "suricata":
            return json_events(self.source, suricata_event, self.stats, progress)
        if self.format == "zeek":
            return json_events(self.source, zeek_event, self.stats, progress)
        assert self.mapping is not None  # check_format and sniff saw to it
        if self.format == "jsonl":
            mapped = MappedEvents(self.mapping, json_getter)
            return json_events(self.source, mapped, self.stats, progress)
        return self._csv_events(self.mapping, progress)

    def _csv_events(self, mapping: LogMapping, progress: Progress | None) -> Iterator[LogEvent]:
        rows = csv_rows(self.source, mapping.delimiter, self.stats, progress)
        columns = mapping.columns
        if columns is None:
            header = next(rows, None)
            if header is None:
                return
            columns = tuple(name.strip().lstrip("\ufeff") for name in header[1])
        missing = [name for name in mapping.fields if name not in columns]
        if missing:
            raise InvalidInput(
                f"{self.source.name}: no column {', '.join(repr(m) for m in missing)} "
                f"(columns: {', '.join(columns)}; mapping {mapping.path})"
            )
        mapped = MappedEvents(mapping, column_getter(columns))
        yield from csv_events(self.source, rows, len(columns), mapped, self.stats)

    def close(self) -> None:
        """Close the file."""
        self.source.close()

    def __enter__(self) -> LogReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
