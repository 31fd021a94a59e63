"""Receiver grading on one node (Ottawa, party ca): the grade as a STIX opinion, the listing,
and bad input refused with clear errors and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from liaison.access.parties import add_party
from liaison.config import load_settings
from liaison.errors import InvalidInput, NotFound
from liaison.exchange.collection import EXCHANGE_COLLECTION
from liaison.exchange.grades import GRADED, grade_opinion, parse_evaluation
from liaison.node import initialise_node
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, find_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from liaison.store.objects import Origin, add_objects
from tests.cli.inprocess import fails, ok
from tests.exchange.evaluation_support import (
    EVALUATION,
    Node,
    audit_details,
    evaluated,
    handled,
    ottawa,
)

RECEIVED = evaluated(10)  # from new-delhi, released to ca and in
SECRET = handled(11, tlp=Tlp.RED, releasable_to=["ca", "in"], recipients=["someone-else"])
OURS = evaluated(12)  # originated by ca, this node's party
DELHI = Origin("new-delhi", "in", received_from="new-delhi")


def _receive(db: Database) -> None:
    """Store what new-delhi sent us and one object of our own in collection `received`."""
    with db.session(write=True) as session:
        received = create_collection(session, "received", owner_party="ca", default_tlp=Tlp.AMBER)
        add_objects(session, received, [RECEIVED, SECRET], origin=DELHI)
        add_objects(session, received, [OURS], origin=Origin("ottawa", "ca"))


@pytest.fixture
def node(db: Database, tmp_path: Path) -> Iterator[Node]:
    """Ottawa in-process, holding RECEIVED, SECRET and OURS; release gating on."""
    with ottawa(db, tmp_path, require_evaluation=True) as served:
        _receive(db)
        yield served


def _grade(node: Node, object_id: str, user: str = "alice", **body: Any) -> Any:
    values = {"reliability": "B", "credibility": 2} | body
    return node.api("POST", f"/api/v1/objects/{object_id}/grades", user, json=values)


def _opinions(db: Database) -> list[dict[str, Any]]:
    with db.session() as session:
        return list(session.scalars(select(StixObject.body).where(StixObject.type == "opinion")))


def test_a_grade_is_an_opinion_in_the_exchange_collection(node: Node) -> None:
    response = _grade(node, RECEIVED["id"], reliability="b", comment="Matches our holdings.")
    assert response.status_code == 201, response.text
    grade = response.json()
    assert grade | {"id": "", "created": ""} == {
        "id": "", "object_id": RECEIVED["id"], "direction": "given", "grader": "alice",
        "node": "ottawa", "party": "ca", "reliability": "B", "credibility": 2, "confidence": 70,
        "opinion": "agree", "comment": "Matches our holdings.", "created": "",
    }  # fmt: skip
    [opinion] = _opinions(node.db)
    assert opinion["id"] == grade["id"]
    assert opinion["object_refs"] == [RECEIVED["id"]]
    assert opinion["confidence"] == 70
    assert opinion["object_marking_refs"] == [Tlp.AMBER.marking_id]
    handling = opinion["extensions"][HANDLING_EXTENSION_ID]
    assert handling["evaluation"] == {"source_reliability": "B", "information_credibility": 2}
    assert handling["releasable_to"] == ["ca", "in"]
    assert handling["caveats"]
    with node.db.session() as session:
        exchange = find_collection(session, EXCHANGE_COLLECTION)
        row = session.scalar(select(StixObject).where(StixObject.id == grade["id"]))
        assert row is not None and row.collection_id == exchange.id and row.evaluated
    [entry] = audit_details(node.db, GRADED)
    assert entry["object"] == RECEIVED["id"] and entry["grade"] == grade["id"]


def test_the_peer_may_read_the_grade_even_with_release_gating(node: Node) -> None:
    grade = _grade(node, RECEIVED["id"]).json()
    with node.db.session() as session:
        exchange_id = find_collection(session, EXCHANGE_COLLECTION).id
    response = node.client.get(
        f"/taxii2/api/collections/{exchange_id}/objects/", headers=node.headers("new-delhi")
    )
    assert [obj["id"] for obj in response.json()["objects"]] == [grade["id"]]


def test_credibility_6_has_no_confidence(node: Node) -> None:
    grade = _grade(node, RECEIVED["id"], reliability="F", credibility=6).json()
    assert grade["confidence"] is None and grade["opinion"] == "neutral"
    [opinion] = _opinions(node.db)
    assert "confidence" not in opinion


def test_listing_shows_grades_given_and_received_for_our_objects(node: Node) -> None:
    given = _grade(node, RECEIVED["id"], credibility=3).json()
    evaluation = parse_evaluation("A", 1)
    from_delhi = grade_opinion(OURS["id"], "bob", ["in", "ca"], evaluation, "Confirmed.")
    not_ours = grade_opinion(RECEIVED["id"], "bob", ["in", "ca"], evaluation, None)
    with node.db.session(write=True) as session:
        exchange = find_collection(session, EXCHANGE_COLLECTION)
        add_objects(session, exchange, [from_delhi, not_ours], origin=DELHI)
    listed = node.api("GET", "/api/v1/grades", "alice").json()["grades"]
    assert {(g["id"], g["direction"]) for g in listed} == {
        (given["id"], "given"), (from_delhi["id"], "received"),
    }  # fmt: skip
    [received] = [g for g in listed if g["direction"] == "received"]
    assert received | {"created": ""} == {
        "id": from_delhi["id"], "object_id": OURS["id"], "direction": "received",
        "grader": "bob", "node": "new-delhi", "party": "in", "reliability": "A",
        "credibility": 1, "confidence": 90, "opinion": "strongly-agree", "comment": "Confirmed.",
        "created": "",
    }  # fmt: skip
    only = node.api("GET", "/api/v1/grades", "auditor", params={"object": OURS["id"]}).json()
    assert [g["id"] for g in only["grades"]] == [from_delhi["id"]]
    assert node.api("GET", "/api/v1/grades", "new-delhi").status_code == 403


@pytest.mark.parametrize(
    ("object_id", "user", "body", "status", "says"),
    [
        ("indicator--00000000-0000-4000-8000-000000000000", "alice", {}, 404, "no object"),
        (OURS["id"], "alice", {}, 400, "grade what you received"),
        (SECRET["id"], "alice", {}, 404, "no object"),  # TLP:RED, alice not a recipient
        (RECEIVED["id"], "carol", {}, 403, "grading is for"),  # another party's officer
        (RECEIVED["id"], "alice", {"reliability": "G"}, 400, "reliability must be one letter A-F"),
        (RECEIVED["id"], "alice", {"reliability": "AB"}, 400, "reliability"),
        (RECEIVED["id"], "alice", {"credibility": 7}, 400, "credibility must be a number 1-6"),
        (RECEIVED["id"], "alice", {"credibility": 0}, 400, "credibility"),
        (RECEIVED["id"], "alice", {"comment": "x" * 4001}, 400, "longer than"),
        (RECEIVED["id"], "new-delhi", {}, 403, "grading is for"),
        (RECEIVED["id"], "auditor", {}, 403, "grading is for"),
    ],
)
def test_bad_grades_are_refused_and_write_nothing(
    node: Node, object_id: str, user: str, body: dict[str, Any], status: int, says: str
) -> None:
    with node.db.session() as session:
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
    response = _grade(node, object_id, user, **body)
    assert response.status_code == status, response.text
    assert says in response.json()["description"]
    assert _opinions(node.db) == []
    with node.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries
        assert session.scalar(select(StixObject).where(StixObject.type == "opinion")) is None


@pytest.mark.parametrize("user", ["bob", "carol"])
def test_principals_of_other_parties_may_not_grade_as_this_party(node: Node, user: str) -> None:
    """bob (in) and carol (us) can read `shared` here, but a grade is stored as party ca's."""
    received = handled(13, releasable_to=["ca", "in", "us"], evaluation=EVALUATION,
                       caveats=["Lead only."])  # fmt: skip
    with node.db.session(write=True) as session:
        shared = find_collection(session, "shared")
        add_objects(session, shared, [received], origin=DELHI)
    assert received["id"] in node.visible_ids(user)
    response = _grade(node, received["id"], user)
    assert response.status_code == 403, response.text
    assert "grading is for" in response.json()["description"]
    assert "of party 'ca'" in response.json()["description"]
    assert _opinions(node.db) == []
    assert node.api("GET", "/api/v1/grades", user).status_code == 403


