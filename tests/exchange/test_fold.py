"""The RFI fold: every transition, illegal events ignored, order independence, overdue."""

from __future__ import annotations

import itertools

import pytest

from liaison.exchange.rfi_fold import fold, refusal
from liaison.exchange.rfi_model import Rfi, RfiEvent, RfiStatus, State
from liaison.stix.timestamps import parse_timestamp_micros

SENT = "2026-03-01T10:00:00.000Z"
DUE = "2026-03-08T23:59:59.999Z"
BEFORE_DUE = parse_timestamp_micros("2026-03-05T00:00:00.000Z")
AFTER_DUE = parse_timestamp_micros("2026-03-09T00:00:00.000Z")
RFI = Rfi(
    id="liaison-rfi--00000000-0000-4000-8000-000000000001", created=SENT, requester="ca",
    addressee="in", pillar="cyber", priority="urgent", due=DUE, question="who runs 198.51.100.7?",
)  # fmt: skip


def event(
    n: int,
    kind: str,
    party: str,
    at: str,
    *,
    after: RfiEvent | None = None,
    text: str | None = None,
    reason: str | None = None,
) -> RfiEvent:
    """An event of RFI, numbered for a stable id, following `after` (default: the RFI itself)."""
    return RfiEvent(
        f"liaison-rfi-event--00000000-0000-4000-8000-{n:012d}", RFI.id, kind, party, at,
        after.id if after else RFI.id, text=text, reason=reason,
    )  # fmt: skip


ACK = event(1, "acknowledge", "in", "2026-03-01T11:00:00.000Z")
ANSWER = event(2, "answer", "in", "2026-03-02T10:00:00.000Z", after=ACK, text="a hosting provider")
CLOSE = event(3, "close", "ca", "2026-03-03T10:00:00.000Z", after=ANSWER)
DECLINE = event(4, "decline", "in", "2026-03-01T12:00:00.000Z", reason="outside the MoU")
ANSWER_FIRST = event(5, "answer", "in", "2026-03-02T10:00:00.000Z", text="without ack")


def test_sent_is_the_start() -> None:
    status = fold(RFI, [], BEFORE_DUE)
    assert status.state is State.SENT
    assert (status.acknowledged_at, status.answered_at, status.closed_at) == (None, None, None)


def test_full_round_trip() -> None:
    status = fold(RFI, [ACK, ANSWER, CLOSE], BEFORE_DUE)
    assert status.state is State.CLOSED
    assert status.acknowledged_at == ACK.created
    assert status.answered_at == ANSWER.created
    assert status.closed_at == CLOSE.created
    assert status.answer == ANSWER
    assert [e.id for e in status.events] == [ACK.id, ANSWER.id, CLOSE.id]


@pytest.mark.parametrize(
    ("events", "state"),
    [
        ([ACK], State.ACKNOWLEDGED),
        ([ACK, ANSWER], State.ANSWERED),
        ([ANSWER_FIRST], State.ANSWERED),
        ([DECLINE], State.DECLINED),
        ([ACK, event(6, "decline", "in", "2026-03-01T12:00:00.000Z", after=ACK, reason="r")],
         State.DECLINED),
        ([event(7, "close", "ca", "2026-03-03T10:00:00.000Z")], State.CLOSED),
        ([ACK, event(8, "close", "ca", "2026-03-03T10:00:00.000Z", after=ACK)], State.CLOSED),
        ([ACK, ANSWER, CLOSE], State.CLOSED),
    ],
)  # fmt: skip
def test_each_transition(events: list[RfiEvent], state: State) -> None:
    assert fold(RFI, events, BEFORE_DUE).state is state


def test_an_answer_acknowledges() -> None:
    status = fold(RFI, [ANSWER_FIRST], BEFORE_DUE)
    assert status.acknowledged_at == ANSWER_FIRST.created == status.answered_at


def test_decline_keeps_its_reason() -> None:
    status = fold(RFI, [DECLINE], BEFORE_DUE)
    assert (status.declined_at, status.decline_reason) == (DECLINE.created, "outside the MoU")


@pytest.mark.parametrize(
    ("events", "state", "applied"),
    [
        # acknowledge, answer and decline belong to the addressee
        ([event(6, "acknowledge", "ca", "2026-03-01T11:00:00.000Z")], State.SENT, 0),
        ([event(7, "answer", "ca", "2026-03-01T11:00:00.000Z", text="t")], State.SENT, 0),
        ([event(8, "decline", "ca", "2026-03-01T11:00:00.000Z", reason="r")], State.SENT, 0),
        # close belongs to the requester
        ([event(9, "close", "in", "2026-03-01T11:00:00.000Z")], State.SENT, 0),
        # a third party takes no step
        ([event(10, "acknowledge", "us", "2026-03-01T11:00:00.000Z")], State.SENT, 0),
        # nothing after closed or declined; no second acknowledgement; no answer after answer
        ([ACK, ANSWER, CLOSE,
          event(11, "answer", "in", "2026-03-04T00:00:00.000Z", after=CLOSE, text="t")],
         State.CLOSED, 3),
        ([DECLINE, event(12, "answer", "in", "2026-03-02T00:00:00.000Z", after=DECLINE, text="t")],
         State.DECLINED, 1),
        ([DECLINE, event(13, "close", "ca", "2026-03-02T00:00:00.000Z", after=DECLINE)],
         State.DECLINED, 1),
        ([ACK, event(14, "acknowledge", "in", "2026-03-01T11:30:00.000Z", after=ACK)],
         State.ACKNOWLEDGED, 1),
        ([ANSWER_FIRST,
          event(15, "decline", "in", "2026-03-02T11:00:00.000Z", after=ANSWER_FIRST, reason="r")],
         State.ANSWERED, 1),
        ([ANSWER_FIRST,
          event(16, "answer", "in", "2026-03-02T11:00:00.000Z", after=ANSWER_FIRST, text="again")],
         State.ANSWERED, 1),
        # dated before the RFI was sent, or before the step it follows
        ([event(17, "acknowledge", "in", "2026-02-28T00:00:00.000Z")], State.SENT, 0),
        ([ACK, event(19, "answer", "in", "2026-03-01T10:30:00.000Z", after=ACK, text="t")],
         State.ACKNOWLEDGED, 1),
        # an unknown step
        ([event(18, "escalate", "in", "2026-03-01T11:00:00.000Z")], State.SENT, 0),
        # following no step the fold reached: an unknown event, or one its sibling beat
        ([ACK, event(20, "answer", "in", "2026-03-02T00:00:00.000Z", after=DECLINE, text="t")],
         State.ACKNOWLEDGED, 1),
    ],
)  # fmt: skip
def test_illegal_events_are_ignored(events: list[RfiEvent], state: State, applied: int) -> None:
    status = fold(RFI, events, BEFORE_DUE)
    assert status.state is state
    assert len(status.events) == applied


