"""Log timestamps to integer microseconds since the epoch (UTC).

ISO 8601 / RFC 3339 goes through `datetime.fromisoformat`, which (Python 3.11+) reads every shape
logs use — `Z`, `+0000`, `+00:00`, any number of fractional digits, a space for `T` — in C, faster
than slicing the text in Python. Anything unreadable raises ValueError.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_from_iso = datetime.fromisoformat


def iso_micros(text: str) -> int:
    """Microseconds since the epoch of an ISO 8601 / RFC 3339 timestamp; no offset means UTC."""
    moment = _from_iso(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def epoch_micros(value: object, scale: int = 1) -> int:
    """Microseconds of an epoch number (or numeric string) counted in 1/`scale` seconds."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an epoch time")
    if isinstance(value, int):
        return value * (1_000_000 // scale) if scale <= 1_000_000 else value // (scale // 1_000_000)
    if isinstance(value, float):
        return round(value * 1_000_000 / scale)
    if isinstance(value, str):
        number = float(value)
        return round(number * 1_000_000 / scale)
    raise ValueError(f"'{value}' is not an epoch time")


def strptime_micros(text: str, fmt: str) -> int:
    """Microseconds of a timestamp in a `strptime` format; a naive time is read as UTC."""
    moment = datetime.strptime(text, fmt)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def stix_timestamp(text: str) -> str | None:
    """A log's `YYYY-MM-DDTHH:MM:SS[.f][Z|±hh:mm]` as a STIX timestamp (UTC, `Z`), or None."""
    try:
        micros = iso_micros(text)
    except ValueError:
        return None
    moment = datetime.fromtimestamp(micros / 1_000_000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
