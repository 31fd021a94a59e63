"""Workflow objects: what only the workflow services write, never a generic write.

Requests for information and their steps (`liaison-rfi`, `liaison-rfi-event`) and withdrawals (a
revoked version carrying a `withdrawal_reason`) carry rules a plain write skips: who may take
each step, the RFI fold's refusals, the `rfi.*` audit entries, the originator-only withdrawal.
So a TAXII POST (`liaison.taxii.objects`) and `liaison import` (`liaison.store.transfer`) refuse
them, naming the command and API that write them. The workflow services themselves and sync from
peers store them through `add_objects`, which does not ask. See docs/exchange.md and
docs/withdrawal.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from liaison.errors import InvalidStix, ObjectProblem
from liaison.stix.extensions import CORRESPONDENCE_TYPES
from liaison.store.revocation import withdrawal_reason

RFI_WAY = "an RFI or a step of one: use `liaison rfi …` or /api/v1/rfis"
WITHDRAWAL_WAY = (
    "a withdrawal: use `liaison withdraw ID --reason …` or POST /api/v1/objects/{id}/withdraw"
)


def workflow_problem(obj: object) -> ObjectProblem | None:
    """Why a generic write refuses `obj` (a workflow object), naming the way to write it."""
    if not isinstance(obj, Mapping):
        return None
    object_id = str(obj.get("id", ""))
    if obj.get("type") in CORRESPONDENCE_TYPES:
        return ObjectProblem(object_id, "type", f"not stored here: {RFI_WAY}")
    if obj.get("revoked") is True and withdrawal_reason(obj) is not None:
        return ObjectProblem(object_id, "revoked", f"not stored here: {WITHDRAWAL_WAY}")
    return None


def refuse_workflow_objects(objects: Sequence[Any]) -> None:
    """Raise InvalidStix naming each workflow object of `objects` (nothing is then written)."""
    problems = [
        replace(problem, index=index)
        for index, obj in enumerate(objects)
        if (problem := workflow_problem(obj)) is not None
    ]
    if problems:
        raise InvalidStix(problems)