@pytest.fixture
def node_dir(tmp_path: Path) -> Path:
    """A real node directory (SQLite) holding RECEIVED and OURS, for the CLI."""
    directory = tmp_path / "ottawa"
    initialise_node(directory, "ottawa", "ca")
    db = Database(load_settings(directory).store_url)
    try:
        with db.session(write=True) as session:
            add_party(session, "in")
        _receive(db)
    finally:
        db.dispose()
    return directory


def test_cli_grade_and_grades(node_dir: Path) -> None:
    grade = ok(node_dir, "grade", RECEIVED["id"], "--reliability", "C", "--credibility", "4",
               "--comment", "Partly outdated.")  # fmt: skip
    assert (grade["grader"], grade["reliability"], grade["credibility"]) == ("local", "C", 4)
    assert grade["confidence"] == 30 and grade["opinion"] == "disagree"
    listed = ok(node_dir, "grades", "--object", RECEIVED["id"])["grades"]
    assert [g["id"] for g in listed] == [grade["id"]]
    assert ok(node_dir, "grades", "--object", OURS["id"])["grades"] == []


def test_cli_refuses_bad_grades(node_dir: Path) -> None:
    assert "grade what you received" in fails(
        node_dir, InvalidInput, "grade", OURS["id"], "--reliability", "A", "--credibility", "1"
    )
    assert "A-F" in fails(
        node_dir, InvalidInput, "grade", RECEIVED["id"], "--reliability", "Z", "--credibility", "1"
    )
    assert "no object" in fails(
        node_dir, NotFound, "grade", "indicator--00000000-0000-4000-8000-000000000001",
        "--reliability", "A", "--credibility", "1",
    )  # fmt: skip
    assert ok(node_dir, "grades")["grades"] == []
