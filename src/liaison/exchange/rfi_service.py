"""Requests for information: send one, take a step on one, list and show them.

A node acts for its party: the CLI as the node itself, the API as an authenticated officer of the
node's party (`Acting`). Each write checks its input, refuses a step the fold would ignore (with
the fold's own reason), stores the new object in the exchange collection (readable by the other
party, so `liaison sync` carries it across) and records an audit entry, all in the caller's
transaction. Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer
from liaison.audit.log import record
from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from liaison.exchange.collection import exchange_collection
from liaison.exchange.rfi_fold import apply, entitled_party, refusal
from liaison.exchange.rfi_model import RfiEvent, RfiStatus, event_from_object
from liaison.exchange.rfi_objects import event_object, rfi_object
from liaison.exchange.rfi_store import check_references, load_exchange
from liaison.stix.rfi import EVENT_TYPES, PILLARS, PRIORITIES
from liaison.stix.timestamps import (
    format_timestamp,
    micros_to_datetime,
    now_micros,
    parse_timestamp_micros,
)
from liaison.store.models import Party
from liaison.store.objects import Origin, add_objects

TEXT_MAX = 20_000
_MILLI = 1000


@dataclass(frozen=True, slots=True)
class Acting:
    """Who acts: this node (name, party) on behalf of `actor` (the audit log's actor), under the
    node's `release.require_evaluation` (what is held back from peers cannot be referred to)."""

    node: str
    party: str
    actor: str
    require_evaluation: bool = False

    @property
    def viewer(self) -> Viewer:
        """What the actor reads as: a principal of the node's party."""
        return Viewer(self.actor, self.party)

    @property
    def origin(self) -> Origin:
        """Provenance of what the actor writes: this node and its party."""
        return Origin(self.node, self.party)


@dataclass(frozen=True, slots=True)
class RfiRequest:
    """What a new RFI asks: to whom, about which pillar, how urgently, by when, and what."""

    to: str
    pillar: str
    priority: str
    due: str
    question: str
    purpose: str | None = None
    legal_basis: str | None = None
    refs: list[str] = field(default_factory=list)


def stamp(micros: int) -> str:
    """A STIX timestamp (millisecond precision) of microseconds since the epoch."""
    return format_timestamp(micros_to_datetime(micros))


def parse_due(text: str) -> str:
    """A due date: `YYYY-MM-DD` (the end of that day, UTC) or a STIX timestamp."""
    text = text.strip()
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        try:
            return stamp(parse_timestamp_micros(text))
        except ValueError:
            raise InvalidInput(
                f"due date '{text}' is neither YYYY-MM-DD nor an RFC 3339 UTC timestamp"
            ) from None
    return format_timestamp(datetime.combine(day.date(), time.max, tzinfo=UTC))


def _one_of(what: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidInput(f"unknown {what} '{value}': use one of {', '.join(allowed)}")
    return value


def _text(what: str, value: str | None, *, required: bool) -> str | None:
    value = value.strip() if value is not None else None
    if not value:
        if required:
            raise InvalidInput(f"{what} must not be empty")
        return None
    if len(value) > TEXT_MAX:
        raise InvalidInput(f"{what} is longer than {TEXT_MAX} characters")
    return value


def _counterpart(session: Session, acting: Acting, party: str) -> str:
    if party == acting.party:
        raise InvalidInput(f"an RFI goes to another party, not to this node's own ('{party}')")
    if session.get(Party, party) is None:
        raise NotFound(f"unknown party '{party}' (add it with `liaison party add`)")
    return party


def _store(session: Session, acting: Acting, counterpart: str, obj: dict[str, Any]) -> None:
    collection = exchange_collection(session, acting.party, counterpart, actor=acting.actor)
    add_objects(session, collection, [obj], origin=acting.origin)


def send_rfi(
    session: Session, acting: Acting, request: RfiRequest, *, now: int | None = None
) -> RfiStatus:
    """Ask `request.to` a question: store the new RFI and return its status ("sent")."""
    now = now_micros() if now is None else now
    to = _counterpart(session, acting, request.to)
    due = parse_due(request.due)
    if parse_timestamp_micros(due) <= now:
        raise InvalidInput(f"due date {due} is already past")
    refs = list(dict.fromkeys(request.refs))
    check_references(session, acting.viewer, to, refs, require_evaluation=acting.require_evaluation)
    obj = rfi_object(
        requester=acting.party, addressee=to,
        pillar=_one_of("pillar", request.pillar, PILLARS),
        priority=_one_of("priority", request.priority, PRIORITIES),
        due=due, question=str(_text("question", request.question, required=True)),
        created=stamp(now), purpose=_text("purpose", request.purpose, required=False),
        legal_basis=_text("legal basis", request.legal_basis, required=False), refs=refs,
    )  # fmt: skip
    _store(session, acting, to, obj)
    record(session, "rfi.sent", acting.actor, {
        "rfi": obj["id"], "to": to, "pillar": obj["pillar"], "priority": obj["priority"],
        "due": due, "refs": refs,
    })  # fmt: skip
    return load_exchange(session, acting.viewer).status(obj["id"], now)


def act_on_rfi(
    session: Session,
    acting: Acting,
    rfi_id: str,
    event_type: str,
    *,
    text: str | None = None,
    reason: str | None = None,
    refs: list[str] | None = None,
    now: int | None = None,
) -> RfiStatus:
    """Take one step on an RFI (acknowledge, answer, decline, close) as `acting`'s party.

    Refused with PermissionDenied when this party may not take the step, Conflict when the RFI's
    state does not allow it, InvalidInput for a missing answer text or decline reason.
    """
    now = now_micros() if now is None else now
    _one_of("step", event_type, EVENT_TYPES)
    status = load_exchange(session, acting.viewer).status(rfi_id, now)
    rfi = status.rfi
    if acting.party not in (rfi.requester, rfi.addressee):
        raise NotFound(f"no RFI '{rfi_id}'")
    counterpart = rfi.party_other_than(acting.party)
    refs = list(dict.fromkeys(refs or []))
    # It follows the head, dated strictly after it (even when this node's clock is behind), so
    # the fold applies it after the last step on every node.
    created = max(now, status.last_step_micros + _MILLI)
    obj = event_object(
        rfi_id=rfi.id, previous=status.head, event_type=event_type, party=acting.party,
        parties=(rfi.requester, rfi.addressee), created=stamp(created),
        text=_text("answer text", text, required=event_type == "answer"),
        reason=_text("decline reason", reason, required=event_type == "decline"), refs=refs,
    )  # fmt: skip
    event = event_from_object(obj)
    _refuse(status, event)
    check_references(
        session, acting.viewer, counterpart, refs, require_evaluation=acting.require_evaluation
    )
    _store(session, acting, counterpart, obj)
    record(session, f"rfi.{event_type}", acting.actor, {
        "rfi": rfi.id, "event": obj["id"], "party": acting.party, "refs": refs,
    })  # fmt: skip
    return apply(status, event)


def _refuse(status: RfiStatus, event: RfiEvent) -> None:
    why = refusal(status, event)
    if why is None:
        return
    if event.party != entitled_party(status.rfi, event.event_type):
        raise PermissionDenied(why)
    raise Conflict(why)


def list_rfis(session: Session, viewer: Viewer, *, now: int | None = None) -> list[RfiStatus]:
    """Every RFI `viewer` may see, with its state, oldest first."""
    return load_exchange(session, viewer).statuses(now_micros() if now is None else now)


def show_rfi(session: Session, viewer: Viewer, rfi_id: str, *, now: int | None = None) -> RfiStatus:
    """One RFI with its state and events, or NotFound."""
    return load_exchange(session, viewer).status(rfi_id, now_micros() if now is None else now)
