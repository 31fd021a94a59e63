"""`/api/v1/rfis` and `/api/v1/stats` in-process, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import start_blocking_portal
from sqlalchemy import select

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.app import create_app
from liaison.config import Settings
from liaison.exchange.collection import exchange_collection
from liaison.exchange.rfi_objects import rfi_object
from liaison.exchange.stats import month_of
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from liaison.store.objects import Origin, add_objects
from tests.exchange.conftest import shared_indicator
from tests.taxii.conftest import Client

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
USERS = {"alice": ("ca", Role.OFFICER), "anna": ("ca", Role.ANALYST),
         "bob": ("in", Role.OFFICER), "nd": ("in", Role.PEER)}  # fmt: skip


@dataclass
class Api:
    """The app's client, a token per user, the store and two objects to refer to."""

    client: Client
    tokens: dict[str, str]
    db: Database
    shared: str
    received_rfi: str

    def call(self, method: str, path: str, user: str = "alice", **kwargs: Any) -> httpx.Response:
        """`method` on `/api/v1/{path}` as `user`."""
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.client.request(method, f"/api/v1/{path}", headers=headers, **kwargs)

    def ok(self, method: str, path: str, user: str = "alice", **kwargs: Any) -> dict[str, Any]:
        """A successful call's JSON."""
        response = self.call(method, path, user, **kwargs)
        assert response.status_code in (200, 201), response.text
        value: dict[str, Any] = response.json()
        return value


def _new_rfi(**extra: Any) -> dict[str, Any]:
    return {"to": "in", "pillar": "cyber", "priority": "priority", "due": TOMORROW,
            "question": "Which ASN hosts 198.51.100.1?", **extra}  # fmt: skip


