"""Fraud rings: the suspected visa-fraud rings shared as STIX incidents with the fraud-ring
extension (`liaison fraud rings --share`), as the signed-in principal may see them, with the
reasons each was flagged (signal, attribute kind, count: never the values themselves)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response
from pydantic import ValidationError
from sqlalchemy import Text, cast

from liaison.stix.extensions import FRAUD_RING_EXTENSION_ID
from liaison.stix.fraudring import FraudRing, fraud_ring_of
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.web.objects import Item, readable, visible_rows
from liaison.web.pages import render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn

router = web_router()
RINGS_MAX = 100


@dataclass(frozen=True, slots=True)
class SharedRing:
    """A ring as shared: the stored incident and its parsed extension."""

    item: Item
    ring: FraudRing


def _ring(item: Item) -> SharedRing | None:
    try:
        ring = fraud_ring_of(item.body)
    except ValidationError:
        return None
    return SharedRing(item, ring) if ring is not None else None


@router.get("/fraud-rings")
def rings_page(request: Request, user: SignedIn) -> Response:
    """Visible fraud-ring incidents, highest score first, with their reasons."""
    db: Database = request.app.state.db
    viewer = user.caller.viewer
    carries = cast(StixObject.body, Text).contains(FRAUD_RING_EXTENSION_ID, autoescape=True)
    with db.session() as session:
        items = [
            Item(row, access.collection)
            for access in readable(session, viewer)
            for row in visible_rows(
                session, viewer, access, StixObject.type == "incident", carries, limit=RINGS_MAX
            )
        ]
    rings = [ring for ring in map(_ring, items) if ring is not None]
    rings.sort(key=lambda shared: -shared.ring.score)
    return render(request, "rings.html", {"rings": rings[:RINGS_MAX]}, user=user)
