"""`/api/v1/objects/{object_id}/grades` and `/api/v1/grades`: receiver grading over HTTP.

An officer, analyst or admin of the node's party grades an object the node received (POST, 201
with the grade); the same roles and auditors of that party list the grades given by it and
received for objects it originated (GET). Principals of other parties and peer nodes do neither
(a grade is stored as the node's party's): a grade reaches the originator by sync, as a STIX
object.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from liaison.access.http import Caller, authenticated
from liaison.access.models import Role
from liaison.config import Settings
from liaison.exchange.callers import require_own_party
from liaison.exchange.grades import grade_object, list_grades, parse_evaluation
from liaison.store.database import Database

GRADERS = frozenset({Role.OFFICER, Role.ANALYST, Role.ADMIN})
GRADE_READERS = GRADERS | {Role.AUDITOR}

router = APIRouter(prefix="/api/v1", tags=["exchange"])


class GradeRequest(BaseModel):
    """The body of a grade: Admiralty source reliability and information credibility."""

    model_config = ConfigDict(extra="forbid")

    reliability: str = Field(description="Source reliability, one letter A-F.", max_length=10)
    credibility: int = Field(description="Information credibility, 1-6.")
    comment: str | None = Field(default=None, description="Free text for the originator.")


def _state(request: Request) -> tuple[Settings, Database]:
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    return settings, db


@router.post("/objects/{object_id}/grades", status_code=201, summary="Grade a received object")
def post_grade(
    request: Request,
    object_id: str,
    body: GradeRequest,
    caller: Annotated[Caller, Depends(authenticated)],
) -> dict[str, Any]:
    """Grade `object_id` (received from a peer, visible to the caller); answers the grade."""
    settings, db = _state(request)
    require_own_party(caller, settings.party, GRADERS, "grading")
    evaluation = parse_evaluation(body.reliability, body.credibility)
    with db.session(write=True) as session:
        grade = grade_object(
            session, node=settings.node_name, party=settings.party, grader=caller.viewer,
            object_id=object_id, evaluation=evaluation, comment=body.comment,
        )  # fmt: skip
    return grade.as_json()


@router.get("/grades", summary="List grades given and received")
def get_grades(
    request: Request,
    caller: Annotated[Caller, Depends(authenticated)],
    object_id: Annotated[
        str | None, Query(alias="object", description="Only the grades of this object.")
    ] = None,
) -> dict[str, Any]:
    """Grades given by this node's party and received for objects it originated, oldest first."""
    settings, db = _state(request)
    require_own_party(caller, settings.party, GRADE_READERS, "reading grades")
    with db.session() as session:
        grades = list_grades(session, caller.viewer, settings.party, object_id)
    return {"grades": [grade.as_json() for grade in grades]}
