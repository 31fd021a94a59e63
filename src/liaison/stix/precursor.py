"""The liaison precursor-incident extension: a property extension of the STIX `incident` SDO.

It carries what an INCB Precursors Incident Communication System (PICS) record holds about a
seizure, a stopped shipment or a suspicious order: the substances and quantities, the modus
operandi, the companies involved and their roles, and the countries of origin, transit and
destination. Companies are `identity` objects referenced by id, so an incident joins the
trafficking network that `liaison.networks` draws. Any STIX 2.1 reader sees an ordinary
incident; liaison validates the extension body at admission, on the node that writes it and on
every peer that receives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from liaison.stix.extensions import PRECURSOR_EXTENSION_ID
from liaison.stix.rules import Report, Rule, report_model_errors

IncidentType = Literal["seizure", "stopped-shipment", "suspended-shipment", "suspicious-order"]
CompanyRole = Literal[
    "supplier", "exporter", "shipper", "broker", "freight-forwarder", "consignee", "importer",
    "other",
]  # fmt: skip
ModusOperandi = Literal[
    "mislabelling", "misdeclared-hs-code", "concealment", "transshipment", "small-parcel",
    "front-company", "falsified-documents", "designer-precursor", "salt-form", "other",
]  # fmt: skip
INCIDENT_TYPES: tuple[str, ...] = get_args(IncidentType)
COMPANY_ROLES: tuple[str, ...] = get_args(CompanyRole)
MODI_OPERANDI: tuple[str, ...] = get_args(ModusOperandi)

_COUNTRY = r"^[A-Z]{2}$"
_IDENTITY_REF = r"^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_CAS = r"^[0-9]{2,7}-[0-9]{2}-[0-9]$"
Country = Annotated[str, Field(pattern=_COUNTRY, description="ISO 3166-1 alpha-2 code.")]


class IncidentSubstance(BaseModel):
    """One substance of an incident, as declared or as identified, with its quantity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    cas: str | None = Field(default=None, pattern=_CAS)
    controlled_as: str | None = Field(
        default=None, description="The reference substance it is, or is a form of (its name)."
    )
    quantity_kg: float | None = Field(default=None, ge=0)


class IncidentCompany(BaseModel):
    """A company involved, its role, its country and the identity object that stands for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    role: CompanyRole
    identity_ref: str | None = Field(default=None, pattern=_IDENTITY_REF)
    country: Country | None = None


class PrecursorIncident(BaseModel):
    """The body of the precursor-incident extension under `extensions[PRECURSOR_EXTENSION_ID]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    extension_type: Literal["property-extension"] = "property-extension"
    incident_type: IncidentType
    substances: list[IncidentSubstance] = Field(min_length=1)
    modus_operandi: list[ModusOperandi] = Field(default_factory=list)
    companies: list[IncidentCompany] = Field(default_factory=list)
    origin_country: Country | None = None
    transit_countries: list[Country] = Field(default_factory=list)
    destination_country: Country | None = None
    hs_code: str | None = Field(default=None, pattern=r"^[0-9]{4}(\.[0-9]{2}){0,2}$")
    declared_description: str | None = None
    shipment_id: str | None = Field(default=None, description="The customs record's own id.")
    event_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    screening_reasons: list[str] = Field(default_factory=list)
    reference_version: str | None = Field(
        default=None, description="Version of the precursor reference data that screened it."
    )

    def as_extension(self) -> dict[str, Any]:
        """The extension body (no empty lists, no nulls)."""
        body = self.model_dump(mode="json", exclude_none=True)
        return {key: value for key, value in body.items() if value != []}


def precursor_incident_of(obj: Mapping[str, Any]) -> PrecursorIncident | None:
    """The incident's precursor extension, parsed, or None when it carries none."""
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or PRECURSOR_EXTENSION_ID not in extensions:
        return None
    return PrecursorIncident.model_validate(extensions[PRECURSOR_EXTENSION_ID])


def precursor_extension_valid(obj: Mapping[str, Any], report: Report) -> None:
    """An incident's precursor extension, when present, has the published shape."""
    try:
        precursor_incident_of(obj)
    except ValidationError as exc:
        report_model_errors(exc, report, "extensions", "precursor incident ")


PRECURSOR_RULES: dict[str, tuple[Rule, ...]] = {"incident": (precursor_extension_valid,)}
