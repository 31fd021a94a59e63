"""Flagged shipment records as STIX: an `incident` with the precursor extension, and company
`identity` objects with deterministic ids (so one company is one node of the network graph)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from liaison.precursors.routing import transit_countries
from liaison.precursors.screen import ScreenResult, normalise_hs
from liaison.precursors.shipments import Shipment
from liaison.stix.extensions import HANDLING_EXTENSION_ID, PRECURSOR_EXTENSION_ID, Handling
from liaison.stix.precursor import (
    CompanyRole,
    IncidentCompany,
    IncidentSubstance,
    IncidentType,
    ModusOperandi,
    PrecursorIncident,
)
from liaison.stix.tlp import Tlp

INCIDENT_NAMESPACE = uuid.UUID("5d0c8a5e-2f0b-5e8e-8f43-6f1b7a0c9d21")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CAS = re.compile(r"^[0-9]{2,7}-[0-9]{2}-[0-9]$")
_MODUS: dict[str, ModusOperandi] = {
    "mislabelled": "mislabelling", "hs-misdeclared": "misdeclared-hs-code",
    "salt-form": "salt-form", "cas-salt": "salt-form",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Marking:
    """What every shared object carries: its TLP level and the liaison handling extension."""

    tlp: Tlp
    handling: Handling


def _country(code: str) -> str | None:
    return code if _COUNTRY.match(code) else None


def _modus_operandi(shipment: Shipment, result: ScreenResult) -> list[ModusOperandi]:
    codes = {reason.code for reason in result.reasons}
    found: list[ModusOperandi] = [_MODUS[code] for code in sorted(codes & _MODUS.keys())]
    structural = {"structure-anilinopiperidine", "structure-piperidinone"}
    if codes & structural and result.substance is None:
        found.append("designer-precursor")
    if result.substance is not None and result.substance.kind == "analogue":
        found.append("designer-precursor")
    if transit_countries(shipment.route):
        found.append("transshipment")
    return sorted(set(found))


def _substance(shipment: Shipment, result: ScreenResult) -> IncidentSubstance:
    cas = shipment.cas if _CAS.match(shipment.cas) else None
    if result.substance is not None:
        cas = result.substance.cas or cas
    controlled = result.controlled_as.name if result.controlled_as else None
    if controlled is None and result.cores:
        controlled = f"{result.cores[0]} class (structure rule)"
    name = result.substance.name if result.substance else shipment.description
    return IncidentSubstance(
        name=name, cas=cas, controlled_as=controlled, quantity_kg=shipment.quantity_kg
    )


def _companies(shipment: Shipment, identity_of: Callable[[str], str]) -> list[IncidentCompany]:
    parties: tuple[tuple[str, CompanyRole, str], ...] = (
        (shipment.shipper, "shipper", shipment.origin),
        (shipment.consignee, "consignee", shipment.destination),
    )
    return [
        IncidentCompany(
            name=name, role=role, identity_ref=identity_of(name), country=_country(country)
        )
        for name, role, country in parties
        if name
    ]


def _marked(obj: dict[str, Any], marking: Marking) -> dict[str, Any]:
    obj["object_marking_refs"] = [marking.tlp.marking_id]
    obj.setdefault("extensions", {})[HANDLING_EXTENSION_ID] = marking.handling.as_extension()
    return obj


def company_identity(
    name: str, identity_id: str, timestamp: str, marking: Marking
) -> dict[str, Any]:
    """The `identity` object (organization) standing for a company in incidents."""
    return _marked({
        "type": "identity", "spec_version": "2.1", "id": identity_id,
        "created": timestamp, "modified": timestamp, "name": name,
        "identity_class": "organization",
    }, marking)  # fmt: skip


def incident_objects(
    shipment: Shipment,
    result: ScreenResult,
    *,
    node: str,
    reference_version: str,
    incident_type: IncidentType,
    marking: Marking,
    timestamp: str,
    identity_of: Callable[[str], str],
) -> tuple[dict[str, Any], list[str]]:
    """The incident for one flagged record, and the companies' names it references;
    `identity_of` names the identity that stands for each company."""
    companies = _companies(shipment, identity_of)
    body = PrecursorIncident(
        incident_type=incident_type,
        substances=[_substance(shipment, result)],
        modus_operandi=_modus_operandi(shipment, result),
        companies=companies,
        origin_country=_country(shipment.origin),
        transit_countries=list(transit_countries(shipment.route)),
        destination_country=_country(shipment.destination),
        hs_code=normalise_hs(shipment.hs_code) or None,
        declared_description=shipment.description,
        shipment_id=shipment.id,
        event_date=shipment.date or None,
        screening_reasons=[f"{r.code}: {r.detail}" for r in result.reasons],
        reference_version=reference_version,
    )
    substance = body.substances[0]
    incident = _marked({
        "type": "incident", "spec_version": "2.1",
        "id": f"incident--{uuid.uuid5(INCIDENT_NAMESPACE, f'{node}/{shipment.id}')}",
        "created": timestamp, "modified": timestamp,
        "name": f"{incident_type.replace('-', ' ')} {shipment.id}: {substance.name}",
        "description": "Precursor shipment flagged by screening: "
        + "; ".join(reason.code for reason in result.reasons),
        "extensions": {PRECURSOR_EXTENSION_ID: body.as_extension()},
    }, marking)  # fmt: skip
    return incident, [company.name for company in companies]
