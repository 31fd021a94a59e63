"""`POST /api/v1/screen`: shipment screening over the JSON API, as `liaison screen` does it.

Officers, analysts and admins post records (`application/json`: an array or `{"records": [...]}`;
`application/x-ndjson`: one JSON object a line) with the columns of `liaison screen`; the first
malformed record fails the request with 400 naming it, a body over `max_content_length` or more
than `MAX_RECORDS` records with 413, and nothing is stored. The linked-company rule reads the
precursor incidents the caller's `Viewer` may see (the one visibility policy), not the node's.
Each request leaves a `shipments.screened` entry with the counts, never the records: in a short
transaction after screening, or with `share=true` in the transaction that stores the incidents
(`liaison.precursors.share`, after a write-grant check) beside their `precursor-incidents.shared`.
Peer nodes and auditors are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liaison.access.http import Caller, authenticated
from liaison.access.models import Role
from liaison.access.visibility import Viewer, require_collection
from liaison.audit.log import record
from liaison.config import Settings
from liaison.errors import InvalidInput, PayloadTooLarge, PermissionDenied, UnsupportedMediaType
from liaison.precursors.companies import linked_companies
from liaison.precursors.incidents import Marking
from liaison.precursors.reference import load_reference
from liaison.precursors.screen import Screener, ScreenResult
from liaison.precursors.share import (
    SharedIncidents,
    incident_type_of,
    marking_of,
    share_incidents,
)
from liaison.precursors.shipments import COLUMNS, REQUIRED, Shipment, record_of
from liaison.stix.precursor import IncidentType
from liaison.store.collections import find_collection
from liaison.store.database import Database
from liaison.store.objects import Origin
from liaison.taxii.media import read_body

SCREENERS = frozenset({Role.OFFICER, Role.ANALYST, Role.ADMIN})
MAX_RECORDS = 100_000
"""Records one request may carry; larger files go through `liaison screen`."""
SCREENED = "shipments.screened"
JSON, NDJSON = "application/json", "application/x-ndjson"

_RECORD_SCHEMA = {
    "type": "object",
    "required": list(REQUIRED),
    "additionalProperties": False,
    "properties": {
        column: {"type": "number", "minimum": 0} if column == "quantity_kg" else {"type": "string"}
        for column in COLUMNS
    },
}
_BODY_SCHEMA = {
    "oneOf": [
        {"type": "array", "items": _RECORD_SCHEMA},
        {
            "type": "object",
            "required": ["records"],
            "additionalProperties": False,
            "properties": {"records": {"type": "array", "items": _RECORD_SCHEMA}},
        },
    ]
}

router = APIRouter(prefix="/api/v1", tags=["precursors"])


def _screener_caller(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
    if caller.role not in SCREENERS:
        raise PermissionDenied(
            f"screening is for {', '.join(sorted(SCREENERS))}s; peer nodes read over TAXII"
        )
    return caller


ScreenerDep = Annotated[Caller, Depends(_screener_caller)]


@dataclass(frozen=True, slots=True)
class Sharing:
    """Where and how `share=true` stores the flagged records' incidents."""

    collection: str
    marking: Marking
    incident_type: IncidentType


def _media_kind(content_type: str | None) -> str:
    kind = (content_type or "").partition(";")[0].strip().lower()
    if kind not in (JSON, NDJSON):
        raise UnsupportedMediaType(
            f"send shipment records as {JSON} or {NDJSON}, not '{content_type or 'nothing'}'"
        )
    return kind


def _loads(text: bytes, where: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"{where} is not valid JSON: {exc}") from None


def _too_many() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"more than {MAX_RECORDS:,} records in one request: split them, or use `liaison screen`"
    )


def _json_records(body: bytes) -> list[Shipment]:
    document = _loads(body, "the request body")
    if isinstance(document, dict) and set(document) == {"records"}:
        document = document["records"]
    if not isinstance(document, list):
        raise InvalidInput('the request body must be an array of records or {"records": [...]}')
    if len(document) > MAX_RECORDS:
        raise _too_many()
    return [record_of(fields, f"record {n}") for n, fields in enumerate(document, start=1)]


def _ndjson_records(body: bytes) -> Iterator[Shipment]:
    count = 0
    for line, text in enumerate(body.split(b"\n"), start=1):
        if not text.strip():
            continue
        count += 1
        if count > MAX_RECORDS:
            raise _too_many()
        yield record_of(_loads(text, f"line {line}"), f"line {line}")


def parse_records(content_type: str | None, body: bytes) -> list[Shipment]:
    """The shipment records of a request body, or the error naming the first bad one."""
    if _media_kind(content_type) == JSON:
        return _json_records(body)
    return list(_ndjson_records(body))


