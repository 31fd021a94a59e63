"""What storing a withdrawal does: every version of the object is marked withdrawn.

A withdrawal is a revoked version whose handling extension gives a `withdrawal_reason`, as
`liaison withdraw` writes it. Any other revoked version is a plain STIX revocation (MITRE ATT&CK
revokes superseded objects so) and is stored and served as STIX prescribes, `revoked` and all.
`add_objects` calls `mark_withdrawn` for the withdrawals it has just inserted, in the same
transaction, whichever path they came by: a withdrawal here (`liaison.store.withdrawal`), a TAXII
POST, or a sync from a peer. Only versions from the same originating node and party are marked,
so an originator withdraws its own objects and never another's. Each object newly marked gets one
`object.withdrawn` audit entry. See docs/withdrawal.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import false, select, true, update
from sqlalchemy.orm import Session

from liaison.audit.log import Event, record_many
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.store.models import StixObject

WITHDRAWN = "object.withdrawn"
REASON_FIELD = "withdrawal_reason"
LOOKUP_CHUNK = 500


def withdrawal_reason(obj: Mapping[str, Any]) -> str | None:
    """The reason a revoked object carries in its handling extension, if any."""
    extensions = obj.get("extensions")
    handling = extensions.get(HANDLING_EXTENSION_ID) if isinstance(extensions, dict) else None
    reason = handling.get(REASON_FIELD) if isinstance(handling, dict) else None
    return reason if isinstance(reason, str) else None


def mark_withdrawn(
    session: Session,
    collection_id: str,
    revoked: Sequence[Mapping[str, Any]],
    *,
    origin_node: str,
    origin_party: str,
    received_from: str | None,
    actor: str,
) -> None:
    """Mark every version of each newly stored revoked object withdrawn, and record it.

    `revoked` are the inserted rows' column values (`id`, `modified`, `body` as JSON text). An
    object with nothing left to mark (a revoked version seen again) gets no second entry.
    """
    events = []
    for row in revoked:
        marked = session.execute(
            update(StixObject)
            .where(
                StixObject.id == row["id"],
                StixObject.origin_node == origin_node,
                StixObject.origin_party == origin_party,
                StixObject.withdrawn.is_(false()),
            )
            .values(withdrawn=True)
            .returning(StixObject.collection_id, StixObject.modified)
            .execution_options(synchronize_session=False)
        ).all()
        if not marked:
            continue
        events.append(Event(WITHDRAWN, actor, {
            "id": row["id"], "collection": collection_id, "version": row["modified"],
            "reason": withdrawal_reason(orjson.loads(row["body"])), "origin_node": origin_node,
            "received_from": received_from,
            "withdrawn": sorted([collection, version] for collection, version in marked),
        }))  # fmt: skip
    if events:
        record_many(session, events)


def keep_withdrawn(
    session: Session, ids: Sequence[str], *, origin_node: str, origin_party: str
) -> None:
    """Mark newly stored versions withdrawn when their object already is (same originator).

    A withdrawal is final: a version that arrives after it (into another collection, relayed
    again, re-imported) must not be served again. One indexed lookup per chunk of ids; nothing
    is updated for a batch of objects never withdrawn.
    """
    distinct = sorted(set(ids))
    for start in range(0, len(distinct), LOOKUP_CHUNK):
        chunk = distinct[start : start + LOOKUP_CHUNK]
        withdrawn = session.scalars(
            select(StixObject.id)
            .where(
                StixObject.id.in_(chunk),
                StixObject.withdrawn.is_(true()),
                StixObject.origin_node == origin_node,
                StixObject.origin_party == origin_party,
            )
            .distinct()
        ).all()
        if withdrawn:
            session.execute(
                update(StixObject)
                .where(
                    StixObject.id.in_(withdrawn),
                    StixObject.withdrawn.is_(false()),
                    StixObject.origin_node == origin_node,
                    StixObject.origin_party == origin_party,
                )
                .values(withdrawn=True)
                .execution_options(synchronize_session=False)
            )
