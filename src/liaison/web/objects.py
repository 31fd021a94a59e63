"""What the web UI reads of stored objects, always through the one visibility policy.

Each read opens the viewer's grants (`collection_access`) and passes `Access.clause(viewer)` to
its query, exactly as the TAXII routes do, so a page lists, counts and links only what the API
would serve this principal. An object the viewer may not see does not exist (NotFound).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, and_, cast, or_, select
from sqlalchemy.orm import Session

from liaison.access.visibility import Access, Viewer, collection_access
from liaison.errors import NotFound
from liaison.stix.extensions import CORRESPONDENCE_TYPES
from liaison.store.models import Collection, StixObject

FEED_SIZE = 50
RELATED_MAX = 50
NOT_IN_FEED = (*CORRESPONDENCE_TYPES, "marking-definition", "extension-definition")
REFERRING_TYPES = (
    "relationship", "sighting", "note", "report", "opinion", "grouping", "observed-data",
    "incident",
)  # fmt: skip
_NOT_FOLLOWED = frozenset({"object_marking_refs"})


@dataclass(frozen=True, slots=True)
class Item:
    """One stored version as a page shows it: the row and the collection it was read from."""

    row: StixObject
    collection: Collection

    @property
    def tlp(self) -> str | None:
        """The TLP that applies: the object's own, else its collection's default."""
        return self.row.tlp or self.collection.default_tlp

    @property
    def body(self) -> dict[str, Any]:
        """The object's JSON."""
        return self.row.body


def readable(session: Session, viewer: Viewer, pillar: str | None = None) -> list[Access]:
    """The viewer's read grants, by collection name (only `pillar`'s collections when given)."""
    query = select(Collection).order_by(Collection.name)
    if pillar is not None:
        query = query.where(Collection.pillar == pillar)
    accesses = (collection_access(session, viewer, c) for c in session.scalars(query))
    return [access for access in accesses if access.can_read]


def pillars(session: Session, viewer: Viewer) -> list[str]:
    """The pillars of the collections the viewer may read, sorted."""
    return sorted({a.collection.pillar for a in readable(session, viewer) if a.collection.pillar})


def visible_rows(
    session: Session, viewer: Viewer, access: Access, *conditions: Any, limit: int
) -> list[StixObject]:
    """The newest rows of one collection the viewer may see that meet `conditions`."""
    query = (
        select(StixObject)
        .where(StixObject.collection_id == access.collection.id, access.clause(viewer), *conditions)
        .order_by(StixObject.date_added.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def feed(
    session: Session, viewer: Viewer, accesses: Sequence[Access], *, limit: int = FEED_SIZE
) -> list[Item]:
    """The newest visible versions across `accesses`' collections, newest first.

    One keyset read per collection (its `date_added` index, backwards), merged here.
    """
    shown = StixObject.type.not_in(NOT_IN_FEED)
    per_collection = [
        [Item(row, a.collection) for row in visible_rows(session, viewer, a, shown, limit=limit)]
        for a in accesses
    ]
    merged = heapq.merge(*per_collection, key=lambda item: -item.row.date_added)
    return list(merged)[:limit]


def feed_item(session: Session, viewer: Viewer, collection_id: str, date_added: int) -> Item:
    """The one version stored at (`collection_id`, `date_added`), or NotFound when not visible."""
    for access in readable(session, viewer):
        if access.collection.id == collection_id:
            rows = visible_rows(
                session, viewer, access, StixObject.date_added == date_added,
                StixObject.type.not_in(NOT_IN_FEED), limit=1,
            )  # fmt: skip
            if rows:
                return Item(rows[0], access.collection)
    raise NotFound("no such object")


def _latest(
    session: Session, viewer: Viewer, accesses: Sequence[Access], ids: Iterable[str]
) -> dict[str, Item]:
    """The newest visible version of each of `ids` (absent when none is visible)."""
    wanted = sorted(set(ids))
    if not wanted or not accesses:
        return {}
    by_id = {a.collection.id: a for a in accesses}
    where = or_(*(and_(StixObject.collection_id == c, a.clause(viewer)) for c, a in by_id.items()))
    rows = session.scalars(
        select(StixObject).where(StixObject.id.in_(wanted), where).order_by(StixObject.date_added)
    )
    return {row.id: Item(row, by_id[row.collection_id].collection) for row in rows}


def find_object(session: Session, viewer: Viewer, object_id: str) -> Item:
    """The newest version of `object_id` the viewer may see, or NotFound (never 'forbidden')."""
    found = _latest(session, viewer, readable(session, viewer), [object_id]).get(object_id)
    if found is None:
        raise NotFound(f"no object '{object_id}'")
    return found


def references(value: Any, key: str = "") -> set[str]:
    """Every id an object refers to in `*_ref` / `*_refs` properties, extensions included
    (marking references aside: the TLP badge shows those)."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        for name, item in value.items():
            if name not in _NOT_FOLLOWED:
                found |= references(item, str(name))
    elif isinstance(value, list) and key.endswith("_refs"):
        found |= {item for item in value if isinstance(item, str)}
    elif isinstance(value, list):
        for item in value:
            found |= references(item, key)
    elif isinstance(value, str) and key.endswith("_ref") and "--" in value:
        found.add(value)
    return found


def related(session: Session, viewer: Viewer, item: Item) -> tuple[list[Item], list[Item]]:
    """The visible objects `item` refers to, and the visible ones that refer to it."""
    accesses = readable(session, viewer)
    if not accesses:
        return [], []
    outgoing = _latest(session, viewer, accesses, references(item.body) - {item.row.id})
    referring = or_(
        *(and_(StixObject.collection_id == a.collection.id, a.clause(viewer)) for a in accesses)
    )
    rows = session.scalars(
        select(StixObject)
        .where(
            StixObject.type.in_(REFERRING_TYPES), referring, StixObject.id != item.row.id,
            cast(StixObject.body, Text).contains(item.row.id, autoescape=True),
        )
        .order_by(StixObject.date_added.desc())
        .limit(RELATED_MAX)
    )  # fmt: skip
    by_collection = {a.collection.id: a.collection for a in accesses}
    incoming = {row.id: Item(row, by_collection[row.collection_id]) for row in rows}
    return list(outgoing.values())[:RELATED_MAX], list(incoming.values())
