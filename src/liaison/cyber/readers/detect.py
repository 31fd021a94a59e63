"""Telling a log's format from its first lines (`--format auto`)."""

from __future__ import annotations

import orjson

from liaison.cyber.readers.mapping import LogMapping
from liaison.errors import InvalidInput

FORMATS = ("auto", "suricata", "zeek", "jsonl", "csv")
SNIFFED_RECORDS = 10


def _json_format(name: str, record: dict[str, object]) -> str:
    if "event_type" in record and "timestamp" in record:
        return "suricata"
    if "ts" in record and ("uid" in record or "fuid" in record or "id.orig_h" in record):
        return "zeek"
    raise InvalidInput(
        f"{name}: JSON lines that are neither Suricata eve.json nor Zeek JSON logs: "
        "give --mapping to say how their fields map"
    )


def sniff(name: str, head: list[bytes], mapping: LogMapping | None) -> str | None:
    """The format of a log whose first lines are `head`: with a mapping, `jsonl` or `csv`
    (the mapping's `format` if it names one); else `suricata` or `zeek` by the fields of the
    first JSON objects. None for a file without a non-blank line; InvalidInput when it cannot
    be told."""
    lines = [line for line in head[: SNIFFED_RECORDS * 4] if line.strip()]
    if not lines:
        return None
    if mapping is not None:
        if mapping.format is not None:
            return mapping.format
        return "jsonl" if lines[0].lstrip().startswith(b"{") else "csv"
    if lines[0].startswith((b"#separator", b"#fields")):
        raise InvalidInput(
            f"{name}: a Zeek TSV log; liaison reads Zeek JSON logs (LogAscii::use_json=T)"
        )
    for line in lines[:SNIFFED_RECORDS]:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(record, dict):
            return _json_format(name, record)
    raise InvalidInput(
        f"{name}: cannot tell the log format from its first lines: give --format, "
        "and --mapping for CSV or other JSON lines"
    )
