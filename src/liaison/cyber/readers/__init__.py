"""Log readers: Suricata eve.json, Zeek JSON logs and mapped JSON lines / CSV as `LogEvent`s.

Streaming and constant memory (about a megabyte of lines at a time), gzip told by its magic
bytes, the 1-based line of each event kept in its source. See docs/cyber.md for the mappings.
"""

from liaison.cyber.readers.detect import FORMATS
from liaison.cyber.readers.loops import BadLine, ReadStats
from liaison.cyber.readers.mapping import LogMapping, load_mapping
from liaison.cyber.readers.reader import LogReader, check_format

__all__ = [
    "FORMATS",
    "BadLine",
    "LogMapping",
    "LogReader",
    "ReadStats",
    "check_format",
    "load_mapping",
]
