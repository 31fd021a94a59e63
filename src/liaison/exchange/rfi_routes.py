"""`/api/v1/rfis`: requests for information over the JSON API.

The API acts as the authenticated principal, for the node's party: officers and admins of that
party ask, acknowledge, answer, decline and close; any non-peer principal of the party reads.
Peer nodes read RFIs over TAXII (the exchange collection), never here. Each write runs in one
transaction with its audit entry.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from liaison.access.http import Caller, authenticated
from liaison.access.models import Role
from liaison.config import Settings
from liaison.exchange.callers import require_own_party
from liaison.exchange.rfi_service import (
    Acting,
    RfiRequest,
    act_on_rfi,
    list_rfis,
    send_rfi,
    show_rfi,
)
from liaison.store.database import Database

ACTORS = frozenset({Role.OFFICER, Role.ADMIN})
READERS = frozenset({Role.OFFICER, Role.ANALYST, Role.ADMIN, Role.AUDITOR})

router = APIRouter(prefix="/api/v1/rfis", tags=["rfis"])


class NewRfi(BaseModel):
    """The body of `POST /api/v1/rfis`."""

    model_config = ConfigDict(extra="forbid")

    to: str = Field(description="The party asked, e.g. 'in'.")
    pillar: str = Field(description="drugs, cyber, immigration-fraud or other.")
    priority: str = Field(description="routine, priority or urgent.")
    due: str = Field(description="YYYY-MM-DD (end of day, UTC) or an RFC 3339 UTC timestamp.")
    question: str
    purpose: str | None = None
    legal_basis: str | None = None
    refs: list[str] = Field(default_factory=list, description="Ids of shared objects referred to.")


class Answer(BaseModel):
    """The body of `POST /api/v1/rfis/{id}/answer`."""

    model_config = ConfigDict(extra="forbid")

    text: str
    refs: list[str] = Field(default_factory=list, description="Ids of objects that answer it.")


class Decline(BaseModel):
    """The body of `POST /api/v1/rfis/{id}/decline`."""

    model_config = ConfigDict(extra="forbid")

    reason: str


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _own_party(request: Request, caller: Caller, roles: frozenset[Role], what: str) -> Acting:
    settings = _settings(request)
    require_own_party(caller, settings.party, roles, what)
    return Acting(
        settings.node_name, settings.party, caller.viewer.name,
        settings.release.require_evaluation,
    )  # fmt: skip


def _reader(request: Request, caller: Annotated[Caller, Depends(authenticated)]) -> Acting:
    return _own_party(request, caller, READERS, "reading RFIs")


def _actor(request: Request, caller: Annotated[Caller, Depends(authenticated)]) -> Acting:
    return _own_party(request, caller, ACTORS, "acting on RFIs")


Reader = Annotated[Acting, Depends(_reader)]
Actor = Annotated[Acting, Depends(_actor)]


@router.get("", summary="The RFIs this node's party asked or was asked")
def get_rfis(request: Request, acting: Reader) -> dict[str, Any]:
    """Every RFI with its state, `overdue` flag and timestamps, oldest first."""
    with _db(request).session() as session:
        return {"rfis": [status.as_json() for status in list_rfis(session, acting.viewer)]}


@router.post("", status_code=201, summary="Ask the peer party a question")
def post_rfi(request: Request, acting: Actor, body: NewRfi) -> dict[str, Any]:
    """Create an RFI (state `sent`); it reaches the addressee with its next sync."""
    new = RfiRequest(
        body.to, body.pillar, body.priority, body.due, body.question, body.purpose,
        body.legal_basis, body.refs,
    )  # fmt: skip
    with _db(request).session(write=True) as session:
        return send_rfi(session, acting, new).as_json()


@router.get("/{rfi_id}", summary="One RFI")
def get_rfi(request: Request, acting: Reader, rfi_id: str) -> dict[str, Any]:
    """The RFI with its state, answer, events and timestamps."""
    with _db(request).session() as session:
        return show_rfi(session, acting.viewer, rfi_id).as_json()


def _step(
    request: Request, acting: Acting, rfi_id: str, event_type: str, **given: Any
) -> dict[str, Any]:
    with _db(request).session(write=True) as session:
        return act_on_rfi(session, acting, rfi_id, event_type, **given).as_json()


@router.post("/{rfi_id}/acknowledge", summary="Acknowledge an RFI addressed to this party")
def acknowledge(request: Request, acting: Actor, rfi_id: str) -> dict[str, Any]:
    """Mark the RFI acknowledged (addressee party only)."""
    return _step(request, acting, rfi_id, "acknowledge")


@router.post("/{rfi_id}/answer", summary="Answer an RFI addressed to this party")
def answer(request: Request, acting: Actor, rfi_id: str, body: Answer) -> dict[str, Any]:
    """Answer the RFI, referring to shared objects (addressee party only)."""
    return _step(request, acting, rfi_id, "answer", text=body.text, refs=body.refs)


@router.post("/{rfi_id}/decline", summary="Decline an RFI addressed to this party")
def decline(request: Request, acting: Actor, rfi_id: str, body: Decline) -> dict[str, Any]:
    """Decline the RFI with a reason (addressee party only)."""
    return _step(request, acting, rfi_id, "decline", reason=body.reason)


@router.post("/{rfi_id}/close", summary="Close an RFI this party asked")
def close(request: Request, acting: Actor, rfi_id: str) -> dict[str, Any]:
    """Close the RFI (requester party only)."""
    return _step(request, acting, rfi_id, "close")
