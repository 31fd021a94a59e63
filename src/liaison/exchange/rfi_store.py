"""Reading requests for information from the store, as one viewer may see them.

RFIs and their events live in the node's `exchange` collection (`liaison.exchange.collection`),
whether written here or received from the peer. Every read goes through the visibility policy
(`liaison.access.visibility`): a node, or an officer of its party, sees the RFIs its party asked
or was asked. An object whose stated party is not the party that originated it (a node speaking
for another) is ignored, so a forged step never counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer, collection_access, labels_of
from liaison.errors import InvalidInput, NotFound
from liaison.exchange.collection import EXCHANGE_COLLECTION
from liaison.exchange.rfi_fold import fold
from liaison.exchange.rfi_model import Rfi, RfiEvent, RfiStatus, event_from_object, rfi_from_object
from liaison.stix.checks import identifier_problem
from liaison.stix.extensions import RFI_EVENT_TYPE, RFI_TYPE
from liaison.store.models import Collection, StixObject


@dataclass(frozen=True, slots=True)
class Exchange:
    """The RFIs and events a viewer may see, events grouped by the RFI they belong to."""

    rfis: dict[str, Rfi]
    events: dict[str, list[RfiEvent]]

    def status(self, rfi_id: str, as_of: int) -> RfiStatus:
        """The folded status of one RFI, or NotFound."""
        rfi = self.rfis.get(rfi_id)
        if rfi is None:
            raise NotFound(f"no RFI '{rfi_id}'")
        return fold(rfi, self.events.get(rfi_id, ()), as_of)

    def statuses(self, as_of: int) -> list[RfiStatus]:
        """Every RFI's folded status, oldest first."""
        ordered = sorted(self.rfis.values(), key=lambda rfi: (rfi.created_micros, rfi.id))
        return [fold(rfi, self.events.get(rfi.id, ()), as_of) for rfi in ordered]


def _exchange_rows(session: Session, viewer: Viewer) -> list[StixObject]:
    collection = session.scalar(select(Collection).where(Collection.name == EXCHANGE_COLLECTION))
    if collection is None:
        return []
    clause = collection_access(session, viewer, collection).clause(viewer)
    return list(
        session.scalars(
            select(StixObject).where(
                StixObject.collection_id == collection.id,
                StixObject.type.in_((RFI_TYPE, RFI_EVENT_TYPE)),
                clause,
            )
        )
    )


def load_exchange(session: Session, viewer: Viewer) -> Exchange:
    """Every RFI and event `viewer` may see in the exchange collection."""
    rfis: dict[str, Rfi] = {}
    events: dict[str, list[RfiEvent]] = defaultdict(list)
    seen_events: set[str] = set()
    for row in _exchange_rows(session, viewer):
        if row.type == RFI_TYPE:
            rfi = rfi_from_object(row.body)
            if rfi.requester == row.origin_party:
                rfis[rfi.id] = rfi
        else:
            event = event_from_object(row.body)
            if event.party == row.origin_party and event.id not in seen_events:
                seen_events.add(event.id)
                events[event.rfi_id].append(event)
    return Exchange(rfis, dict(events))


def check_references(session: Session, actor: Viewer, counterpart: str, refs: list[str]) -> None:
    """Each id in `refs` names an object `actor` may see and `counterpart` may see too.

    The counterpart may see an object it originated itself, or one in a collection it may read
    that the visibility policy shows it (read as a principal of that party with no name, so a
    TLP:RED object never qualifies). Raises NotFound or InvalidInput naming the first bad id.
    """
    for ref in refs:
        problem = identifier_problem(ref)
        if problem:
            raise InvalidInput(f"reference {problem}")
        rows = session.scalars(select(StixObject).where(StixObject.id == ref)).all()
        visible = [row for row in rows if _may_see(session, actor, row)]
        if not visible:
            raise NotFound(f"no object '{ref}' to refer to")
        other = Viewer("", counterpart)
        if not any(
            row.origin_party == counterpart or _may_see(session, other, row) for row in visible
        ):
            raise InvalidInput(
                f"object '{ref}' is not shared with party '{counterpart}': refer only to "
                "objects it may see"
            )


def _may_see(session: Session, viewer: Viewer, row: StixObject) -> bool:
    collection = session.get(Collection, row.collection_id)
    if collection is None:
        return False
    return collection_access(session, viewer, collection).labels_visible(viewer, labels_of(row))