def test_events_of_other_rfis_are_skipped() -> None:
    other = RfiEvent("liaison-rfi-event--00000000-0000-4000-8000-000000000099",
                     "liaison-rfi--00000000-0000-4000-8000-000000000002", "acknowledge", "in",
                     "2026-03-01T11:00:00.000Z", RFI.id)  # fmt: skip
    assert fold(RFI, [other], BEFORE_DUE).state is State.SENT


def test_order_of_arrival_does_not_matter() -> None:
    events = [ACK, ANSWER, CLOSE, DECLINE]
    results = {fold(RFI, list(order), BEFORE_DUE) for order in itertools.permutations(events)}
    assert len(results) == 1
    # the decline (12:00) names the RFI, as the acknowledgement (11:00) does: the earlier wins,
    # and the answer and close that follow it are applied
    assert results.pop().state is State.CLOSED


def test_a_backdated_event_does_not_overturn_the_steps_it_follows() -> None:
    """A decline written after the answer names it, and is refused however early it is dated."""
    backdated = event(40, "decline", "in", "2026-03-01T11:30:00.000Z", after=ANSWER, reason="r")
    status = fold(RFI, [ACK, ANSWER, backdated], BEFORE_DUE)
    assert status.state is State.ANSWERED
    assert [e.id for e in status.events] == [ACK.id, ANSWER.id]


def test_competing_events_the_earliest_wins_and_what_follows_the_loser_is_ignored() -> None:
    close = event(41, "close", "ca", "2026-03-02T09:00:00.000Z", after=ACK)
    after_answer = event(42, "close", "ca", "2026-03-03T09:00:00.000Z", after=ANSWER)
    for events in itertools.permutations([ACK, ANSWER, close, after_answer]):
        status = fold(RFI, events, BEFORE_DUE)
        assert [e.id for e in status.events] == [ACK.id, close.id]
        assert (status.state, status.answer) == (State.CLOSED, None)


def test_ties_on_created_are_broken_by_id() -> None:
    at = "2026-03-01T11:00:00.000Z"
    decline = event(21, "decline", "in", at, reason="r")
    answer = event(22, "answer", "in", at, text="t")
    assert fold(RFI, [answer, decline], BEFORE_DUE).state is State.DECLINED
    assert fold(RFI, [decline, answer], BEFORE_DUE).state is State.DECLINED


def test_a_refused_sibling_does_not_block_a_valid_one() -> None:
    wrong_party = event(23, "acknowledge", "ca", "2026-03-01T10:30:00.000Z")
    assert fold(RFI, [wrong_party, ACK], BEFORE_DUE).events == (ACK,)


@pytest.mark.parametrize(
    ("events", "overdue"),
    [
        ([], True),
        ([ACK], True),
        ([ANSWER_FIRST], False),
        ([DECLINE], False),
        ([ACK, ANSWER, CLOSE], False),
    ],
)
def test_overdue_only_while_open_after_due(events: list[RfiEvent], overdue: bool) -> None:
    assert fold(RFI, events, AFTER_DUE).overdue is overdue
    assert fold(RFI, events, BEFORE_DUE).overdue is False


def test_refusal_names_the_reason() -> None:
    closed = fold(RFI, [ACK, ANSWER, CLOSE], BEFORE_DUE)
    late = event(30, "answer", "in", "2026-03-04T00:00:00.000Z", after=CLOSE, text="t")
    assert refusal(closed, late) == f"RFI {RFI.id} is closed: it cannot be answered"
    sent = RfiStatus(RFI, State.SENT, BEFORE_DUE)
    wrong = event(31, "acknowledge", "ca", "2026-03-01T11:00:00.000Z")
    assert "only the addressee party 'in'" in str(refusal(sent, wrong))
    acknowledged = fold(RFI, [ACK], BEFORE_DUE)
    stale = event(32, "answer", "in", "2026-03-02T00:00:00.000Z", text="t")
    assert refusal(acknowledged, stale) == (
        f"event {stale.id} follows {RFI.id}, not the RFI's latest step {ACK.id}"
    )
    early = event(33, "answer", "in", "2026-03-01T10:59:00.000Z", after=ACK, text="t")
    assert refusal(acknowledged, early) == f"event {early.id} is dated before the step it follows"