@pytest.fixture
def api(db: Database, tmp_path: Path) -> Iterator[Api]:
    """Node ottawa (ca) holding a shared indicator and an RFI New Delhi (in) sent it."""
    settings = Settings(dir=tmp_path, node_name="ottawa", party="ca", database_url=db.url)
    received = rfi_object(
        requester="in", addressee="ca", pillar="drugs", priority="routine",
        due=f"{TOMORROW}T12:00:00.000Z", question="Known brokers of 4-piperidone?",
        created=(datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    )  # fmt: skip
    indicator = shared_indicator(7, ["ca", "in"])
    tokens = {}
    with db.session(write=True) as session:
        add_party(session, "ca")
        add_party(session, "in")
        cyber = create_collection(session, "cyber", owner_party="ca", pillar="cyber")
        set_grant(session, cyber, "in", read=True, write=False)
        add_objects(session, cyber, [indicator], origin=Origin("ottawa", "ca"))
        exchange = exchange_collection(session, "ca", "in")
        origin = Origin("new-delhi", "in", received_from="new-delhi")
        add_objects(session, exchange, [received], origin=origin)
        for name, (party, role) in USERS.items():
            tokens[name] = issue_token(
                session, add_principal(session, name, party=party, role=role)
            ).value
    app = create_app(settings)
    app.state.db = db
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        try:
            yield Api(Client(portal, client), tokens, db, indicator["id"], received["id"])
        finally:
            portal.call(client.aclose)


def test_create_list_show_close(api: Api) -> None:
    response = api.call("POST", "rfis", json=_new_rfi(refs=[api.shared], purpose="attribution"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["state"], created["from"], created["to"]) == ("sent", "ca", "in")
    assert created["refs"] == [api.shared]
    listed = api.ok("GET", "rfis")["rfis"]
    assert {rfi["id"] for rfi in listed} == {created["id"], api.received_rfi}
    assert api.ok("GET", f"rfis/{created['id']}", user="anna")["question"] == created["question"]
    closed = api.ok("POST", f"rfis/{created['id']}/close")
    assert closed["state"] == "closed" and closed["closed_at"] is not None
    with api.db.session() as session:
        entries = session.execute(select(AuditEntry.kind, AuditEntry.actor)).all()
    assert ("rfi.sent", "alice") in entries and ("rfi.close", "alice") in entries


def test_answer_a_received_rfi(api: Api) -> None:
    rfi = api.received_rfi
    assert api.ok("POST", f"rfis/{rfi}/acknowledge")["state"] == "acknowledged"
    answered = api.ok(
        "POST", f"rfis/{rfi}/answer", json={"text": "See indicator.", "refs": [api.shared]}
    )
    assert answered["state"] == "answered"
    assert answered["answer"] == {"text": "See indicator.", "refs": [api.shared]}
    again = api.call("POST", f"rfis/{rfi}/answer", json={"text": "again"})
    assert again.status_code == 409
    assert again.json()["description"] == f"RFI {rfi} is answered: it cannot be answered"
    # only the requester (in) may close it
    refused = api.call("POST", f"rfis/{rfi}/close")
    assert refused.status_code == 403
    assert "only the requester party 'in'" in refused.json()["description"]


def test_decline_needs_a_reason(api: Api) -> None:
    rfi = api.received_rfi
    blank = api.call("POST", f"rfis/{rfi}/decline", json={"reason": ""})
    assert blank.status_code == 400
    assert blank.json()["description"] == "decline reason must not be empty"
    declined = api.ok("POST", f"rfis/{rfi}/decline", json={"reason": "under judicial seal"})
    assert (declined["state"], declined["decline_reason"]) == ("declined", "under judicial seal")


@pytest.mark.parametrize(
    ("body", "status", "description"),
    [
        (_new_rfi(to="xx"), 404, "unknown party 'xx' (add it with `liaison party add`)"),
        (_new_rfi(due="2020-02-02"), 400, "due date 2020-02-02T23:59:59.999Z is already past"),
        (_new_rfi(pillar="weather"), 400,
         "unknown pillar 'weather': use one of drugs, cyber, immigration-fraud, other"),
        (_new_rfi(priority="asap"), 400, "unknown priority 'asap': use one of routine, priority, urgent"),
        (_new_rfi(refs=["indicator--00000000-0000-4000-8000-000000000000"]), 404,
         "no object 'indicator--00000000-0000-4000-8000-000000000000' to refer to"),
    ],
)  # fmt: skip
def test_bad_input(api: Api, body: dict[str, Any], status: int, description: str) -> None:
    response = api.call("POST", "rfis", json=body)
    assert response.status_code == status
    assert response.json()["description"] == description
    assert len(api.ok("GET", "rfis")["rfis"]) == 1  # nothing was created


def test_unknown_rfi_and_malformed_body(api: Api) -> None:
    unknown = "liaison-rfi--00000000-0000-4000-8000-000000000000"
    assert api.call("GET", f"rfis/{unknown}").status_code == 404
    assert api.call("POST", f"rfis/{unknown}/acknowledge").status_code == 404
    assert api.call("POST", "rfis", json={"to": "in"}).status_code == 422


def test_who_may_call(api: Api) -> None:
    assert api.call("GET", "rfis", user="anna").status_code == 200
    assert api.call("POST", "rfis", user="anna", json=_new_rfi()).status_code == 403
    assert api.call("GET", "rfis", user="bob").status_code == 403  # another party's officer
    assert api.call("GET", "rfis", user="nd").status_code == 403  # a peer reads over TAXII
    assert api.call("GET", "stats", user="nd").status_code == 403
    assert api.client.get("/api/v1/rfis").status_code == 401


def test_stats(api: Api) -> None:
    rfi = api.received_rfi
    api.ok("POST", f"rfis/{rfi}/answer", json={"text": "None known."})
    figures = api.ok("GET", "stats", user="anna")
    assert figures["party"] == "ca"
    with api.db.session() as session:  # the month the indicator was stored, not today's
        stored = session.scalar(select(StixObject.date_added).where(StixObject.id == api.shared))
    month = month_of(stored or 0)
    assert figures["objects"] == [
        {"direction": "sent", "party": "in", "pillar": "cyber", "month": month, "objects": 1}
    ]
    assert figures["rfis"]["by_state"] == {
        "sent": 0, "acknowledged": 0, "answered": 1, "closed": 0, "declined": 0
    }  # fmt: skip
    [drugs] = figures["rfi_times"]
    assert drugs["pillar"] == "drugs"
    assert drugs["answer"]["count"] == drugs["acknowledge"]["count"] == 1
    assert 7100 < drugs["answer"]["median_seconds"] == drugs["answer"]["p90_seconds"] < 7300
