"""STIX 2.1 timestamps: strict RFC 3339 UTC parsing, exact ordering keys, and output formats.

Stored version keys keep full precision: `version_key()` turns any valid STIX timestamp into a
fixed-width string (nanoseconds) so that equal instants compare equal ("…00Z" == "…00.000Z") and
lexical order is time order. `date_added` values are integer microseconds since the epoch.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)"
    r"(?:\.(\d+))?Z$"
)
MILLIS_RE = re.compile(r"T\d{2}:\d{2}:\d{2}\.\d{3,}Z$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def timestamp_problem(value: object, *, millis: bool = False) -> str | None:
    """Why `value` is not a valid STIX timestamp (None when it is).

    `millis` demands at least millisecond precision, as STIX 2.1 requires of created/modified.
    """
    if not isinstance(value, str):
        return "must be a timestamp string"
    match = TIMESTAMP_RE.match(value)
    if match is None:
        return f"'{value}' is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)"
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return f"'{value}' is not a calendar date"
    if millis and MILLIS_RE.search(value) is None:
        return f"'{value}' must be precise to at least the millisecond"
    return None


def version_key(value: str) -> str:
    """Fixed-width, nanosecond key of a valid timestamp: equal instants give equal keys."""
    match = TIMESTAMP_RE.match(value)
    if match is None:
        raise ValueError(f"not a STIX timestamp: {value!r}")
    fraction = (match[7] or "")[:9].ljust(9, "0")
    return f"{match[1]}-{match[2]}-{match[3]}T{match[4]}:{match[5]}:{match[6]}.{fraction}Z"


def key_to_micros(key: str) -> int:
    """Microseconds since the epoch of a version key (sub-microsecond digits dropped)."""
    moment = datetime(
        int(key[0:4]),
        int(key[5:7]),
        int(key[8:10]),
        int(key[11:13]),
        int(key[14:16]),
        min(int(key[17:19]), 59),
        tzinfo=UTC,
    )
    return (moment - _EPOCH) // _MICRO + int(key[20:26])


def parse_timestamp_micros(value: str) -> int:
    """Microseconds since the epoch of a STIX/TAXII timestamp string (floor)."""
    problem = timestamp_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return key_to_micros(version_key(value))


def micros_to_datetime(micros: int) -> datetime:
    """The UTC datetime of a time in microseconds since the epoch (exact, unlike floats)."""
    return _EPOCH + timedelta(microseconds=micros)


def micros_to_timestamp(micros: int) -> str:
    """RFC 3339 UTC with microsecond precision, as TAXII `date_added` values are rendered."""
    seconds, fraction = divmod(micros, 1_000_000)
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction:06d}Z"


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with millisecond precision, the form liaison writes in STIX output."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def now_micros() -> int:
    """The current time in microseconds since the epoch."""
    return (datetime.now(UTC) - _EPOCH) // _MICRO


def now_timestamp() -> str:
    """The current time as a STIX timestamp with millisecond precision."""
    return format_timestamp(datetime.now(UTC))
