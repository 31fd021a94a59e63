"""Reading requests for information from the store, as one viewer may see them.

RFIs and their events live in the node's `exchange` collection (`liaison.exchange.collection`),
whether written here or received from the peer. Every read goes through the visibility policy
(`liaison.access.visibility`): a node, or an officer of its party, sees the RFIs its party asked
or was asked. An object whose stated party is not the party that originated it (a node speaking
for another) is ignored, so a forged step never counts.

RFIs and events are immutable: a change is a new event. Should a second version of one be stored
all the same, only its first version (earliest `modified`) counts, whatever order the rows come
in, so every node folds the same objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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


def _speaks_for_itself(row: StixObject) -> bool:
    """The party the object states (requester, or the event's party) is its originator's."""
    stated = row.body.get("requester" if row.type == RFI_TYPE else "party")
    return bool(stated == row.origin_party)


def exchange_of(rows: Iterable[StixObject]) -> Exchange:
    """The RFIs and events of `rows`: each id once, as its first version that is not forged.

    Rows are taken by (id, `modified`), so neither their order nor a later version of an RFI or
    an event changes the result.
    """
    rfis: dict[str, Rfi] = {}
    events: dict[str, list[RfiEvent]] = defaultdict(list)
    seen: set[str] = set()
    for row in sorted(rows, key=lambda row: (row.id, row.modified)):
        if row.id in seen or not _speaks_for_itself(row):
            continue
        seen.add(row.id)
        if row.type == RFI_TYPE:
            rfis[row.id] = rfi_from_object(row.body)
        else:
            event = event_from_object(row.body)
            events[event.rfi_id].append(event)
    return Exchange(rfis, dict(events))


def load_exchange(session: Session, viewer: Viewer) -> Exchange:
    """Every RFI and event `viewer` may see in the exchange collection."""
    return exchange_of(_exchange_rows(session, viewer))


def counterpart_viewer(party: str, *, require_evaluation: bool) -> Viewer:
    """How the counterpart party sees this node's objects: as its peer node does, so an object
    held back from peers (`release.require_evaluation`) is not shared with it. No name, so a
    TLP:RED object never qualifies."""
    return Viewer("", party, peer=True, require_evaluation=require_evaluation)


def check_references(
    session: Session,
    actor: Viewer,
    counterpart: str,
    refs: list[str],
    *,
    require_evaluation: bool,
) -> None:
    """Each id in `refs` names an object `actor` may see and `counterpart` may see too.

    The counterpart may see an object it originated itself, or one in a collection it may read
    that the visibility policy shows its peer node (`counterpart_viewer`, with the node's
    `release.require_evaluation`). Raises NotFound or InvalidInput naming the first bad id.
    """
    for ref in refs:
        problem = identifier_problem(ref)
        if problem:
            raise InvalidInput(f"reference {problem}")
        rows = session.scalars(select(StixObject).where(StixObject.id == ref)).all()
        visible = [row for row in rows if _may_see(session, actor, row)]
        if not visible:
            raise NotFound(f"no object '{ref}' to refer to")
        other = counterpart_viewer(counterpart, require_evaluation=require_evaluation)
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
