"""RFI pages: send, list (inbox/outbox), close; the API's role rules; steps refused with reasons."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.web.conftest import WebNode

DUE = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%d")


def _send(node: WebNode, question: str) -> str:
    answer = node.client.post("/rfis", data={
        "csrf": node.csrf("/rfis"), "to": "in", "pillar": "cyber", "priority": "urgent",
        "due": DUE, "question": question, "purpose": "attribution",
    })  # fmt: skip
    assert answer.status_code == 200, answer.text
    found = re.search(r"/rfis/(liaison-rfi--[0-9a-f-]+)/close", answer.text)
    assert found, answer.text
    return found.group(1)


def test_send_list_and_close(node: WebNode) -> None:
    node.login("officer-ca")
    rfi = _send(node, "Who registered the C2 domain?")
    listing = node.client.get("/rfis").text
    assert "Who registered the C2 domain?" in listing and "Outbox" in listing
    closed = node.client.post(f"/rfis/{rfi}/close", data={"csrf": node.csrf(f"/rfis/{rfi}")})
    assert 'id="rfi-state">closed<' in closed.text


def test_refused_steps_say_why_and_change_nothing(node: WebNode) -> None:
    node.login("officer-ca")
    rfi = _send(node, "Is the loader still active?")
    refused = node.client.post(
        f"/rfis/{rfi}/answer", data={"csrf": node.csrf(f"/rfis/{rfi}"), "text": "yes"}
    )
    assert refused.status_code == 403 and 'id="rfi-error"' in refused.text
    assert 'id="rfi-state">sent<' in refused.text


def test_a_bad_due_date_is_shown_on_the_form(node: WebNode) -> None:
    node.login("officer-ca")
    answer = node.client.post("/rfis", data={
        "csrf": node.csrf("/rfis"), "to": "in", "pillar": "cyber", "priority": "routine",
        "due": "2001-01-01", "question": "late?",
    })  # fmt: skip
    assert answer.status_code == 400 and "already past" in answer.text


def test_roles_are_the_apis(node: WebNode) -> None:
    node.login("auditor-ca")  # reads RFIs, does not act
    assert node.client.get("/rfis").status_code == 200
    refused = node.client.post("/rfis", data={"csrf": node.csrf("/rfis"), "to": "in"})
    assert refused.status_code == 403
    node.logout()
    node.login("officer-in")  # a foreign officer: RFIs are the node party's
    assert node.client.get("/rfis").status_code == 403
