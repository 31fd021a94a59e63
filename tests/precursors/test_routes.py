"""`POST /api/v1/screen` on SQLite and PostgreSQL: the CLI's verdicts, the caller's view of
linked companies, bad input that stores nothing, roles, sharing and audit entries."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from anyio.from_thread import start_blocking_portal
from sqlalchemy import func, select

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.app import create_app
from liaison.config import Settings, load_settings
from liaison.node import initialise_node
from liaison.precursors import routes
from liaison.stix.extensions import HANDLING_EXTENSION_ID, PRECURSOR_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from liaison.store.objects import Origin, add_objects
from tests.cli.inprocess import run
from tests.precursors.test_cli import HEADER, ROWS, lines
from tests.taxii.conftest import Client

HIDDEN_SHIPPER = "Lotus Global Supplies FZE"
"""Named only in an incident New Delhi shared as TLP:RED: party `in` sees it, `ca` does not."""
SCREEN = "/api/v1/screen"


def _incident(number: int, shipper: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "incident", "spec_version": "2.1",
        "id": f"incident--00000000-0000-4000-8000-{number:012d}",
        "created": "2026-05-01T00:00:00.000Z", "modified": "2026-05-01T00:00:00.000Z",
        "name": "seizure", **extra, "extensions": {PRECURSOR_EXTENSION_ID: {
            "extension_type": "property-extension", "incident_type": "seizure",
            "substances": [{"name": "NPP"}], "companies": [{"name": shipper, "role": "shipper"}],
        }, **extra.get("extensions", {})},
    }  # fmt: skip


def _records(rows: str = ROWS) -> list[dict[str, str]]:
    return [
        {key: value for key, value in row.items() if value}
        for row in csv.DictReader(io.StringIO(HEADER + rows))
    ]


@dataclass
class Node:
    """The Ottawa node: its directory (for the CLI), store, API client and tokens."""

    directory: Path
    settings: Settings
    db: Database
    client: Client
    tokens: dict[str, str]

    def post(self, user: str, body: bytes, media: str = "application/json",
             **params: Any) -> httpx.Response:  # fmt: skip
        """POST `body` to the screening route as `user`."""
        headers = {"Authorization": f"Bearer {self.tokens[user]}", "Content-Type": media}
        return self.client.post(SCREEN, content=body, headers=headers, params=params)

    def count(self, model: Any, *where: Any) -> int:
        """Rows of `model` matching `where`."""
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def entries(self, kind: str) -> list[dict[str, Any]]:
        """The audit entries of `kind`, oldest first."""
        with self.db.session() as session:
            rows = session.scalars(
                select(AuditEntry.entry).where(AuditEntry.kind == kind).order_by(AuditEntry.index)
            )
            return [json.loads(text) for text in rows]


@pytest.fixture
def node(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Node]:
    """Ottawa (party ca) with a `drugs` collection holding two incidents from New Delhi (one
    TLP:RED, hidden from ca), principals of every role and a read-only party `us`."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", store_url)
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    settings = load_settings(directory)
    db = Database(settings.store_url)
    red = {
        "object_marking_refs": [Tlp.RED.marking_id],
        "extensions": {HANDLING_EXTENSION_ID: {"extension_type": "property-extension"}},
    }
    with db.session(write=True) as session:
        for party in ("in", "us"):
            add_party(session, party)
        drugs = create_collection(
            session, "drugs", owner_party="ca", pillar="drugs", default_tlp=Tlp.GREEN
        )
        set_grant(session, drugs, "in", read=True, write=True)
        set_grant(session, drugs, "us", read=True, write=False)
        add_objects(
            session, drugs,
            [_incident(1, "HARBOR FINE CHEMICAL CO., LTD"), _incident(2, HIDDEN_SHIPPER, **red)],
            origin=Origin("new-delhi", "in", received_from="new-delhi"),
        )  # fmt: skip
        people = (("anna", "ca", Role.ANALYST), ("olga", "ca", Role.OFFICER),
                  ("adam", "ca", Role.ADMIN), ("aud", "ca", Role.AUDITOR),
                  ("nd", "in", Role.PEER), ("ivan", "in", Role.OFFICER),
                  ("sam", "us", Role.OFFICER))  # fmt: skip
        tokens = {
            name: issue_token(session, add_principal(session, name, party=party, role=role)).value
            for name, party, role in people
        }
    app = create_app(settings)
    app.state.db = db
    try:
        with start_blocking_portal() as portal:
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
            try:
                yield Node(directory, settings, db, Client(portal, client), tokens)
            finally:
                portal.call(client.aclose)
    finally:
        db.dispose()


