"""TAXII 2.1 collection content (§5.3–§5.8): manifests, objects, one object, its versions.

Every read asks `liaison.access.visibility` for the caller's SQL clause and passes it to the
store's query, so pages, the `more` flag, `next` tokens and date headers cover exactly the
objects the caller may see; an object it may not see is reported missing (404), never forbidden.
Pages are keyset pages on `date_added` (ascending), never result sets held in memory.

Every read, add and delete appends one audit entry in the same transaction (see docs/audit.md):
a read names the ids it returned, or only their count and `date_added` range for a large page. An
add that stores objects `release.require_evaluation` holds back from peers says so in its status
and in a second entry (`liaison.access.release`). An add refuses workflow objects (RFIs, their
steps, withdrawals: `liaison.store.workflow`), reported in its status like invalid objects.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Text, cast
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liaison.access.http import Caller, authenticated
from liaison.access.release import HELD_BACK, held_back, record_held_back
from liaison.access.visibility import Access
from liaison.audit.log import read_kind, record
from liaison.errors import Conflict, InvalidStix, NotFound
from liaison.stix.canonical import canonical_digest
from liaison.stix.timestamps import micros_to_timestamp, now_micros
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.store.objects import Origin, add_objects
from liaison.store.query import ObjectFilter, RowPage, count_objects, delete_objects, read_columns
from liaison.store.workflow import refuse_workflow_objects
from liaison.taxii import status
from liaison.taxii.deps import (
    database,
    egress_signer_of,
    open_collection,
    settings_of,
    signer_of,
)
from liaison.taxii.egress import peer_columns, peer_documents
from liaison.taxii.envelopes import joined, paged_response, version_text
from liaison.taxii.media import (
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    TaxiiResponse,
    check_content_type,
    parse_envelope,
    read_body,
    require_taxii_accept,
)
from liaison.taxii.paging import (
    Paging,
    collection_filter,
    delete_filter,
    normalised,
    object_filter,
    paging,
    query_key,
    versions_filter,
)

COLLECTION = "/api/collections/{collection_id}"
CallerDep = Annotated[Caller, Depends(authenticated)]
PagingDep = Annotated[Paging, Depends(paging)]
READ_IDS_MAX = 100  # a read entry lists the ids it returned up to this many
_ENVELOPE_SCHEMA = {
    "type": "object",
    "required": ["objects"],
    "properties": {"objects": {"type": "array", "items": {"type": "object"}}},
}

router = APIRouter(
    prefix="/taxii2",
    tags=["taxii"],
    dependencies=[Depends(require_taxii_accept)],
    default_response_class=TaxiiResponse,
)


def _read(
    request: Request,
    caller: Caller,
    collection_id: str,
    flt: ObjectFilter,
    paged: Paging,
    columns: list[Any],
    endpoint: str,
    object_id: str | None = None,
) -> tuple[RowPage, str | None]:
    """A visible page of `columns` and the `next` token continuing it (when more follow).

    With `object_id` (one object's endpoints), NotFound when no version of it is visible.
    """
    signer = signer_of(request)
    query = query_key(endpoint, collection_id, normalised(flt))
    after = signer.after(paged.next, query) if paged.next else None
    db = database(request)
    with db.session() as session:
        access = open_collection(session, caller.viewer, collection_id)
        where = access.clause(caller.viewer)
        page = read_columns(
            session, collection_id, flt, [*columns, StixObject.id.expression], limit=paged.limit, after=after,
            where=where,
        )  # fmt: skip
        ids = [row[-2] for row in page.rows]
        page = dataclasses.replace(page, rows=[(*row[:-2], row[-1]) for row in page.rows])
        if not page.rows and object_id is not None:
            _require_visible(session, access, caller, collection_id, object_id)
    # Reads take no write lock; the entry follows in its own short transaction, and a read whose
    # entry cannot be written fails rather than leaving the node unrecorded.
    with db.session(write=True) as session:
        record(session, read_kind(caller.is_peer), caller.viewer.name, _read_details(
            caller, collection_id, endpoint, flt, page, ids
        ))  # fmt: skip
    last = page.last_date_added
    token = signer.issue(last, query) if page.more and last is not None else None
    return page, token


def _read_details(
    caller: Caller,
    collection_id: str,
    endpoint: str,
    flt: ObjectFilter,
    page: RowPage,
    ids: list[str],
) -> dict[str, Any]:
    """What a read entry says: who, where, which filter, and which objects (or how many)."""
    details: dict[str, Any] = {
        "collection": collection_id, "party": caller.viewer.party, "endpoint": endpoint,
        "filter": normalised(flt), "count": len(ids),
        "first_date_added": page.first_date_added, "last_date_added": page.last_date_added,
    }  # fmt: skip
    if len(ids) <= READ_IDS_MAX:
        details["ids"] = ids
    return details


def _require_visible(
    session: Session, access: Access, caller: Caller, collection_id: str, object_id: str
) -> None:
    """NotFound unless some version of `object_id` is visible to the caller."""
    every_version = ObjectFilter(ids=(object_id,), versions=("all",))
    if not count_objects(session, collection_id, every_version, where=access.clause(caller.viewer)):
        raise NotFound(f"no object '{object_id}' in collection '{collection_id}'")


def _object_columns(request: Request, caller: Caller) -> list[Any]:
    """The stored body text; for a peer also its signed form and the row's key."""
    if caller.is_peer:
        return peer_columns(database(request).dialect)
    return [cast(StixObject.body, Text)]


def _served(request: Request, caller: Caller, collection_id: str, page: RowPage) -> bytes:
    """The page's objects as envelope members: stored bodies, or signed ones for a peer."""
    if not caller.is_peer:
        return joined(row[0] for row in page.rows)
    signer = egress_signer_of(request)
    return joined(peer_documents(database(request), signer, collection_id, page.rows))


@router.get(f"{COLLECTION}/manifest/", summary="Get object manifests (TAXII 2.1 §5.3)")
def get_manifest(
    request: Request,
    collection_id: str,
    caller: CallerDep,
    flt: Annotated[ObjectFilter, Depends(collection_filter)],
    paged: PagingDep,
) -> TaxiiResponse:
    """A page of manifest records (§5.3.1) of the objects the caller may see."""
    columns = [StixObject.id, StixObject.modified, StixObject.created]
    page, token = _read(request, caller, collection_id, flt, paged, columns, "manifest")
    records = [
        {
            "id": object_id,
            "date_added": micros_to_timestamp(added),
            "version": version_text(modified, created, added),
            "media_type": STIX_MEDIA_TYPE,
        }
        for object_id, modified, created, added in page.rows
    ]
    items = joined(orjson.dumps(record).decode() for record in records)
    return paged_response(page, "objects", items, token)


@router.get(f"{COLLECTION}/objects/", summary="Get objects (TAXII 2.1 §5.4)")
def get_objects(
    request: Request,
    collection_id: str,
    caller: CallerDep,
    flt: Annotated[ObjectFilter, Depends(collection_filter)],
    paged: PagingDep,
) -> TaxiiResponse:
    """A page envelope (§3.7) of the objects the caller may see, ascending `date_added`."""
    page, token = _read(
        request, caller, collection_id, flt, paged, _object_columns(request, caller), "objects"
    )
    return paged_response(page, "objects", _served(request, caller, collection_id, page), token)


@router.get(f"{COLLECTION}/objects/{{object_id}}/", summary="Get an object (TAXII 2.1 §5.6)")
def get_object(
    request: Request,
    collection_id: str,
    object_id: str,
    caller: CallerDep,
    flt: Annotated[ObjectFilter, Depends(object_filter)],
    paged: PagingDep,
) -> TaxiiResponse:
    """An envelope of the object's versions matching the filters (default: the latest)."""
    flt = dataclasses.replace(flt, ids=(object_id,))
    columns = _object_columns(request, caller)
    page, token = _read(request, caller, collection_id, flt, paged, columns, "object", object_id)
    return paged_response(page, "objects", _served(request, caller, collection_id, page), token)


@router.get(
    f"{COLLECTION}/objects/{{object_id}}/versions/",
    summary="Get object versions (TAXII 2.1 §5.8)",
)
def get_versions(
    request: Request,
    collection_id: str,
    object_id: str,
    caller: CallerDep,
    flt: Annotated[ObjectFilter, Depends(versions_filter)],
    paged: PagingDep,
) -> TaxiiResponse:
    """The versions (§5.8.1) of one object the caller may see, by `date_added`."""
    flt = dataclasses.replace(flt, ids=(object_id,))
    columns = [StixObject.modified, StixObject.created]
    page, token = _read(request, caller, collection_id, flt, paged, columns, "versions", object_id)
    versions = (version_text(modified, created, added) for modified, created, added in page.rows)
    return paged_response(page, "versions", joined(f'"{v}"' for v in versions), token)


@router.delete(
    f"{COLLECTION}/objects/{{object_id}}/",
    summary="Delete an object (TAXII 2.1 §5.7)",
    response_class=Response,
    responses={200: {"description": "The matching versions were deleted."}},
)
def delete_object(
    request: Request,
    collection_id: str,
    object_id: str,
    caller: CallerDep,
    flt: Annotated[ObjectFilter, Depends(delete_filter)],
) -> Response:
    """Delete the object's versions matching the filters (default: all) that the caller may see."""
    flt = dataclasses.replace(flt, ids=(object_id,))
    with database(request).session(write=True) as session:
        access = open_collection(session, caller.viewer, collection_id, write=True)
        deleted = delete_objects(session, collection_id, flt, where=access.clause(caller.viewer))
        if not deleted:
            raise NotFound(f"no object '{object_id}' in collection '{collection_id}'")
        record(session, "objects.deleted", caller.viewer.name, {
            "collection": collection_id, "party": caller.viewer.party, "id": object_id,
            "filter": normalised(flt), "versions": deleted,
        })  # fmt: skip
    return Response(status_code=200)


def _store(
    db: Database,
    origin: Origin,
    caller: Caller,
    collection_id: str,
    objects: list[Any],
    require_evaluation: bool,
) -> dict[str, Any]:
    """Add an envelope's objects all or nothing and record the outcome as a status.

    With `require_evaluation` (the node's setting), the status names what is held back from
    foreign parties.
    """
    requested = now_micros()
    with db.session(write=True) as session:
        access = open_collection(session, caller.viewer, collection_id, write=True)
        succeeded: list[status.Detail] = []
        failed: list[status.Detail] = []
        try:
            with session.begin_nested():
                refuse_workflow_objects(objects)
                add_objects(
                    session, access.collection, objects, origin=origin, actor=caller.viewer.name
                )
            succeeded = _held_back(
                session, caller, collection_id, objects, require_evaluation,
                status.successes(session, collection_id, objects),
            )  # fmt: skip
        except InvalidStix as exc:
            failed = status.failures(objects, exc.problems)
        except Conflict as exc:
            failed = status.conflicts(objects, exc.message)
        resource = status.record_status(
            session,
            collection_id=collection_id,
            principal_id=caller.principal_id,
            request_timestamp=requested,
            succeeded=succeeded,
            failed=failed,
        )
        record(session, "objects.added", caller.viewer.name, _add_details(
            caller, collection_id, resource["id"], succeeded, failed
        ))  # fmt: skip
        return resource


def _held_back(
    session: Session,
    caller: Caller,
    collection_id: str,
    objects: list[Any],
    require_evaluation: bool,
    succeeded: list[status.Detail],
) -> list[status.Detail]:
    """The successes, each object held back from peers saying so; audited with the write."""
    held = held_back(objects, require_evaluation=require_evaluation)
    record_held_back(session, caller.viewer.name, collection_id, held)
    return status.with_message(succeeded, held, HELD_BACK)


def _add_details(
    caller: Caller,
    collection_id: str,
    status_id: str,
    succeeded: list[status.Detail],
    failed: list[status.Detail],
) -> dict[str, Any]:
    """What an add entry says: one per envelope, with a digest of every (id, version) stored.

    The digest is SHA-256 of the canonical JSON of the status's success list, so the entry
    commits to exactly what was stored while staying small; up to READ_IDS_MAX ids are listed.
    """
    details: dict[str, Any] = {
        "collection": collection_id, "party": caller.viewer.party, "status": status_id,
        "added": len(succeeded), "failed": len(failed),
        "successes_sha256": canonical_digest(succeeded),
    }  # fmt: skip
    if len(succeeded) <= READ_IDS_MAX:
        details["ids"] = [[detail["id"], detail["version"]] for detail in succeeded]
    return details


@router.post(
    f"{COLLECTION}/objects/",
    summary="Add objects (TAXII 2.1 §5.5)",
    status_code=202,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {TAXII_MEDIA_TYPE: {"schema": _ENVELOPE_SCHEMA}},
        }
    },
)
async def post_objects(request: Request, collection_id: str, caller: CallerDep) -> TaxiiResponse:
    """Store an envelope's objects (all or nothing) and answer 202 with its status (§4.3.1)."""
    settings = settings_of(request)
    check_content_type(request.headers.get("content-type"))
    objects = parse_envelope(await read_body(request, settings.max_content_length))
    origin = Origin(settings.node_name, caller.viewer.party)
    held_back_required = settings.release.require_evaluation
    resource = await run_in_threadpool(
        _store, database(request), origin, caller, collection_id, objects, held_back_required
    )
    return TaxiiResponse(resource, status_code=202)
