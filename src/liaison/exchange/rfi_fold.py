"""An RFI's state: a pure, deterministic fold over the RFI and its events.

Events are applied in the order of their `created` timestamp, ties broken by id, so two nodes
holding the same objects compute the same state whatever order sync delivered them in:

    sent ──acknowledge──▶ acknowledged ──answer──▶ answered ──close──▶ closed
      │                        │
      ├──answer (also acknowledges) ──▶ answered
      ├──decline (with a reason) ──▶ declined ◀── decline
      └──close ──▶ closed ◀── close (the requester withdraws an open RFI)

Acknowledge, answer and decline belong to the addressee party; close to the requester party.
An event that breaks these rules (wrong party, wrong state, dated before the RFI) is ignored,
and `refusal` says why, so a node refuses it before writing it.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    if event.created_micros < rfi.created_micros:
        return f"event {event.id} is dated before the RFI was sent"
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
    """The fold's order: by `created`, ties by id."""
    return event.created_micros, event.id


def fold(rfi: Rfi, events: Iterable[RfiEvent], as_of: int) -> RfiStatus:
    """The state of `rfi` after every event of it, as of `as_of` (microseconds, for `overdue`).

    Events of other RFIs are skipped; so are events that break the rules.
    """
    status = RfiStatus(rfi, State.SENT, as_of)
    for event in sorted((e for e in events if e.rfi_id == rfi.id), key=event_order):
        status = apply(status, event)
    return status