def test_results_equal_the_cli(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "shipments.csv"
    path.write_text(HEADER + ROWS)
    cli = run(node.directory, "screen", str(path), "--json")
    assert cli.exit_code == 0, cli.output
    records = _records()
    response = node.post("anna", orjson.dumps(records))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["results"] == lines(cli.stdout)
    assert (answer["records"], answer["flagged"], answer["shared"]) == (3, 3, None)
    assert answer["reference_version"] in cli.stderr
    ndjson = b"\n".join(orjson.dumps(record) for record in records) + b"\n"
    wrapped = node.post("olga", orjson.dumps({"records": records}))
    assert wrapped.json()["results"] == answer["results"]
    assert node.post("adam", ndjson, "application/x-ndjson").json()["results"] == answer["results"]
    entries = node.entries(routes.SCREENED)
    assert [entry["actor"] for entry in entries] == ["anna", "olga", "adam"]
    assert entries[0]["details"] == {
        "party": "ca", "records": 3, "flagged": 3, "shared": False,
        "reference_version": answer["reference_version"],
    }  # fmt: skip
    assert node.count(StixObject, StixObject.type == "incident") == 2


def test_linked_company_rule_uses_what_the_caller_may_see(node: Node) -> None:
    record = {"id": "L1", "description": "Toluene", "shipper": HIDDEN_SHIPPER}
    seen_by_ca = node.post("anna", orjson.dumps([record])).json()["results"][0]
    assert not seen_by_ca["flagged"] and seen_by_ca["reasons"] == []
    seen_by_in = node.post("ivan", orjson.dumps([record])).json()["results"][0]
    assert seen_by_in["flagged"]
    assert [reason["code"] for reason in seen_by_in["reasons"]] == ["linked-company"]
    assert "incident--00000000-0000-4000-8000-000000000002" in seen_by_in["reasons"][0]["detail"]


BAD_INPUT = [
    (b"[{", "application/json", 400, "the request body is not valid JSON"),
    (b'{"rows": []}', "application/json", 400, "an array of records or"),
    (b'[{"id": "A"}]', "application/json", 400, "record 1: field 'description' is required"),
    (b'[{"id": "A", "description": "x"}, 5]', "application/json", 400,
     "record 2: a record must be a JSON object"),
    (b'[{"id": "A", "description": "x", "colour": "red"}]', "application/json", 400,
     "record 1: unknown column(s) colour"),
    (b'[{"id": "A", "description": "x", "quantity_kg": -1}]', "application/json", 400,
     "record 1: field 'quantity_kg' must be a finite number"),
    (b'{"id": "A", "description": "x"}\n\n{"id": "B"', "application/x-ndjson", 400,
     "line 3 is not valid JSON"),
    (b'{"id": "A", "description": "x"}\n{"id": "B"}', "application/x-ndjson", 400,
     "line 2: field 'description' is required"),
    (b"id,description\nA,x\n", "text/csv", 415, "application/json or application/x-ndjson"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "media", "status", "message"), BAD_INPUT)
def test_bad_input_is_a_clear_error_and_stores_nothing(
    node: Node, body: bytes, media: str, status: int, message: str
) -> None:
    before = node.count(AuditEntry)
    response = node.post("olga", body, media, share="true", collection="drugs")
    assert response.status_code == status, response.text
    assert message in response.json()["description"]
    assert node.count(AuditEntry) == before
    assert node.count(StixObject, StixObject.type == "incident") == 2


def test_limits(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    before = node.count(AuditEntry)
    monkeypatch.setattr(routes, "MAX_RECORDS", 2)
    three = _records()
    for body, media in ((orjson.dumps(three), "application/json"),
                        (b"\n".join(map(orjson.dumps, three)), "application/x-ndjson")):  # fmt: skip
        response = node.post("anna", body, media)
        assert response.status_code == 413, response.text
        assert "more than 2 records" in response.json()["description"]
    monkeypatch.setattr(node.settings, "max_content_length", 100)
    response = node.post("anna", orjson.dumps(three))
    assert response.status_code == 413
    assert "exceeds max_content_length 100" in response.json()["description"]
    assert node.count(AuditEntry) == before


@pytest.mark.parametrize(("user", "status"), [("nd", 403), ("aud", 403)])
def test_peer_and_auditor_are_refused(node: Node, user: str, status: int) -> None:
    response = node.post(user, orjson.dumps(_records()))
    assert response.status_code == status
    assert "screening is for" in response.json()["description"]
    anonymous = node.client.post(
        SCREEN, content=b"[]", headers={"Content-Type": "application/json"}
    )
    assert anonymous.status_code == 401
    assert node.entries(routes.SCREENED) == []


def test_share_stores_incidents_in_one_transaction_with_its_entries(node: Node) -> None:
    response = node.post(
        "olga", orjson.dumps(_records()), share="true", collection="drugs", tlp="amber",
        releasable_to=["in"], purpose="precursor interdiction", legal_basis="CA-IN work plan",
        retain_until="2031-12-31",
    )  # fmt: skip
    assert response.status_code == 200, response.text
    shared = response.json()["shared"]
    assert shared["collection"] == "drugs" and len(shared["incidents"]) == 3
    with node.db.session() as session:
        bodies = [
            row.body
            for row in session.scalars(
                select(StixObject).where(StixObject.id.in_(shared["incidents"]))
            )
        ]
        kinds = [(row.kind, row.actor) for row in session.scalars(
            select(AuditEntry).order_by(AuditEntry.index.desc()).limit(2))]  # fmt: skip
    assert len(bodies) == 3
    for body in bodies:
        assert body["object_marking_refs"] == [Tlp.AMBER.marking_id]
        assert body["extensions"][HANDLING_EXTENSION_ID]["releasable_to"] == ["in"]
    assert kinds == [(routes.SCREENED, "olga"), ("precursor-incidents.shared", "olga")]
    assert node.entries(routes.SCREENED)[0]["details"]["shared"] is True


@pytest.mark.parametrize(
    ("user", "params", "status", "message"),
    [
        ("sam", {"collection": "drugs"}, 403, "may not write"),
        ("olga", {"collection": "nope"}, 404, "no collection 'nope'"),
        ("olga", {}, 400, "share=true needs a collection"),
        ("olga", {"collection": "drugs", "tlp": "purple"}, 400, "purple"),
        ("olga", {"collection": "drugs", "incident_type": "raid"}, 400, "unknown incident type"),
        ("olga", {"collection": "drugs", "retain_until": "soon"}, 400, "retain-until 'soon'"),
    ],
)
def test_share_refusals_store_nothing(
    node: Node, user: str, params: dict[str, str], status: int, message: str
) -> None:
    before = node.count(AuditEntry)
    response = node.post(user, orjson.dumps(_records()), share="true", **params)
    assert response.status_code == status, response.text
    assert message in response.json()["description"]
    assert node.count(AuditEntry) == before
    assert node.count(StixObject, StixObject.type == "incident") == 2
