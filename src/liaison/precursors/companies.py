"""Companies already linked to shared precursor incidents, and how company names compare.

A shipper or consignee is "linked" when its name, normalised, is the name of a company in a
precursor incident this node may see: every collection the node's party may read, every
`incident` carrying the precursor extension that `liaison.access.visibility` lets the viewer see.
Normalising lower-cases, folds accents and punctuation, and drops legal-form words ("Co.",
"Ltd", "Pvt", "LLC", "GmbH"…), so "Jade River Trading Co., Ltd." and "JADE RIVER TRADING" meet.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer, collection_access
from liaison.stix.precursor import precursor_incident_of
from liaison.store.models import Collection, StixObject

COMPANY_NAMESPACE = uuid.UUID("0b6f1c36-6a55-5f6e-9a43-4d5f3c1f2e7a")
"""UUIDv5 namespace of the company identities a party creates."""

_LEGAL_FORMS = frozenset({
    "co", "company", "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation",
    "gmbh", "pvt", "private", "plc", "sa", "srl", "bv", "nv", "pte", "sdn", "bhd", "fze", "fzco",
    "fzc", "ag", "kg", "oy", "ab", "as", "spa", "sas", "llp", "lp", "the", "and",
})  # fmt: skip
_NON_WORD = re.compile(r"[^a-z0-9]+")


def company_key(name: str) -> str:
    """The name as compared: lower case, ASCII, legal-form words dropped, single spaces."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [word for word in _NON_WORD.split(ascii_name) if word and word not in _LEGAL_FORMS]
    return " ".join(words)


def company_identity_id(name: str, party: str) -> str:
    """The `identity` id a party gives a company it names first (UUIDv5 of the party and the
    normalised name): deterministic, so re-screening names the same identity, and the party's
    own, so two parties naming one company before they sync never claim the same object id
    (a peer would refuse the second as a forged version)."""
    return f"identity--{uuid.uuid5(COMPANY_NAMESPACE, f'{party}/{company_key(name) or name}')}"


def _visible_bodies(
    session: Session, viewer: Viewer, *conditions: ColumnElement[bool]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, body) of every stored object matching `conditions` that the viewer may see, in the
    collections its party may read, oldest collection and oldest row first."""
    for collection in session.scalars(select(Collection).order_by(Collection.created_at)):
        access = collection_access(session, viewer, collection)
        if not access.can_read:
            continue
        rows = session.execute(
            select(StixObject.id, StixObject.body)
            .where(StixObject.collection_id == collection.id, *conditions, access.clause(viewer))
            .order_by(StixObject.date_added)
        )
        yield from rows


def peer_company_identities(session: Session, viewer: Viewer) -> dict[str, str]:
    """Normalised name → id of an organisation `identity` another party published that the
    viewer may see: a company a peer already named is named by its identity, so both parties'
    incidents meet in one vertex of the trafficking network. The oldest such identity wins."""
    known: dict[str, str] = {}
    others = (StixObject.type == "identity", StixObject.origin_party != viewer.party)
    for identity_id, body in _visible_bodies(session, viewer, *others):
        name = body.get("name")
        if body.get("identity_class") == "organization" and isinstance(name, str):
            known.setdefault(company_key(name), identity_id)
    return known


@dataclass(frozen=True, slots=True)
class LinkedCompany:
    """A company named in a visible precursor incident: the incident and the role it had."""

    name: str
    incident_id: str
    role: str


def linked_companies(session: Session, viewer: Viewer) -> dict[str, LinkedCompany]:
    """Normalised name → the first visible precursor incident naming that company."""
    linked: dict[str, LinkedCompany] = {}
    for incident_id, body in _visible_bodies(session, viewer, StixObject.type == "incident"):
        try:
            incident = precursor_incident_of(body)
        except ValidationError:
            continue
        if incident is None:
            continue
        for company in incident.companies:
            key = company_key(company.name)
            if key:
                linked.setdefault(key, LinkedCompany(company.name, incident_id, company.role))
    return linked
