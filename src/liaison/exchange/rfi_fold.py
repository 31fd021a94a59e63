"""An RFI's state: a pure, deterministic fold over the RFI and its events.

Each event names the step it follows (`previous_ref`: the RFI itself for the first step, else the
event that was the RFI's latest step when it was taken). The fold walks that chain from the RFI:
an event is applied only when it names the current head and the rules below allow it, and it
becomes the new head. Competing events naming the same head (the two parties acting at once) are
decided by `created`, ties by id: the earliest the rules allow wins, the others are ignored. So
two nodes holding the same objects compute the same state whatever order sync delivered them in,
and an event's own date never moves it before steps it does not name:

    sent ──acknowledge──▶ acknowledged ──answer──▶ answered ──close──▶ closed
      │                        │
      ├──answer (also acknowledges) ──▶ answered
      ├──decline (with a reason) ──▶ declined ◀── decline
      └──close ──▶ closed ◀── close (the requester withdraws an open RFI)

Acknowledge, answer and decline belong to the addressee party; close to the requester party.
An event that breaks these rules (wrong party, wrong state, not following the head, dated before
the step it follows) is ignored, and `refusal` says why, so a node refuses it before writing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from liaison.exchange.rfi_model import OPEN_STATES, Rfi, RfiEvent, RfiStatus, State


@dataclass(frozen=True, slots=True)
class Step:
    """What one event type does: who may take it, from which states, into which state."""

    by_requester: bool
    from_states: frozenset[State]
    to_state: State


STEPS: dict[str, Step] = {
    "acknowledge": Step(False, frozenset({State.SENT}), State.ACKNOWLEDGED),
    "answer": Step(False, OPEN_STATES, State.ANSWERED),
    "decline": Step(False, OPEN_STATES, State.DECLINED),
    "close": Step(True, frozenset({*OPEN_STATES, State.ANSWERED}), State.CLOSED),
}
_VERB = {"acknowledge": "acknowledged", "answer": "answered", "decline": "declined",
         "close": "closed"}  # fmt: skip


def entitled_party(rfi: Rfi, event_type: str) -> str:
    """The party that may take step `event_type` on `rfi` (a known step)."""
    return rfi.requester if STEPS[event_type].by_requester else rfi.addressee


def refusal(status: RfiStatus, event: RfiEvent) -> str | None:
    """Why `event` cannot be applied to an RFI in `status` (None when it can)."""
    step = STEPS.get(event.event_type)
    if step is None:
        return f"unknown event type '{event.event_type}'"
    rfi = status.rfi
    entitled = entitled_party(rfi, event.event_type)
    if event.party != entitled:
        role = "requester" if step.by_requester else "addressee"
        return (
            f"only the {role} party '{entitled}' may have an RFI {_VERB[event.event_type]}; "
            f"'{event.party}' may not"
        )
    if status.state not in step.from_states:
        return f"RFI {rfi.id} is {status.state.value}: it cannot be {_VERB[event.event_type]}"
    if event.previous_id != status.head:
        return (
            f"event {event.id} follows {event.previous_id}, not the RFI's latest step {status.head}"
        )
    if event.created_micros < status.last_step_micros:
        return f"event {event.id} is dated before the step it follows"
    return None


def apply(status: RfiStatus, event: RfiEvent) -> RfiStatus:
    """The status after `event`, or `status` itself when the event is refused."""
    if refusal(status, event) is not None:
        return status
    step = STEPS[event.event_type]
    events = (*status.events, event)
    at = event.created
    if step.to_state is State.ACKNOWLEDGED:
        return replace(status, state=step.to_state, acknowledged_at=at, events=events)
    if step.to_state is State.ANSWERED:
        acknowledged = status.acknowledged_at or at
        return replace(
            status, state=step.to_state, acknowledged_at=acknowledged, answered_at=at,
            answer=event, events=events,
        )  # fmt: skip
    if step.to_state is State.DECLINED:
        return replace(
            status, state=step.to_state, declined_at=at, decline_reason=event.reason,
            events=events,
        )  # fmt: skip
    return replace(status, state=step.to_state, closed_at=at, events=events)


def event_order(event: RfiEvent) -> tuple[int, str]:
    """The order competing events are decided in: by `created`, ties by id."""
    return event.created_micros, event.id


def _next_step(status: RfiStatus, candidates: Sequence[RfiEvent]) -> RfiEvent | None:
    """The earliest of the events naming the head that the rules allow, if any."""
    for event in sorted(candidates, key=event_order):
        if refusal(status, event) is None:
            return event
    return None


def fold(rfi: Rfi, events: Iterable[RfiEvent], as_of: int) -> RfiStatus:
    """The state of `rfi` after following its chain of events, as of `as_of` (for `overdue`).

    Events of other RFIs are skipped; so are events off the chain and events that break the
    rules. Every step moves the state forward, so the walk takes at most three steps.
    """
    following: dict[str, list[RfiEvent]] = defaultdict(list)
    for event in events:
        if event.rfi_id == rfi.id:
            following[event.previous_id].append(event)
    status = RfiStatus(rfi, State.SENT, as_of)
    while (step := _next_step(status, following.get(status.head, ()))) is not None:
        status = apply(status, step)
    return status
