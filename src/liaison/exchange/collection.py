"""The exchange collection: where a node keeps the workflow objects it trades with its peers.

Requests for information, their state changes and the grades a receiver gives to what it got
are STIX objects like any other. Each node keeps them in its collection named `exchange`,
readable by every counterpart party it deals with, so that sync carries them to the peer (whose
own `exchange` collection receives them under the same name) and back.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.log import LOCAL_ACTOR
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.models import Collection, CollectionGrant

EXCHANGE_COLLECTION = "exchange"


def exchange_collection(
    session: Session, own_party: str, counterpart: str, *, actor: str = LOCAL_ACTOR
) -> Collection:
    """The node's exchange collection, made on first use, with a read grant for `counterpart`.

    The collection's default TLP is AMBER; an existing grant of `counterpart` keeps its write
    right.
    """
    collection = session.scalar(select(Collection).where(Collection.name == EXCHANGE_COLLECTION))
    if collection is None:
        collection = create_collection(
            session,
            EXCHANGE_COLLECTION,
            owner_party=own_party,
            description="requests for information and evaluations traded with peers",
            default_tlp=Tlp.AMBER,
            actor=actor,
        )
    if counterpart != own_party:
        grant = session.get(CollectionGrant, (collection.id, counterpart))
        if grant is None or not grant.can_read:
            write = grant.can_write if grant is not None else False
            set_grant(session, collection, counterpart, read=True, write=write, actor=actor)
    return collection
