"""`liaison screen --share`: flagged records stored as precursor incidents, in one transaction
with one audit entry, ready for peers to pull (the federation layer signs them on the way out)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.log import LOCAL_ACTOR, record
from liaison.precursors.incidents import Marking, company_identity, incident_objects
from liaison.precursors.screen import ScreenResult
from liaison.precursors.shipments import Shipment
from liaison.stix.precursor import IncidentType
from liaison.stix.timestamps import micros_to_timestamp, now_micros
from liaison.store.collections import find_collection
from liaison.store.models import StixObject
from liaison.store.objects import Origin, add_objects

SHARED = "precursor-incidents.shared"


@dataclass(frozen=True, slots=True)
class SharedIncidents:
    """What `share_incidents` stored."""

    collection: str
    incidents: tuple[str, ...]
    objects: int
    added: int


def share_incidents(
    session: Session,
    flagged: Sequence[tuple[Shipment, ScreenResult]],
    *,
    collection_name: str,
    origin: Origin,
    marking: Marking,
    incident_type: IncidentType,
    reference_version: str,
) -> SharedIncidents:
    """Store an incident per flagged record, and the company identities not yet in the
    collection, within the session's transaction; record one audit entry."""
    collection = find_collection(session, collection_name)
    timestamp = micros_to_timestamp(now_micros())
    incidents, names = [], []
    for shipment, result in flagged:
        incident, companies = incident_objects(
            shipment, result, node=origin.node, reference_version=reference_version,
            incident_type=incident_type, marking=marking, timestamp=timestamp,
        )  # fmt: skip
        incidents.append(incident)
        names += companies
    identities = {company_identity(name, timestamp, marking)["id"]: name for name in names}
    stored = set(
        session.scalars(
            select(StixObject.id).where(
                StixObject.collection_id == collection.id, StixObject.id.in_(list(identities))
            )
        )
    )
    batch = [
        company_identity(name, timestamp, marking)
        for identity_id, name in identities.items()
        if identity_id not in stored
    ]
    batch += incidents
    added = add_objects(session, collection, batch, origin=origin)
    ids = [incident["id"] for incident in incidents]
    record(session, SHARED, LOCAL_ACTOR, {
        "collection": collection.id, "incidents": ids, "objects": len(batch),
        "added": added.added, "tlp": marking.tlp.value,
        "releasable_to": marking.handling.releasable_to, "purpose": marking.handling.purpose,
        "legal_basis": marking.handling.legal_basis, "reference_version": reference_version,
    })  # fmt: skip
    return SharedIncidents(collection.name, tuple(ids), len(batch), added.added)
