"""The audit page: auditors and admins only; filters by kind, actor and time."""

from __future__ import annotations

from liaison.audit.log import record
from tests.web.conftest import WebNode


def test_only_auditors_and_admins_read_the_log(node: WebNode) -> None:
    node.login("officer-ca")
    assert node.client.get("/audit").status_code == 403
    node.logout()
    node.login("admin-ca")
    assert node.client.get("/audit").status_code == 200


def test_filters(node: WebNode) -> None:
    with node.db.session(write=True) as session:
        record(session, "test.kind-one", "someone", {"note": "first"})
        record(session, "test.kind-two", "someone-else", {"note": "second"})
    node.login("auditor-ca")
    page = node.client.get("/audit?kind=test.kind-one").text
    assert "someone" in page and "test.kind-two</td>" not in page
    page = node.client.get("/audit?actor=someone-else").text
    assert "test.kind-two</td>" in page and "test.kind-one</td>" not in page
    assert "no entry matches" in node.client.get("/audit?until=2001-01-01").text
    assert node.client.get("/audit?since=yesterday").status_code == 400
