"""Exchange figures: objects each way per pillar and month, RFIs by state, response times."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from liaison.access.parties import add_party
from liaison.access.visibility import Viewer
from liaison.exchange.collection import exchange_collection
from liaison.exchange.rfi_fold import fold
from liaison.exchange.rfi_model import Rfi, RfiEvent
from liaison.exchange.rfi_objects import rfi_object
from liaison.exchange.stats import (
    exchange_figures,
    month_of,
    month_starts,
    percentile,
    rfi_timings,
)
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.timestamps import parse_timestamp_micros
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.objects import Origin, add_objects
from tests.exchange.conftest import shared_indicator

NOW = parse_timestamp_micros("2026-06-15T00:00:00.000Z")


def test_month_of() -> None:
    assert month_of(parse_timestamp_micros("2026-01-31T23:59:59.999Z")) == "2026-01"
    assert month_of(parse_timestamp_micros("2026-02-01T00:00:00.000Z")) == "2026-02"


def test_month_starts_cross_the_year_and_agree_with_month_of() -> None:
    first = parse_timestamp_micros("2025-11-30T12:00:00.000Z")
    last = parse_timestamp_micros("2026-02-01T00:00:00.000Z")
    starts = month_starts(first, last)
    assert [label for _, label in starts] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    for start, label in starts:
        assert month_of(start) == label
        assert month_of(start - 1) != label
    assert starts[-1][0] == last


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [([5.0], 5.0, 5.0), ([1.0, 3.0], 2.0, 3.0), ([float(n) for n in range(1, 11)], 5.5, 9.0),
     ([float(n) for n in range(1, 12)], 6.0, 10.0)],
)  # fmt: skip
def test_median_and_p90(values: list[float], median: float, p90: float) -> None:
    [row] = rfi_timings(
        fold(_rfi(n), [_answer(n, seconds)], NOW) for n, seconds in enumerate(values)
    )
    assert row["answer"] == {"count": len(values), "median_seconds": median, "p90_seconds": p90}
    assert percentile(values, 0.9) == p90


def _rfi(n: int, pillar: str = "cyber") -> Rfi:
    return Rfi(f"liaison-rfi--00000000-0000-4000-8000-{n:012d}", "2026-06-01T00:00:00.000Z",
               "ca", "in", pillar, "routine", "2026-07-01T00:00:00.000Z", "q")  # fmt: skip


def _answer(n: int, seconds: float) -> RfiEvent:
    at = datetime.fromtimestamp(
        parse_timestamp_micros("2026-06-01T00:00:00.000Z") / 1e6 + seconds, UTC
    )
    return RfiEvent(f"liaison-rfi-event--00000000-0000-4000-8000-{n:012d}", _rfi(n).id, "answer",
                    "in", f"{at:%Y-%m-%dT%H:%M:%S}.000Z", _rfi(n).id, text="t")  # fmt: skip


def test_timings_per_pillar_and_acknowledgement() -> None:
    ack = RfiEvent("liaison-rfi-event--00000000-0000-4000-8000-000000000100", _rfi(1).id,
                   "acknowledge", "in", "2026-06-01T00:01:00.000Z", _rfi(1).id)  # fmt: skip
    answer = replace(_answer(1, 3600), previous_id=ack.id)
    statuses = [
        fold(_rfi(1), [ack, answer], NOW),
        fold(_rfi(2, "drugs"), [], NOW),
    ]
    assert rfi_timings(statuses) == [
        {"pillar": "cyber", "acknowledge": {"count": 1, "median_seconds": 60.0, "p90_seconds": 60.0},
         "answer": {"count": 1, "median_seconds": 3600.0, "p90_seconds": 3600.0}},
        {"pillar": "drugs", "acknowledge": {"count": 0, "median_seconds": None, "p90_seconds": None},
         "answer": {"count": 0, "median_seconds": None, "p90_seconds": None}},
    ]  # fmt: skip


STORED_AT = parse_timestamp_micros("2026-06-10T12:00:00.000Z")


@pytest.fixture
def stored_in_june(monkeypatch: pytest.MonkeyPatch) -> str:
    """Objects stored from now on get a `date_added` of 10 June 2026; returns that month."""
    monkeypatch.setattr("liaison.store.clock.now_micros", lambda: STORED_AT)
    return "2026-06"


def test_objects_each_way(db: Database, stored_in_june: str) -> None:
    with db.session(write=True) as session:
        for party in ("ca", "in", "us"):
            add_party(session, party)
        cyber = create_collection(session, "cyber", owner_party="ca", pillar="cyber")
        set_grant(session, cyber, "in", read=True, write=False)
        loose = create_collection(session, "loose", owner_party="ca")  # no pillar: "other"
        set_grant(session, loose, "in", read=True, write=False)
        private = create_collection(session, "private", owner_party="ca", pillar="drugs")
        ours = Origin("ottawa", "ca")
        add_objects(
            session,
            cyber,
            [shared_indicator(1, ["ca", "in"]), shared_indicator(2, ["ca"])],
            origin=ours,
        )
        add_objects(session, loose, [shared_indicator(3, ["ca", "in"])], origin=ours)
        add_objects(session, private, [shared_indicator(4, ["ca", "in"])], origin=ours)  # no grant
        theirs = Origin("new-delhi", "in", received_from="new-delhi")
        received = create_collection(session, "drugs", owner_party="ca", pillar="drugs")
        add_objects(
            session,
            received,
            [shared_indicator(5, ["ca", "in"]), shared_indicator(6, ["ca", "in"])],
            origin=theirs,
        )
        exchange = exchange_collection(session, "ca", "in")  # workflow objects are not counted
        rfi = rfi_object(requester="in", addressee="ca", pillar="drugs", priority="urgent",
                         due="2026-06-10T00:00:00.000Z", question="q", created="2026-06-01T00:00:00.000Z")  # fmt: skip
        add_objects(session, exchange, [rfi], origin=theirs)
    month = stored_in_june
    with db.session() as session:
        figures = exchange_figures(
            session, "ca", Viewer("local", "ca"), require_evaluation=False, now=NOW
        )
    assert figures["objects"] == [
        {"direction": "sent", "party": "in", "pillar": "cyber", "month": month, "objects": 1},
        {"direction": "sent", "party": "in", "pillar": "other", "month": month, "objects": 1},
        {"direction": "received", "party": "in", "pillar": "drugs", "month": month, "objects": 2},
    ]
    assert figures["rfis"] == {
        "by_state": {"sent": 1, "acknowledged": 0, "answered": 0, "closed": 0, "declined": 0},
        "overdue": 1, "total": 1,
    }  # fmt: skip


def test_what_is_held_back_from_peers_is_not_sent(db: Database, stored_in_june: str) -> None:
    with db.session(write=True) as session:
        add_party(session, "ca")
        add_party(session, "in")
        cyber = create_collection(session, "cyber", owner_party="ca", pillar="cyber")
        set_grant(session, cyber, "in", read=True, write=False)
        evaluation = {"source_reliability": "B", "information_credibility": 2}
        graded = shared_indicator(1, ["ca", "in"])
        graded["extensions"][HANDLING_EXTENSION_ID] |= {
            "evaluation": evaluation, "caveats": ["Lead only."],
        }  # fmt: skip
        ungraded = shared_indicator(2, ["ca", "in"])
        add_objects(session, cyber, [graded, ungraded], origin=Origin("ottawa", "ca"))
    sent = {}
    with db.session() as session:
        for gated in (False, True):
            figures = exchange_figures(
                session, "ca", Viewer("local", "ca"), require_evaluation=gated, now=NOW
            )
            sent[gated] = [row["objects"] for row in figures["objects"]]
    assert sent == {False: [2], True: [1]}


def test_an_object_counts_once_per_month_whatever_its_versions_and_copies(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two versions of one indicator, and one indicator stored in two collections of the same
    pillar, count once each in the month; a version stored in the next month counts there."""
    june, july = STORED_AT, parse_timestamp_micros("2026-07-02T08:00:00.000Z")
    stamps = iter([june, june + 1, june + 2, june + 3, july])
    monkeypatch.setattr("liaison.store.clock.now_micros", lambda: next(stamps))
    first = shared_indicator(1, ["ca", "in"])
    second = {**first, "modified": "2026-06-20T00:00:00.000Z"}
    third = {**first, "modified": "2026-07-01T00:00:00.000Z"}
    copied = shared_indicator(2, ["ca", "in"])
    with db.session(write=True) as session:
        for party in ("ca", "in"):
            add_party(session, party)
        cyber = create_collection(session, "cyber", owner_party="ca", pillar="cyber")
        more = create_collection(session, "more-cyber", owner_party="ca", pillar="cyber")
        for collection in (cyber, more):
            set_grant(session, collection, "in", read=True, write=False)
        ours = Origin("ottawa", "ca")
        add_objects(session, cyber, [first], origin=ours)  # June
        add_objects(session, cyber, [second], origin=ours)  # June, a second version
        add_objects(session, cyber, [copied], origin=ours)  # June
        add_objects(session, more, [copied], origin=ours)  # June, the same object elsewhere
        add_objects(session, cyber, [third], origin=ours)  # July
    with db.session() as session:
        figures = exchange_figures(
            session, "ca", Viewer("local", "ca"), require_evaluation=False, now=NOW
        )
    assert figures["objects"] == [
        {"direction": "sent", "party": "in", "pillar": "cyber", "month": "2026-06", "objects": 2},
        {"direction": "sent", "party": "in", "pillar": "cyber", "month": "2026-07", "objects": 1},
    ]
