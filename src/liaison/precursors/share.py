"""`liaison screen --share` and `POST /api/v1/screen?share=true`: flagged records stored as
precursor incidents, in one transaction with one audit entry, ready for peers to pull (the
federation layer signs them on the way out). `marking_of` and `incident_type_of` read the options
both front doors take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer
from liaison.audit.log import LOCAL_ACTOR, record
from liaison.errors import InvalidInput
from liaison.precursors.companies import company_identity_id, company_key, peer_company_identities
from liaison.precursors.incidents import Marking, company_identity, incident_objects
from liaison.precursors.screen import ScreenResult
from liaison.precursors.shipments import Shipment
from liaison.stix.extensions import Handling
from liaison.stix.precursor import IncidentType
from liaison.stix.release import caveats_of, evaluation_of, retain_until_of
from liaison.stix.timestamps import (
    micros_to_timestamp,
    now_micros,
)
from liaison.stix.tlp import parse_tlp
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


def marking_of(
    tlp: str, releasable_to: Sequence[str] | None, purpose: str | None, legal_basis: str | None,
    retain_until: str | None, evaluation: str | None = None,
    caveats: Sequence[str] | None = None,
) -> Marking:  # fmt: skip
    """The TLP marking and handling extension of shared incidents, or InvalidInput."""
    try:
        level = parse_tlp(tlp)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    handling = Handling(
        releasable_to=sorted(set(releasable_to or ())), purpose=purpose, legal_basis=legal_basis,
        retain_until=retain_until_of(retain_until), evaluation=evaluation_of(evaluation),
        caveats=caveats_of(caveats),
    )  # fmt: skip
    return Marking(level, handling)


def incident_type_of(value: str) -> IncidentType:
    """The incident type named `value`, or InvalidInput listing the allowed ones."""
    allowed: tuple[IncidentType, ...] = get_args(IncidentType)
    for kind in allowed:
        if kind == value:
            return kind
    raise InvalidInput(f"unknown incident type '{value}': use one of {', '.join(allowed)}")


def share_incidents(
    session: Session,
    flagged: Sequence[tuple[Shipment, ScreenResult]],
    *,
    collection_name: str,
    origin: Origin,
    marking: Marking,
    incident_type: IncidentType,
    reference_version: str,
    viewer: Viewer,
    actor: str = LOCAL_ACTOR,
) -> SharedIncidents:
    """Store an incident per flagged record within the session's transaction, and record one
    audit entry by `actor`. A company a peer already published an identity for (one `viewer`
    may see) is referenced by that identity; any other by the sharing party's own identity
    (`company_identity_id`), added to the collection when it is not there yet."""
    collection = find_collection(session, collection_name)
    timestamp = micros_to_timestamp(now_micros())
    known = peer_company_identities(session, viewer)
    created: dict[str, str] = {}

    def identity_of(name: str) -> str:
        key = company_key(name)
        if key in known:
            return known[key]
        return created.setdefault(key, company_identity_id(name, origin.party))

    incidents, names = [], []
    for shipment, result in flagged:
        incident, companies = incident_objects(
            shipment, result, node=origin.node, reference_version=reference_version,
            incident_type=incident_type, marking=marking, timestamp=timestamp,
            identity_of=identity_of,
        )  # fmt: skip
        incidents.append(incident)
        names += companies
    own = {created[company_key(name)]: name for name in names if company_key(name) in created}
    stored = set(
        session.scalars(
            select(StixObject.id).where(
                StixObject.collection_id == collection.id, StixObject.id.in_(list(own))
            )
        )
    )
    batch = [
        company_identity(name, identity_id, timestamp, marking)
        for identity_id, name in own.items()
        if identity_id not in stored
    ]
    batch += incidents
    added = add_objects(session, collection, batch, origin=origin)
    ids = [incident["id"] for incident in incidents]
    record(session, SHARED, actor, {
        "collection": collection.id, "incidents": ids, "objects": len(batch),
        "added": added.added, "tlp": marking.tlp.value,
        "releasable_to": marking.handling.releasable_to, "purpose": marking.handling.purpose,
        "legal_basis": marking.handling.legal_basis, "reference_version": reference_version,
    })  # fmt: skip
    return SharedIncidents(collection.name, tuple(ids), len(batch), added.added)
