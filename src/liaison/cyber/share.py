"""`liaison match --share`: the sightings of a run stored in the collections their indicators
came from, as this node, in one transaction with one audit entry per collection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.log import LOCAL_ACTOR, record
from liaison.cyber.sightings import Sightings, node_identity, node_identity_id, sighting_objects
from liaison.errors import ObjectProblem
from liaison.store.collections import find_collection
from liaison.store.models import Collection, StixObject
from liaison.store.objects import Origin, add_objects

SHARED = "sightings.shared"


@dataclass(frozen=True, slots=True)
class IndicatorSource:
    """A matched indicator as stored: its newest version, collection and originating party."""

    body: dict[str, Any]
    collection: Collection
    origin_party: str

    @property
    def name(self) -> str | None:
        """The indicator's name, if it has one."""
        name = self.body.get("name")
        return name if isinstance(name, str) else None


@dataclass(frozen=True, slots=True)
class SharedSightings:
    """What `share_sightings` stored in one collection."""

    collection: str
    sightings: tuple[str, ...]
    objects: int
    added: int


def indicator_sources(
    session: Session, collections: Sequence[str], ids: Iterable[str]
) -> dict[str, IndicatorSource]:
    """Where each indicator of `ids` is stored: the collection holding its newest version (the
    first of `collections` on a tie), as `liaison.cyber.indicators` picks the version it matches."""
    wanted = sorted(set(ids))
    newest: dict[str, tuple[str, IndicatorSource]] = {}
    for name in collections:
        collection = find_collection(session, name)
        for start in range(0, len(wanted), 500):
            rows = session.execute(
                select(
                    StixObject.id, StixObject.modified, StixObject.body, StixObject.origin_party
                ).where(
                    StixObject.collection_id == collection.id,
                    StixObject.id.in_(wanted[start : start + 500]),
                )
            )
            for object_id, modified, body, origin_party in rows:
                known = newest.get(object_id)
                if known is None or modified > known[0]:
                    source = IndicatorSource(body, collection, origin_party)
                    newest[object_id] = (modified, source)
    return {object_id: source for object_id, (_, source) in newest.items()}


def _identity_stored(session: Session, collection: Collection, identity_id: str) -> bool:
    return (
        session.scalar(
            select(StixObject.id).where(
                StixObject.collection_id == collection.id, StixObject.id == identity_id
            )
        )
        is not None
    )


def share_sightings(
    session: Session,
    sightings: Sightings,
    sources: dict[str, IndicatorSource],
    *,
    origin: Origin,
    dropped: list[ObjectProblem] | None = None,
) -> list[SharedSightings]:
    """Store one sighting per tallied indicator in the indicator's collection, within the
    session's transaction; the node's identity is added to a collection that lacks it."""
    author = node_identity_id(origin.node)
    grouped: dict[str, tuple[Collection, list[dict[str, Any]], set[str], list[str]]] = {}
    for indicator_id, tally in sightings.tallies.items():
        source = sources[indicator_id]
        parties = {origin.party, source.origin_party}
        objects = sighting_objects(source.body, tally, author, parties, dropped)
        collection, batch, released, ids = grouped.setdefault(
            source.collection.id, (source.collection, [], set(), [])
        )
        batch += objects
        released |= parties
        ids.append(objects[-1]["id"])
    results = []
    for collection, batch, released, ids in grouped.values():
        if not _identity_stored(session, collection, author):
            batch.insert(0, node_identity(origin.node, origin.party, released))
        added = add_objects(session, collection, batch, origin=origin)
        record(session, SHARED, LOCAL_ACTOR, {
            "collection": collection.id, "sightings": ids, "objects": len(batch),
            "added": added.added, "released_to": sorted(released),
        })  # fmt: skip
        results.append(SharedSightings(collection.name, tuple(ids), len(batch), added.added))
    return results
