"""TAXII 2.1 status resources (§4.3): the outcome of each POST of an envelope, kept in the store.

A write is all or nothing (`liaison.store.objects.add_objects`): either every object of the
envelope succeeds (exact duplicates included, as already stored), or none is stored and each is
reported as a failure, the invalid ones with their problems. Only the principal that posted an
envelope can read its status; for anyone else it does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison.errors import NotFound, ObjectProblem
from liaison.stix.timestamps import micros_to_timestamp
from liaison.store.models import StixObject, TaxiiStatus

ALL_OR_NOTHING = "not stored: the envelope had invalid objects and is stored all or nothing"
Detail = dict[str, str]


def _identity(obj: object) -> tuple[str, str]:
    """An object's id and version as far as it has them ('' where it has none)."""
    if not isinstance(obj, Mapping):
        return "", ""
    version = obj.get("modified") or obj.get("created") or ""
    return str(obj.get("id", "")), str(version)


def successes(session: Session, collection_id: str, objects: Sequence[Any]) -> list[Detail]:
    """One success per stored object; an SCO's version is the `date_added` it was stored at."""
    sco_ids = sorted(
        {obj["id"] for obj in objects if "modified" not in obj and "created" not in obj}
    )
    sco_versions: dict[str, str] = {}
    for start in range(0, len(sco_ids), 500):
        rows = session.execute(
            select(StixObject.id, func.max(StixObject.date_added))
            .where(
                StixObject.collection_id == collection_id,
                StixObject.id.in_(sco_ids[start : start + 500]),
            )
            .group_by(StixObject.id)
        )
        sco_versions.update({object_id: micros_to_timestamp(added) for object_id, added in rows})
    details = []
    for obj in objects:
        object_id, version = _identity(obj)
        details.append({"id": object_id, "version": version or sco_versions.get(object_id, "")})
    return details


def with_message(details: list[Detail], ids: Iterable[str], message: str) -> list[Detail]:
    """`details` with `message` added to those of `ids` (e.g. a success held back from peers)."""
    chosen = set(ids)
    return [
        detail | {"message": message} if detail["id"] in chosen else detail for detail in details
    ]


def failures(objects: Sequence[Any], problems: Sequence[ObjectProblem]) -> list[Detail]:
    """Every object of a rejected envelope as a failure, the invalid ones with their problems."""
    by_index: dict[int, list[str]] = {}
    for problem in problems:
        if problem.index is not None:
            field = f"{problem.field}: " if problem.field else ""
            by_index.setdefault(problem.index, []).append(field + problem.message)
    details = []
    for index, obj in enumerate(objects):
        object_id, version = _identity(obj)
        message = "; ".join(by_index[index]) if index in by_index else ALL_OR_NOTHING
        details.append({"id": object_id, "version": version, "message": message})
    return details


def conflicts(objects: Sequence[Any], message: str) -> list[Detail]:
    """Every object of an envelope refused for a conflict with stored content, as a failure."""
    return [
        {"id": object_id, "version": version, "message": f"not stored: {message}"}
        for object_id, version in map(_identity, objects)
    ]


def record_status(
    session: Session,
    *,
    collection_id: str,
    principal_id: int,
    request_timestamp: int,
    succeeded: list[Detail],
    failed: list[Detail],
) -> dict[str, Any]:
    """Store the status of one POST and return it as a TAXII status resource."""
    status = TaxiiStatus(
        id=str(uuid.uuid4()),
        collection_id=collection_id,
        principal_id=principal_id,
        request_timestamp=request_timestamp,
        total_count=len(succeeded) + len(failed),
        success_count=len(succeeded),
        failure_count=len(failed),
        pending_count=0,
        details={"successes": succeeded, "failures": failed, "pendings": []},
    )
    session.add(status)
    session.flush()
    return status_resource(status)


def status_resource(status: TaxiiStatus) -> dict[str, Any]:
    """The TAXII 2.1 status resource of a stored status."""
    return {
        "id": status.id,
        "status": "complete" if status.pending_count == 0 else "pending",
        "request_timestamp": micros_to_timestamp(status.request_timestamp),
        "total_count": status.total_count,
        "success_count": status.success_count,
        "successes": status.details["successes"],
        "failure_count": status.failure_count,
        "failures": status.details["failures"],
        "pending_count": status.pending_count,
        "pendings": status.details["pendings"],
    }


def find_status(session: Session, status_id: str, principal_id: int) -> TaxiiStatus:
    """The status `status_id` if `principal_id` posted it, else NotFound."""
    status = session.get(TaxiiStatus, status_id)
    if status is None or status.principal_id != principal_id:
        raise NotFound(f"no status '{status_id}'")
    return status
