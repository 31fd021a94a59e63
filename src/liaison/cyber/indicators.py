"""Which indicators go into a matcher, and the problems with those that cannot.

An indicator is matched when it is a STIX-pattern indicator (`pattern_type` `stix`), not revoked,
and not past its `valid_until`. From the store, the latest version of each id in the named
collections is taken (an id in several collections counts once, from its newest version). A
pattern that does not parse, or that the matcher cannot run (a regular expression Python
rejects), becomes a `Problem` naming the indicator and, for syntax errors, the position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer, collection_access
from liaison.cyber.compiler import Compiler
from liaison.cyber.matcher import Matcher
from liaison.stix.patterns import PatternSyntaxError, parse_pattern
from liaison.stix.timestamps import parse_timestamp_micros
from liaison.store.collections import find_collection
from liaison.store.models import StixObject
from liaison.store.query import ObjectFilter, read_page

_PAGE = 5_000


@dataclass(frozen=True, slots=True)
class Problem:
    """An indicator left out of the matcher: why, and where in its pattern (when known)."""

    indicator_id: str
    message: str
    position: int | None = None

    def __str__(self) -> str:
        where = f" at position {self.position}" if self.position is not None else ""
        return f"{self.indicator_id}: pattern{where}: {self.message}"


def is_current(indicator: Mapping[str, Any], now: int) -> bool:
    """Whether an indicator object is a STIX-pattern indicator in force at `now` (µs, UTC)."""
    if indicator.get("type") != "indicator" or indicator.get("pattern_type") != "stix":
        return False
    if indicator.get("revoked") is True:
        return False
    valid_until = indicator.get("valid_until")
    if isinstance(valid_until, str):
        try:
            return parse_timestamp_micros(valid_until) > now
        except ValueError:
            return True
    return True


def compile_indicators(
    indicators: Iterable[Mapping[str, Any]], now: int
) -> tuple[Matcher, list[Problem]]:
    """A matcher for the indicators in force at `now` (µs since the epoch, UTC), and the
    problems with those left out for an unusable pattern."""
    compiler = Compiler()
    problems: list[Problem] = []
    for indicator in indicators:
        if not is_current(indicator, now):
            continue
        ident = str(indicator.get("id", ""))
        text = indicator.get("pattern")
        if not isinstance(text, str):
            problems.append(Problem(ident, "the pattern is missing"))
            continue
        try:
            compiler.add(ident, text, parse_pattern(text))
        except PatternSyntaxError as error:
            problems.append(Problem(ident, error.message, error.position))
        except re.error as error:
            problems.append(Problem(ident, f"regular expression: {error}"))
        except ValueError as error:
            problems.append(Problem(ident, str(error)))
    return Matcher(compiler.finish()), problems


def latest_indicators(
    session: Session, collections: Sequence[str], *, viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    """The latest stored version of each indicator in `collections` (names or ids).

    With a `viewer`, only what the visibility policy lets that viewer see in each collection;
    without one, the node's own view of its store (what `liaison export` reads).
    """
    newest: dict[str, tuple[str, dict[str, Any]]] = {}
    wanted = ObjectFilter(types=("indicator",), versions=("last",))
    for name in collections:
        collection = find_collection(session, name)
        where = None
        if viewer is not None:
            where = collection_access(session, viewer, collection).clause(viewer)
        after: int | None = None
        while True:
            page = read_page(session, collection.id, wanted, limit=_PAGE, after=after, where=where)
            for row in page.objects:
                _keep_newest(newest, row)
            if not page.more:
                break
            after = page.last_date_added
    return [body for _, body in newest.values()]


def _keep_newest(newest: dict[str, tuple[str, dict[str, Any]]], row: StixObject) -> None:
    """Remember `row` if it is the newest version of its id seen so far (revoked rows
    included: a newer revoked version must hide an older live one)."""
    known = newest.get(row.id)
    if known is None or row.modified > known[0]:
        body = dict(row.body)
        if row.revoked or row.withdrawn:
            body["revoked"] = True
        newest[row.id] = (row.modified, body)


def load_indicators(
    session: Session, collections: Sequence[str], now: int, *, viewer: Viewer | None = None
) -> tuple[Matcher, list[Problem]]:
    """A matcher for the indicators of `collections` in force at `now` (µs, UTC), and the
    problems with those left out (see `latest_indicators` for `viewer`)."""
    return compile_indicators(latest_indicators(session, collections, viewer=viewer), now)
