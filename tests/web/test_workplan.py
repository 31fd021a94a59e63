"""The work plan: seeded, shown beside the exchange figures, edited by admins only, audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from liaison.store.database import Database
from liaison.store.models import AuditEntry, WorkplanAction
from liaison.web.workplan import seed_workplan
from tests.web.conftest import WebNode


def _seed(db: Database) -> None:
    with db.session(write=True) as session:
        assert seed_workplan(session, "local", date(2026, 11, 26)) == 5
        assert seed_workplan(session, "local", date(2026, 11, 26)) == 0  # only an empty plan


def test_the_plan_and_figures_are_shown(node: WebNode) -> None:
    _seed(node.db)
    node.login("officer-ca")
    page = node.client.get("/workplan").text
    assert "Liaison officers deployed in each capital" in page
    assert "First joint cybersecurity task-force work" in page
    assert "Counter-measure recommendations shared" in page
    assert "<svg" in page and "Objects shared each way, by month" in page
    assert 'action="/workplan/actions"' not in page  # officers do not edit
    report = node.client.get("/workplan/report").text
    assert "progress report" in report and "<form" not in report
    node.logout()
    node.login("officer-in")  # a foreign officer: the plan, not this party's figures
    assert "for this node's own party" in node.client.get("/workplan").text


def test_only_admins_edit_and_every_edit_is_audited(node: WebNode) -> None:
    _seed(node.db)
    with node.db.session() as session:
        action = session.scalars(select(WorkplanAction).order_by(WorkplanAction.id)).first()
        assert action is not None
        action_id = action.id
    form = {"pillar": "liaison", "title": "Liaison officers deployed in each capital",
            "owner": "both governments", "status": "delayed"}  # fmt: skip
    node.login("officer-ca")
    refused = node.client.post(
        f"/workplan/actions/{action_id}", data={**form, "csrf": node.csrf("/feed")}
    )
    assert refused.status_code == 403
    node.logout()
    node.login("admin-ca")
    page = node.client.post(
        f"/workplan/actions/{action_id}", data={**form, "csrf": node.csrf("/workplan")}
    )
    assert page.status_code == 200 and 'class="status-delayed"' in page.text
    bad = node.client.post(
        "/workplan/actions", data={**form, "pillar": "tea", "csrf": node.csrf("/workplan")}
    )
    assert bad.status_code == 400 and "unknown pillar" in bad.text
    with node.db.session() as session:
        changed = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.kind == "workplan.changed")
        )
        assert "admin-ca" in list(changed)
