"""TAXII 2.1 server and API root endpoints (§4) and collections (§5.1, §5.2) at `/taxii2/`.

There is one API root, `/taxii2/api/`. Every endpoint requires authentication and answers in
`application/taxii+json;version=2.1`; a collection the caller's party holds no grant on does not
exist for it (404), and a status exists only for the principal that posted its envelope.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from liaison.access.http import Caller, authenticated
from liaison.access.visibility import Access, collection_access
from liaison.store.collections import list_collections
from liaison.taxii.deps import database, granted_collection, settings_of
from liaison.taxii.media import (
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    TaxiiResponse,
    require_taxii_accept,
)
from liaison.taxii.status import find_status, status_resource

API_ROOT = "/taxii2/api/"
CallerDep = Annotated[Caller, Depends(authenticated)]

router = APIRouter(
    prefix="/taxii2",
    tags=["taxii"],
    dependencies=[Depends(require_taxii_accept)],
    default_response_class=TaxiiResponse,
)


def _collection_resource(access: Access) -> dict[str, Any]:
    collection = access.collection
    return {
        "id": collection.id,
        "title": collection.name,
        "description": collection.description,
        "can_read": access.can_read,
        "can_write": access.can_write,
        "media_types": [STIX_MEDIA_TYPE],
    }


@router.get("/", summary="Server discovery (TAXII 2.1 §4.1)")
def discovery(request: Request, _caller: CallerDep) -> TaxiiResponse:
    """The discovery resource (§4.1.1): this node's one API root, also its default."""
    settings = settings_of(request)
    return TaxiiResponse({
        "title": f"liaison node {settings.node_name}",
        "description": f"TAXII 2.1 server of party '{settings.party}'",
        "default": API_ROOT,
        "api_roots": [API_ROOT],
    })  # fmt: skip


@router.get("/api/", summary="API root information (TAXII 2.1 §4.2)")
def api_root(request: Request, _caller: CallerDep) -> TaxiiResponse:
    """The API root resource (§4.2.1): TAXII 2.1 only; bodies up to `max_content_length`."""
    settings = settings_of(request)
    return TaxiiResponse({
        "title": f"liaison {settings.node_name}",
        "description": "STIX 2.1 intelligence shared under TLP 2.0 and liaison handling rules",
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": settings.max_content_length,
    })  # fmt: skip


@router.get("/api/status/{status_id}/", summary="Get status (TAXII 2.1 §4.3)")
def get_status(request: Request, status_id: str, caller: CallerDep) -> TaxiiResponse:
    """The status resource (§4.3.1) of an envelope this principal posted."""
    with database(request).session() as session:
        return TaxiiResponse(status_resource(find_status(session, status_id, caller.principal_id)))


@router.get("/api/collections/", summary="Get collections (TAXII 2.1 §5.1)")
def get_collections(request: Request, caller: CallerDep) -> TaxiiResponse:
    """The collections (§5.1.1) the caller's party holds a grant on, by title."""
    with database(request).session() as session:
        granted = [
            access
            for collection in list_collections(session)
            if (access := collection_access(session, caller.viewer, collection)).can_read
            or access.can_write
        ]
        return TaxiiResponse({"collections": [_collection_resource(a) for a in granted]})


@router.get("/api/collections/{collection_id}/", summary="Get a collection (TAXII 2.1 §5.2)")
def get_collection(request: Request, collection_id: str, caller: CallerDep) -> TaxiiResponse:
    """One collection resource (§5.2.1), if the caller's party holds a grant on it."""
    with database(request).session() as session:
        access = granted_collection(session, caller.viewer, collection_id)
        return TaxiiResponse(_collection_resource(access))
