"""`liaison fraud rings --share`: each ring as a STIX incident with the fraud-ring extension.

Least data (DESIGN.md principle 6): the incident carries the ring's score, its reasons as signal,
attribute kind and counts, the member application ids (file numbers the schema marks as not
personal, which the receiving officer can cite in a request for information), the number of
identities, the kinds of attribute shared and the span of dates. The values behind the reasons (a
phone, an account, a passport number, an agent's name) stay on this node: an officer who must
release one does so under a stated legal basis, by a request for information.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from liaison.audit.log import LOCAL_ACTOR, record
from liaison.fraud.pprl_release import Release
from liaison.fraud.rings import Ring
from liaison.stix.extensions import FRAUD_RING_EXTENSION_ID
from liaison.stix.fraudring import FraudRing
from liaison.stix.timestamps import now_timestamp
from liaison.store.collections import find_collection
from liaison.store.objects import Origin, add_objects

SHARED = "fraud.rings.shared"
_NAMESPACE = uuid.UUID("5b0e8f43-66b2-4a57-9a8e-3c0f6f0d2a71")


@dataclass(frozen=True, slots=True)
class SharedRings:
    """What `share_rings` stored."""

    collection: str
    ids: tuple[str, ...]
    added: int


def ring_incident(ring: Ring, node: str, created: str) -> dict[str, Any]:
    """The incident describing `ring`, with the fraud-ring extension and no attribute value."""
    body = FraudRing.model_validate({
        "ring_key": ring.key, "score": ring.score,
        "application_count": len(ring.application_ids), "identity_count": ring.identities,
        "application_refs": list(ring.application_ids), "shared_kinds": list(ring.shared_kinds),
        "reasons": [
            {"signal": r.signal, "kind": r.kind, "count": r.count, "weight": r.weight, "text": r.text}
            for r in ring.reasons
        ],
        "first_application_date": ring.first_date, "last_application_date": ring.last_date,
        "outcomes": ring.outcomes,
    })  # fmt: skip
    reasons = "; ".join(reason.text for reason in ring.reasons)
    return {
        "type": "incident",
        "spec_version": "2.1",
        "id": f"incident--{uuid.uuid5(_NAMESPACE, f'{node}/{ring.key}')}",
        "created": created,
        "modified": created,
        "name": f"Suspected visa-fraud ring {ring.key} ({len(ring.application_ids)} applications)",
        "description": f"Risk score {ring.score}: {reasons}.",
        "labels": ["visa-fraud-ring"],
        "extensions": {FRAUD_RING_EXTENSION_ID: body.as_extension()},
    }


def share_rings(
    session: Session, rings: list[Ring], collection_name: str, release: Release, *, origin: Origin
) -> SharedRings:
    """Store one incident per ring in the collection, in the session's transaction, with one
    audit entry; the caller commits."""
    collection = find_collection(session, collection_name)
    created = now_timestamp()
    objects = [
        release.stamp(ring_incident(ring, origin.node, created), origin.party) for ring in rings
    ]
    added = add_objects(session, collection, objects, origin=origin)
    ids = tuple(obj["id"] for obj in objects)
    record(session, SHARED, LOCAL_ACTOR, {
        "collection": collection.id, "incidents": list(ids), "added": added.added,
        "tlp": release.tlp.value, "released_to": list(release.releasable_to),
        "purpose": release.purpose, "legal_basis": release.legal_basis,
    })  # fmt: skip
    return SharedRings(collection.name, ids, added.added)
