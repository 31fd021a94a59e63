"""Requests for information as Python values: parsed from their STIX objects, rendered as JSON.

An `Rfi` is the request as its `liaison-rfi` object states it; an `RfiEvent` is one
`liaison-rfi-event` (acknowledge, answer, decline, close); an `RfiStatus` is what the fold
(`liaison.exchange.rfi_fold`) makes of an RFI and its events. Timestamps are kept both as the
STIX text the objects carry and as microseconds since the epoch for arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from liaison.stix.timestamps import micros_to_timestamp, parse_timestamp_micros


class State(StrEnum):
    """Where an RFI stands."""

    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    CLOSED = "closed"
    DECLINED = "declined"


OPEN_STATES = frozenset({State.SENT, State.ACKNOWLEDGED})


@dataclass(frozen=True, slots=True)
class Rfi:
    """A request for information, as its `liaison-rfi` object states it."""

    id: str
    created: str
    requester: str
    addressee: str
    pillar: str
    priority: str
    due: str
    question: str
    purpose: str | None = None
    legal_basis: str | None = None
    refs: tuple[str, ...] = ()

    @property
    def created_micros(self) -> int:
        """When it was sent, in microseconds since the epoch."""
        return parse_timestamp_micros(self.created)

    @property
    def due_micros(self) -> int:
        """When the answer is due, in microseconds since the epoch."""
        return parse_timestamp_micros(self.due)

    def party_other_than(self, party: str) -> str:
        """The RFI's other party, seen from `party`."""
        return self.addressee if party == self.requester else self.requester


@dataclass(frozen=True, slots=True)
class RfiEvent:
    """One step of an RFI's life, as its `liaison-rfi-event` object states it."""

    id: str
    rfi_id: str
    event_type: str
    party: str
    created: str
    previous_id: str  # the step it follows: the RFI's id for the first, else an event's id
    text: str | None = None
    reason: str | None = None
    refs: tuple[str, ...] = ()

    @property
    def created_micros(self) -> int:
        """When the step was taken, in microseconds since the epoch."""
        return parse_timestamp_micros(self.created)

    def as_json(self) -> dict[str, Any]:
        """The event as shown by the CLI and the API."""
        return {
            "id": self.id, "type": self.event_type, "party": self.party, "at": self.created,
            "follows": self.previous_id, "text": self.text, "reason": self.reason,
            "refs": list(self.refs),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class RfiStatus:
    """An RFI and what its events made of it, as of `as_of` (microseconds)."""

    rfi: Rfi
    state: State
    as_of: int
    acknowledged_at: str | None = None
    answered_at: str | None = None
    closed_at: str | None = None
    declined_at: str | None = None
    answer: RfiEvent | None = None
    decline_reason: str | None = None
    events: tuple[RfiEvent, ...] = field(default_factory=tuple)

    @property
    def overdue(self) -> bool:
        """Still open (neither answered, declined nor closed) and past its due date."""
        return self.state in OPEN_STATES and self.rfi.due_micros < self.as_of

    @property
    def head(self) -> str:
        """The id of the latest applied step (the RFI's own id before any): the next one names it."""
        return self.events[-1].id if self.events else self.rfi.id

    @property
    def last_step_micros(self) -> int:
        """When the RFI last changed: its latest applied event, or its sending."""
        if self.events:
            return self.events[-1].created_micros
        return self.rfi.created_micros

    def as_json(self) -> dict[str, Any]:
        """The RFI as the CLI's --json and the API show it."""
        rfi = self.rfi
        return {
            "id": rfi.id, "state": self.state.value, "overdue": self.overdue,
            "pillar": rfi.pillar, "priority": rfi.priority, "due": rfi.due,
            "from": rfi.requester, "to": rfi.addressee, "question": rfi.question,
            "purpose": rfi.purpose, "legal_basis": rfi.legal_basis, "refs": list(rfi.refs),
            "sent_at": rfi.created, "acknowledged_at": self.acknowledged_at,
            "answered_at": self.answered_at, "closed_at": self.closed_at,
            "declined_at": self.declined_at, "decline_reason": self.decline_reason,
            "answer": (
                {"text": self.answer.text, "refs": list(self.answer.refs)} if self.answer else None
            ),
            "events": [event.as_json() for event in self.events],
            "as_of": micros_to_timestamp(self.as_of),
        }  # fmt: skip


def _refs(obj: Mapping[str, Any]) -> tuple[str, ...]:
    refs = obj.get("object_refs")
    return tuple(refs) if isinstance(refs, list) else ()


def rfi_from_object(obj: Mapping[str, Any]) -> Rfi:
    """The Rfi a valid `liaison-rfi` object states."""
    return Rfi(
        id=obj["id"], created=obj["created"], requester=obj["requester"],
        addressee=obj["addressee"], pillar=obj["pillar"], priority=obj["priority"],
        due=obj["due"], question=obj["question"], purpose=obj.get("purpose"),
        legal_basis=obj.get("legal_basis"), refs=_refs(obj),
    )  # fmt: skip


def event_from_object(obj: Mapping[str, Any]) -> RfiEvent:
    """The RfiEvent a valid `liaison-rfi-event` object states."""
    return RfiEvent(
        id=obj["id"], rfi_id=obj["rfi_ref"], event_type=obj["event_type"], party=obj["party"],
        created=obj["created"], previous_id=obj["previous_ref"], text=obj.get("text"),
        reason=obj.get("reason"), refs=_refs(obj),
    )  # fmt: skip
