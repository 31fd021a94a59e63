"""The bilateral work plan as data: actions per pillar, their owners, status, dates, milestones.

Plain service functions taking a `Session` (they never commit); every change is recorded in the
audit log (`workplan.changed`) in the caller's transaction. Admins edit it through the web UI;
`liaison demo` seeds it (`seed_workplan`) with the plan's first actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison.audit.log import record
from liaison.errors import InvalidInput, NotFound
from liaison.stix.timestamps import now_micros
from liaison.store.models import WorkplanAction, WorkplanMilestone

PILLARS = ("liaison", "cyber", "task-force", "drugs", "immigration-fraud")
STATUSES = ("planned", "in-progress", "done", "delayed")
CHANGED = "workplan.changed"
TITLE_MAX = 300


@dataclass(frozen=True, slots=True)
class ActionFields:
    """What an action states (dates as YYYY-MM-DD, or empty)."""

    pillar: str
    title: str
    owner: str
    status: str
    start_date: str = ""
    due_date: str = ""


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """An action with its milestones, as the page shows it."""

    action: WorkplanAction
    milestones: list[WorkplanMilestone]


def _day(what: str, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(f"{what} '{text}' is not a date (YYYY-MM-DD)") from None


def _title(what: str, text: str) -> str:
    text = text.strip()
    if not text or len(text) > TITLE_MAX:
        raise InvalidInput(f"{what} must be 1 to {TITLE_MAX} characters")
    return text


def _checked(fields: ActionFields) -> dict[str, Any]:
    if fields.pillar not in PILLARS:
        raise InvalidInput(f"unknown pillar '{fields.pillar}': use one of {', '.join(PILLARS)}")
    if fields.status not in STATUSES:
        raise InvalidInput(f"unknown status '{fields.status}': use one of {', '.join(STATUSES)}")
    return {
        "pillar": fields.pillar, "title": _title("title", fields.title),
        "owner": _title("owner", fields.owner), "status": fields.status,
        "start_date": _day("start date", fields.start_date),
        "due_date": _day("due date", fields.due_date),
    }  # fmt: skip


def plan(session: Session) -> list[tuple[str, list[PlannedAction]]]:
    """The plan by pillar (in PILLARS order), actions by due date, milestones by due date."""
    actions = session.scalars(
        select(WorkplanAction).order_by(WorkplanAction.due_date, WorkplanAction.id)
    ).all()
    milestones: dict[int, list[WorkplanMilestone]] = {}
    for milestone in session.scalars(
        select(WorkplanMilestone).order_by(WorkplanMilestone.due_date, WorkplanMilestone.id)
    ):
        milestones.setdefault(milestone.action_id, []).append(milestone)
    return [
        (
            pillar,
            [PlannedAction(a, milestones.get(a.id, [])) for a in actions if a.pillar == pillar],
        )
        for pillar in PILLARS
    ]


def add_action(session: Session, actor: str, fields: ActionFields) -> WorkplanAction:
    """Add an action to the plan."""
    action = WorkplanAction(**_checked(fields), updated_at=now_micros(), updated_by=actor)
    session.add(action)
    session.flush()
    record(session, CHANGED, actor, {"action": action.id, "added": _checked(fields)})
    return action


def update_action(session: Session, actor: str, action_id: int, fields: ActionFields) -> None:
    """Restate an action (title, owner, status, dates, pillar)."""
    action = session.get(WorkplanAction, action_id)
    if action is None:
        raise NotFound(f"no work-plan action {action_id}")
    values = _checked(fields)
    for name, value in values.items():
        setattr(action, name, value)
    action.updated_at, action.updated_by = now_micros(), actor
    record(session, CHANGED, actor, {"action": action_id, "now": values})


def add_milestone(
    session: Session, actor: str, action_id: int, title: str, due_date: str
) -> WorkplanMilestone:
    """Add a milestone to an action."""
    if session.get(WorkplanAction, action_id) is None:
        raise NotFound(f"no work-plan action {action_id}")
    milestone = WorkplanMilestone(
        action_id=action_id, title=_title("milestone", title),
        due_date=_day("due date", due_date), done_date=None, updated_at=now_micros(),
    )  # fmt: skip
    session.add(milestone)
    session.flush()
    record(session, CHANGED, actor, {"milestone": milestone.id, "action": action_id,
                                     "title": milestone.title, "due": milestone.due_date})  # fmt: skip
    return milestone


def set_milestone_done(session: Session, actor: str, milestone_id: int, done_date: str) -> None:
    """Mark a milestone met on `done_date` (empty: not met)."""
    milestone = session.get(WorkplanMilestone, milestone_id)
    if milestone is None:
        raise NotFound(f"no work-plan milestone {milestone_id}")
    milestone.done_date = _day("date met", done_date)
    milestone.updated_at = now_micros()
    record(session, CHANGED, actor, {"milestone": milestone_id, "done": milestone.done_date})


_SEED: tuple[tuple[str, str, str, str, int, int, tuple[tuple[str, int, bool], ...]], ...] = (
    ("liaison", "Liaison officers deployed in each capital", "both governments", "done", -120, -30,
     (("Canadian liaison officer posted in New Delhi", -45, True),
      ("Indian liaison officer posted in Ottawa", -30, True))),
    ("cyber", "First joint cybersecurity task-force work", "joint cyber task force", "in-progress",
     -60, 60, (("Terms of reference agreed", -20, True),
               ("First joint ransomware investigation opened", 30, False))),
    ("task-force", "Counter-measure recommendations shared", "joint cyber task force", "planned",
     0, 120, (("First set of technical recommendations shared", 90, False),)),
    ("drugs", "Fentanyl-precursor incidents exchanged in real time", "drug enforcement agencies",
     "in-progress", -30, 90, (("First precursor incident shared over liaison", -5, True),)),
    ("immigration-fraud", "Visa-fraud ring matching pilot", "immigration agencies", "planned",
     30, 180, (("Privacy-preserving linkage agreed with the privacy officers", 60, False),)),
)  # fmt: skip


def seed_workplan(session: Session, actor: str, today: date) -> int:
    """Seed an empty plan with its first actions (dates relative to `today`); 0 if not empty."""
    if session.scalar(select(func.count()).select_from(WorkplanAction)):
        return 0
    for pillar, title, owner, status, start, due, milestones in _SEED:
        fields = ActionFields(
            pillar, title, owner, status, (today + timedelta(days=start)).isoformat(),
            (today + timedelta(days=due)).isoformat(),
        )  # fmt: skip
        action = add_action(session, actor, fields)
        for name, days, met in milestones:
            day = (today + timedelta(days=days)).isoformat()
            milestone = add_milestone(session, actor, action.id, name, day)
            if met:
                set_milestone_done(session, actor, milestone.id, day)
    return len(_SEED)
