"""`POST /api/v1/objects/{object_id}/withdraw`: an officer or admin withdraws an object.

Only objects this node originated for the caller's own party can be withdrawn; any other is
answered as absent (404), as the visibility policy answers what a caller may not see. The
withdrawal and its audit entry are one transaction (`liaison.store.withdrawal`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from liaison.access.http import Caller, authenticated
from liaison.access.models import Role
from liaison.config import Settings
from liaison.errors import PermissionDenied
from liaison.store.database import Database
from liaison.store.withdrawal import withdraw_object

WITHDRAWERS = frozenset({Role.OFFICER, Role.ADMIN})

router = APIRouter(prefix="/api/v1/objects", tags=["withdrawal"])


class WithdrawRequest(BaseModel):
    """Why the object is withdrawn (kept in the revoked version and the audit log)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


def _withdrawer(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
    if caller.role not in WITHDRAWERS:
        raise PermissionDenied("objects are withdrawn by officers and admins of their party")
    return caller


@router.post("/{object_id}/withdraw", summary="Withdraw an object this node originated")
def withdraw(
    request: Request,
    object_id: str,
    body: WithdrawRequest,
    caller: Annotated[Caller, Depends(_withdrawer)],
) -> dict[str, Any]:
    """Store the object's revoked version; every node stops serving it once it has it.

    Answers `{id, version, reason, collections}`; 404 for an object of another party or none,
    403 for one another node originated, 409 for one already withdrawn.
    """
    db: Database = request.app.state.db
    settings: Settings = request.app.state.settings
    with db.session(write=True) as session:
        withdrawal = withdraw_object(
            session, object_id, body.reason, node=settings.node_name,
            actor=caller.viewer.name, party=caller.viewer.party,
        )  # fmt: skip
    return withdrawal.as_json()
