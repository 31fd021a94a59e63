"""Collections: create, find by name or id, list."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.log import LOCAL_ACTOR, record
from liaison.errors import Conflict, InvalidInput, NotFound
from liaison.stix.rfi import PILLARS
from liaison.stix.timestamps import now_micros
from liaison.stix.tlp import Tlp
from liaison.store.models import Collection, CollectionGrant, Party

NAME_MAX = 200


def create_collection(
    session: Session,
    name: str,
    *,
    owner_party: str,
    description: str = "",
    default_tlp: Tlp | None = None,
    pillar: str | None = None,
    actor: str = LOCAL_ACTOR,
) -> Collection:
    """Create a collection with a fresh UUID, readable and writable by `owner_party`.

    `pillar` (drugs, cyber, immigration-fraud, other) is the threat the collection serves; the
    exchange figures count its objects under it.
    """
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(f"collection name must be 1-{NAME_MAX} characters")
    if pillar is not None:
        _check_pillar(pillar)
    if session.scalar(select(Collection).where(Collection.name == name)) is not None:
        raise Conflict(f"collection '{name}' already exists")
    collection = Collection(
        id=str(uuid.uuid4()),
        name=name,
        description=description,
        default_tlp=default_tlp.value if default_tlp else None,
        created_at=now_micros(),
        pillar=pillar,
    )
    session.add(collection)
    session.flush()
    record(session, "collection.added", actor, {
        "collection": collection.id, "name": name, "default_tlp": collection.default_tlp,
        "pillar": pillar,
    })  # fmt: skip
    set_grant(session, collection, owner_party, read=True, write=True, actor=actor)
    return collection


def _check_pillar(pillar: str) -> None:
    if pillar not in PILLARS:
        raise InvalidInput(f"unknown pillar '{pillar}': use one of {', '.join(PILLARS)}")


def set_pillar(
    session: Session, collection: Collection, pillar: str, *, actor: str = LOCAL_ACTOR
) -> None:
    """Set the threat `collection` serves (drugs, cyber, immigration-fraud, other), audited.

    So a collection made without one (`liaison sync` makes them so) counts under its pillar in
    the exchange figures. A `collection.changed` entry records the old and new values.
    """
    _check_pillar(pillar)
    record(session, "collection.changed", actor, {
        "collection": collection.id, "pillar": pillar, "previous_pillar": collection.pillar,
    })  # fmt: skip
    collection.pillar = pillar
    session.flush()


def set_grant(
    session: Session,
    collection: Collection,
    party: str,
    *,
    read: bool,
    write: bool,
    actor: str = LOCAL_ACTOR,
) -> CollectionGrant | None:
    """Give `party` exactly these rights on `collection`; both False withdraws the grant (None)."""
    if session.get(Party, party) is None:
        raise NotFound(f"no party '{party}' (add it with `liaison party add`)")
    record(session, "grant.set", actor, {
        "collection": collection.id, "party": party, "read": read, "write": write,
    })  # fmt: skip
    grant = session.get(CollectionGrant, (collection.id, party))
    if not (read or write):
        if grant is not None:
            session.delete(grant)
            session.flush()
        return None
    if grant is None:
        grant = CollectionGrant(collection_id=collection.id, party=party)
        session.add(grant)
    grant.can_read, grant.can_write = read, write
    session.flush()
    return grant


def grants_of(session: Session, collection: Collection) -> list[CollectionGrant]:
    """Every party's grant on `collection`, by party."""
    return list(
        session.scalars(
            select(CollectionGrant)
            .where(CollectionGrant.collection_id == collection.id)
            .order_by(CollectionGrant.party)
        )
    )


def find_collection(session: Session, name_or_id: str) -> Collection:
    """The collection with this name or UUID, or NotFound."""
    found = session.scalar(
        select(Collection).where((Collection.name == name_or_id) | (Collection.id == name_or_id))
    )
    if found is None:
        raise NotFound(f"no collection '{name_or_id}'")
    return found


def list_collections(session: Session) -> list[Collection]:
    """Every collection, by name."""
    return list(session.scalars(select(Collection).order_by(Collection.name)))