def _writable(session: Session, viewer: Viewer, collection: str) -> None:
    """NotFound / PermissionDenied unless the viewer's party may write to `collection`."""
    require_collection(session, viewer, find_collection(session, collection), write=True)


def _screen(
    db: Database, settings: Settings, caller: Caller, shipments: list[Shipment],
    sharing: Sharing | None,
) -> dict[str, Any]:  # fmt: skip
    """Screen the records as the caller sees the shared incidents; store and record the outcome."""
    reference = load_reference()
    with db.session() as session:
        if sharing is not None:
            _writable(session, caller.viewer, sharing.collection)
        linked = linked_companies(session, caller.viewer)
    results: list[ScreenResult] = []
    flagged: list[tuple[Shipment, ScreenResult]] = []
    for shipment, result in Screener(reference, linked=linked).screen_all(shipments):
        results.append(result)
        if result.flagged:
            flagged.append((shipment, result))
    details: dict[str, Any] = {
        "party": caller.viewer.party, "records": len(results), "flagged": len(flagged),
        "reference_version": reference.version, "shared": sharing is not None,
    }  # fmt: skip
    shared: SharedIncidents | None = None
    # A read takes no write lock: its entry follows in a short transaction, and a request whose
    # entry cannot be written fails. Sharing stores, checks and records in one transaction.
    with db.session(write=True) as session:
        if sharing is not None and flagged:
            _writable(session, caller.viewer, sharing.collection)
            shared = share_incidents(
                session, flagged, collection_name=sharing.collection,
                origin=Origin(settings.node_name, caller.viewer.party), marking=sharing.marking,
                incident_type=sharing.incident_type, reference_version=reference.version,
                viewer=caller.viewer, actor=caller.viewer.name,
            )  # fmt: skip
        record(session, SCREENED, caller.viewer.name, details)
    return {
        "reference_version": reference.version, "records": len(results),
        "flagged": len(flagged), "results": [result.as_json() for result in results],
        "shared": None if shared is None else {
            "collection": shared.collection, "incidents": list(shared.incidents),
            "objects": shared.objects, "added": shared.added,
        },
    }  # fmt: skip


def _sharing(
    share: bool, collection: str | None, tlp: str, releasable_to: list[str], purpose: str | None,
    legal_basis: str | None, retain_until: str | None, incident_type: str,
    evaluation: str | None, caveats: list[str],
) -> Sharing | None:  # fmt: skip
    if not share:
        return None
    if not collection:
        raise InvalidInput("share=true needs a collection")
    marking = marking_of(
        tlp, releasable_to, purpose, legal_basis, retain_until, evaluation, caveats
    )
    return Sharing(collection, marking, incident_type_of(incident_type))


@router.post(
    "/screen",
    summary="Screen shipment records for fentanyl precursors",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": _BODY_SCHEMA}, NDJSON: {"schema": _RECORD_SCHEMA}},
        }
    },
)
async def post_screen(
    request: Request,
    caller: ScreenerDep,
    share: Annotated[bool, Query(description="Store an incident per flagged record.")] = False,
    collection: Annotated[str | None, Query(description="Collection to share into.")] = None,
    tlp: Annotated[str, Query(description="TLP of shared incidents.")] = "amber",
    releasable_to: Annotated[
        list[str], Query(description="Party the incidents may go to (repeatable).")
    ] = [],  # noqa: B006 - FastAPI copies defaults per request
    purpose: Annotated[str | None, Query(description="Why they are shared.")] = None,
    legal_basis: Annotated[str | None, Query(description="The legal basis of the share.")] = None,
    retain_until: Annotated[str | None, Query(description="YYYY-MM-DD or a timestamp.")] = None,
    evaluation: Annotated[
        str | None, Query(description="Admiralty grade of the incidents, e.g. B2.")
    ] = None,
    caveat: Annotated[list[str], Query(description="A caveat (repeatable).")] = [],  # noqa: B006
    incident_type: Annotated[str, Query(description="stopped-shipment, seizure, …")] = (
        "stopped-shipment"
    ),
) -> Response:
    """One verdict per record (`id`, `flagged`, `reasons`, `substance`, `controlled_as`,
    `cores`, as `liaison screen --json`), the counts and the reference data version; with
    `share=true`, what was stored."""
    settings: Settings = request.app.state.settings
    sharing = _sharing(
        share, collection, tlp, releasable_to, purpose, legal_basis, retain_until, incident_type,
        evaluation, caveat,
    )  # fmt: skip
    body = await read_body(request, settings.max_content_length)
    shipments = await run_in_threadpool(parse_records, request.headers.get("content-type"), body)
    answer = await run_in_threadpool(
        _screen, request.app.state.db, settings, caller, shipments, sharing
    )
    return Response(orjson.dumps(answer), media_type=JSON)
