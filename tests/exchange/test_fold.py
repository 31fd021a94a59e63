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
    n: int, kind: str, party: str, at: str, *, text: str | None = None, reason: str | None = None
) -> RfiEvent:
    """An event of RFI, numbered for a stable id."""
    return RfiEvent(
        f"liaison-rfi-event--00000000-0000-4000-8000-{n:012d}", RFI.id, kind, party, at,
        text=text, reason=reason,
    )  # fmt: skip


ACK = event(1, "acknowledge", "in", "2026-03-01T11:00:00.000Z")
ANSWER = event(2, "answer", "in", "2026-03-02T10:00:00.000Z", text="a hosting provider")
CLOSE = event(3, "close", "ca", "2026-03-03T10:00:00.000Z")
DECLINE = event(4, "decline", "in", "2026-03-01T12:00:00.000Z", reason="outside the MoU")


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
        ([ANSWER], State.ANSWERED),
        ([DECLINE], State.DECLINED),
        ([ACK, event(5, "decline", "in", "2026-03-01T12:00:00.000Z", reason="r")], State.DECLINED),
        ([CLOSE], State.CLOSED),
        ([ACK, CLOSE], State.CLOSED),
        ([ACK, ANSWER, CLOSE], State.CLOSED),
    ],
)
def test_each_transition(events: list[RfiEvent], state: State) -> None:
    assert fold(RFI, events, BEFORE_DUE).state is state


def test_an_answer_acknowledges() -> None:
    status = fold(RFI, [ANSWER], BEFORE_DUE)
    assert status.acknowledged_at == ANSWER.created == status.answered_at


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
        (
            [ACK, ANSWER, CLOSE, event(11, "answer", "in", "2026-03-04T00:00:00.000Z", text="t")],
            State.CLOSED,
            3,
        ),
        (
            [DECLINE, event(12, "answer", "in", "2026-03-02T00:00:00.000Z", text="t")],
            State.DECLINED,
            1,
        ),
        ([DECLINE, event(13, "close", "ca", "2026-03-02T00:00:00.000Z")], State.DECLINED, 1),
        ([ACK, event(14, "acknowledge", "in", "2026-03-01T11:30:00.000Z")], State.ACKNOWLEDGED, 1),
        (
            [ANSWER, event(15, "decline", "in", "2026-03-02T11:00:00.000Z", reason="r")],
            State.ANSWERED,
            1,
        ),
        (
            [ANSWER, event(16, "answer", "in", "2026-03-02T11:00:00.000Z", text="again")],
            State.ANSWERED,
            1,
        ),
        # dated before the RFI was sent
        ([event(17, "acknowledge", "in", "2026-02-28T00:00:00.000Z")], State.SENT, 0),
        # an unknown step
        ([event(18, "escalate", "in", "2026-03-01T11:00:00.000Z")], State.SENT, 0),
    ],
)
def test_illegal_events_are_ignored(events: list[RfiEvent], state: State, applied: int) -> None:
    status = fold(RFI, events, BEFORE_DUE)
    assert status.state is state
    assert len(status.events) == applied


def test_events_of_other_rfis_are_skipped() -> None:
    other = RfiEvent("liaison-rfi-event--00000000-0000-4000-8000-000000000099",
                     "liaison-rfi--00000000-0000-4000-8000-000000000002", "acknowledge", "in",
                     "2026-03-01T11:00:00.000Z")  # fmt: skip
    assert fold(RFI, [other], BEFORE_DUE).state is State.SENT


def test_order_of_arrival_does_not_matter() -> None:
    events = [ACK, ANSWER, CLOSE, DECLINE]
    results = {fold(RFI, list(order), BEFORE_DUE) for order in itertools.permutations(events)}
    assert len(results) == 1
    # the decline (12:00) comes after the acknowledgement (11:00) and wins over the later answer
    assert results.pop().state is State.DECLINED


def test_ties_on_created_are_broken_by_id() -> None:
    at = "2026-03-01T11:00:00.000Z"
    decline = event(21, "decline", "in", at, reason="r")
    answer = event(22, "answer", "in", at, text="t")
    assert fold(RFI, [answer, decline], BEFORE_DUE).state is State.DECLINED
    assert fold(RFI, [decline, answer], BEFORE_DUE).state is State.DECLINED


@pytest.mark.parametrize(
    ("events", "overdue"),
    [([], True), ([ACK], True), ([ANSWER], False), ([DECLINE], False), ([CLOSE], False)],
)
def test_overdue_only_while_open_after_due(events: list[RfiEvent], overdue: bool) -> None:
    assert fold(RFI, events, AFTER_DUE).overdue is overdue
    assert fold(RFI, events, BEFORE_DUE).overdue is False


def test_refusal_names_the_reason() -> None:
    closed = fold(RFI, [ACK, ANSWER, CLOSE], BEFORE_DUE)
    late = event(30, "answer", "in", "2026-03-04T00:00:00.000Z", text="t")
    assert refusal(closed, late) == f"RFI {RFI.id} is closed: it cannot be answered"
    sent = RfiStatus(RFI, State.SENT, BEFORE_DUE)
    wrong = event(31, "acknowledge", "ca", "2026-03-01T11:00:00.000Z")
    assert "only the addressee party 'in'" in str(refusal(sent, wrong))
