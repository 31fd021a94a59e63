"""Reading the objects a viewer may see, newest visible version of each, for the graph.

Every row comes through the one visibility policy (`Access.clause`, `liaison.access.visibility`):
the graph is built from nothing the viewer may not see. Collections are named by the caller
(name or id); with none named, every collection the viewer's party may read is used. An id in
several collections counts once, as its newest version. An object whose newest visible version
is revoked is left out. Containers and metadata (reports, groupings, notes, opinions, marking
and extension definitions, language content, requests for information) describe objects rather
than act in a network, and are not read.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer, collection_access
from liaison.errors import NotFound
from liaison.networks.graph import Node
from liaison.stix.extensions import RFI_EVENT_TYPE, RFI_TYPE
from liaison.store.collections import find_collection
from liaison.store.models import Collection, CollectionGrant, StixObject

NOT_READ = (
    "marking-definition", "extension-definition", "language-content", "report", "grouping",
    "note", "opinion", RFI_TYPE, RFI_EVENT_TYPE,
)  # fmt: skip


def readable_collections(session: Session, viewer: Viewer) -> list[Collection]:
    """Every collection the viewer's party holds a read grant on, by name."""
    return list(
        session.scalars(
            select(Collection)
            .join(CollectionGrant, CollectionGrant.collection_id == Collection.id)
            .where(CollectionGrant.party == viewer.party, CollectionGrant.can_read.is_(True))
            .order_by(Collection.name)
        )
    )


def _collections(session: Session, viewer: Viewer, names: Sequence[str]) -> list[Collection]:
    """The named collections (each once) the viewer may read; NotFound naming the first other."""
    if not names:
        return readable_collections(session, viewer)
    found: dict[str, Collection] = {}
    for name in names:
        collection = find_collection(session, name.strip())
        if not collection_access(session, viewer, collection).can_read:
            raise NotFound(f"no collection '{name.strip()}'")
        found[collection.id] = collection
    return list(found.values())


def visible_nodes(session: Session, viewer: Viewer, collections: Sequence[str]) -> list[Node]:
    """The newest visible, unrevoked version of every object in `collections` the viewer may see.

    NotFound for a collection that does not exist or that the viewer's party may not read: a
    collection it cannot read does not exist for it.
    """
    newest: dict[str, tuple[tuple[str, int], bool, Node]] = {}
    for collection in _collections(session, viewer, collections):
        access = collection_access(session, viewer, collection)
        rows = session.execute(
            select(
                StixObject.id, StixObject.modified, StixObject.date_added, StixObject.revoked,
                StixObject.body,
            ).where(
                StixObject.collection_id == collection.id,
                StixObject.type.not_in(NOT_READ),
                access.clause(viewer),
            )
        )  # fmt: skip
        for object_id, modified, date_added, revoked, body in rows:
            key = (modified, date_added)
            held = newest.get(object_id)
            if held is None or key > held[0]:
                newest[object_id] = (key, bool(revoked), Node(body, collection.name))
    return [node for _, revoked, node in newest.values() if not revoked]
