"""Withdrawal in the store: the revoked version, the withdrawn marker, visibility, the audit entry."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from liaison.access.parties import add_party
from liaison.access.visibility import Viewer, labels_of, may_see, visible_clause
from liaison.errors import Conflict, InvalidInput, LiaisonError, NotFound, PermissionDenied
from liaison.stix.extensions import HANDLING_EXTENSION_ID, SIGNATURE_EXTENSION_ID
from liaison.stix.timestamps import version_key
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry, Collection, StixObject
from liaison.store.objects import Origin, add_objects
from liaison.store.withdrawal import withdraw_object
from tests.factories import indicator, ipv4

V2 = "2026-03-04T05:06:07.890Z"
OTTAWA = Origin("ottawa", "ca")
FROM_DELHI = Origin("new-delhi", "in", received_from="new-delhi")
OFFICER = Viewer("alice", "ca")
PEER = Viewer("new-delhi", "in", peer=True)
PEER_OFFICER = Viewer("bob", "in")


def _handled(number: int, **extra: Any) -> dict[str, Any]:
    handling = {"extension_type": "property-extension", "releasable_to": ["ca", "in"]}
    return indicator(number, extensions={HANDLING_EXTENSION_ID: handling}, **extra)


@pytest.fixture
def exchange(db: Database) -> Collection:
    """Collections `exchange` and `archive` holding two versions of object 1, and object 2."""
    with db.session(write=True) as session:
        add_party(session, "ca")
        add_party(session, "in")
        exchange = create_collection(session, "exchange", owner_party="ca", default_tlp=Tlp.GREEN)
        archive = create_collection(session, "archive", owner_party="ca", default_tlp=Tlp.GREEN)
        add_objects(session, exchange, [_handled(1), _handled(1, modified=V2), _handled(2)],
                    origin=OTTAWA)  # fmt: skip
        add_objects(session, archive, [_handled(1, modified=V2)], origin=OTTAWA)
    return exchange


def _visible_ids(db: Database, viewer: Viewer, collection_id: str) -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(StixObject.id, StixObject.modified)
            .where(StixObject.collection_id == collection_id, visible_clause(viewer, "green"))
            .order_by(StixObject.date_added)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _entries(db: Database, kind: str) -> list[dict[str, Any]]:
    with db.session() as session:
        texts = session.scalars(
            select(AuditEntry.entry).where(AuditEntry.kind == kind).order_by(AuditEntry.index)
        ).all()
    return [orjson.loads(text) for text in texts]


def _audit_size(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_withdrawal_revokes_hides_and_records(db: Database, exchange: Collection) -> None:
    target = _handled(1)["id"]
    with db.session(write=True) as session:
        done = withdraw_object(session, target, "  shared in error  ", node="ottawa", actor="local")
    assert done.reason == "shared in error"
    assert version_key(done.version) > version_key(V2)
    with db.session() as session:
        rows = session.scalars(select(StixObject).where(StixObject.id == target)).all()
        other = session.scalars(select(StixObject).where(StixObject.id == _handled(2)["id"])).one()
        archive_id = session.scalars(
            select(Collection.id).where(Collection.name == "archive")
        ).one()
    assert len(rows) == 3 + 2  # three earlier versions, a revoked one in each collection
    assert all(row.withdrawn for row in rows)
    assert not other.withdrawn
    revoked = [row for row in rows if row.revoked]
    assert {row.collection_id for row in revoked} == {exchange.id, archive_id}
    body = revoked[0].body
    assert body["modified"] == done.version
    assert body["extensions"][HANDLING_EXTENSION_ID]["withdrawal_reason"] == "shared in error"
    assert body["extensions"][HANDLING_EXTENSION_ID]["releasable_to"] == ["ca", "in"]
    assert body["name"] == _handled(1)["name"]

    kept = [(_handled(2)["id"], version_key(_handled(2)["modified"]))]
    assert _visible_ids(db, OFFICER, exchange.id) == kept  # the originator's officers too
    assert _visible_ids(db, PEER_OFFICER, exchange.id) == kept
    assert _visible_ids(db, PEER, exchange.id) == [
        *kept, (target, version_key(done.version))
    ]  # fmt: skip
    for row in rows:
        labels = labels_of(row)
        assert not may_see(OFFICER, labels, "green")
        assert may_see(PEER, labels, "green") is row.revoked

    [first, second] = _entries(db, "object.withdrawn")
    assert first["actor"] == second["actor"] == "local"
    assert first["details"]["reason"] == "shared in error"
    assert first["details"]["id"] == target
    assert first["details"]["received_from"] is None
    marked = first["details"]["withdrawn"] + second["details"]["withdrawn"]
    assert sorted(marked) == sorted([row.collection_id, row.modified] for row in rows)


def test_revoked_version_from_a_peer_withdraws_only_that_nodes_versions(db: Database) -> None:
    theirs = _handled(5)
    with db.session(write=True) as session:
        add_party(session, "ca")
        add_party(session, "in")
        pulled = create_collection(session, "pulled", owner_party="ca", default_tlp=Tlp.GREEN)
        mine = create_collection(session, "mine", owner_party="ca", default_tlp=Tlp.GREEN)
        add_objects(session, pulled, [theirs], origin=FROM_DELHI)
        add_objects(session, mine, [theirs], origin=OTTAWA)  # the same id, another originator
    reason = {"withdrawal_reason": "source retracted"}
    handling = theirs["extensions"][HANDLING_EXTENSION_ID] | reason
    revoked = theirs | {"modified": V2, "revoked": True,
                        "extensions": {HANDLING_EXTENSION_ID: handling}}  # fmt: skip
    for _ in range(2):  # the second time it is a duplicate: nothing more to mark or record
        with db.session(write=True) as session:
            result = add_objects(session, pulled, [revoked], origin=FROM_DELHI)
    assert result.duplicates == 1
    with db.session() as session:
        rows = session.execute(
            select(StixObject.origin_node, StixObject.modified, StixObject.withdrawn).where(
                StixObject.id == theirs["id"]
            )
        ).all()
    assert sorted(rows) == [
        ("new-delhi", version_key(theirs["modified"]), True),
        ("new-delhi", version_key(V2), True),
        ("ottawa", version_key(theirs["modified"]), False),
    ]
    [entry] = _entries(db, "object.withdrawn")
    assert entry["actor"] == "peer:new-delhi"
    assert entry["details"]["reason"] == "source retracted"
    assert entry["details"]["origin_node"] == "new-delhi"
    assert entry["details"]["received_from"] == "new-delhi"
    assert len(entry["details"]["withdrawn"]) == 2


def test_a_batch_without_revoked_objects_marks_nothing(db: Database, exchange: Collection) -> None:
    before = _audit_size(db)
    with db.session(write=True) as session:
        add_objects(session, exchange, [_handled(n) for n in range(10, 20)], origin=OTTAWA)
        assert not session.scalar(select(func.count()).where(StixObject.withdrawn.is_(True)))
    assert _audit_size(db) == before


@pytest.mark.parametrize(
    ("object_id", "reason", "party", "error", "message"),
    [
        ("indicator--00000000-0000-4000-8000-000000000000", "x", None, NotFound, "no object"),
        (_handled(1)["id"], "x", "in", NotFound, "originated by party 'in'"),
        (_handled(7)["id"], "x", None, PermissionDenied, "originated at node 'new-delhi'"),
        (_handled(1)["id"], "   ", None, InvalidInput, "needs a reason"),
        (ipv4("198.51.100.9")["id"], "x", None, InvalidInput, "cannot be revoked"),
    ],
)
def test_what_cannot_be_withdrawn_is_refused_and_changes_nothing(
    db: Database,
    exchange: Collection,
    object_id: str,
    reason: str,
    party: str | None,
    error: type[LiaisonError],
    message: str,
) -> None:
    with db.session(write=True) as session:
        add_objects(session, exchange, [_handled(7)], origin=FROM_DELHI)
        add_objects(session, exchange, [ipv4("198.51.100.9")], origin=OTTAWA)
    before = _audit_size(db)
    with pytest.raises(error, match=message), db.session(write=True) as session:
        withdraw_object(session, object_id, reason, node="ottawa", actor="local", party=party)
    assert _audit_size(db) == before
    with db.session() as session:
        assert not session.scalar(select(func.count()).where(StixObject.withdrawn.is_(True)))


def test_withdrawing_twice_is_a_conflict(db: Database, exchange: Collection) -> None:
    target = _handled(2)["id"]
    with db.session(write=True) as session:
        withdraw_object(session, target, "first", node="ottawa", actor="local")
    with pytest.raises(Conflict, match="already withdrawn"), db.session(write=True) as session:
        withdraw_object(session, target, "again", node="ottawa", actor="local")
    assert len(_entries(db, "object.withdrawn")) == 1


def test_a_relayed_signature_is_dropped_from_the_revoked_version(
    db: Database, exchange: Collection
) -> None:
    signature = {"extension_type": "property-extension", "node": "ottawa", "key_id": "k",
                 "signature": "s"}  # fmt: skip
    relayed = _handled(8)
    relayed["extensions"][SIGNATURE_EXTENSION_ID] = signature
    with db.session(write=True) as session:
        add_objects(session, exchange, [relayed], origin=OTTAWA)
        done = withdraw_object(session, relayed["id"], "wrong case", node="ottawa", actor="local")
        body = session.scalars(
            select(StixObject.body).where(StixObject.modified == version_key(done.version))
        ).one()
    assert set(body["extensions"]) == {HANDLING_EXTENSION_ID}
    assert body["revoked"] is True


def test_a_plain_stix_revocation_is_not_a_withdrawal(db: Database, exchange: Collection) -> None:
    """Third-party data (MITRE ATT&CK) revokes superseded objects: they stay readable."""
    original = _handled(30)
    revoked = original | {"modified": V2, "revoked": True}
    with db.session(write=True) as session:
        add_objects(session, exchange, [original, revoked], origin=OTTAWA)
        assert not session.scalar(select(func.count()).where(StixObject.withdrawn.is_(True)))
    assert _entries(db, "object.withdrawn") == []
    visible = [key for key in _visible_ids(db, OFFICER, exchange.id) if key[0] == original["id"]]
    assert len(visible) == 2
    with pytest.raises(Conflict, match="already revoked"), db.session(write=True) as session:
        withdraw_object(session, original["id"], "too late", node="ottawa", actor="local")


def test_a_withdrawal_is_final_for_versions_stored_after_it(
    db: Database, exchange: Collection
) -> None:
    target = _handled(1)["id"]
    with db.session(write=True) as session:
        withdraw_object(session, target, "shared in error", node="ottawa", actor="local")
        later = create_collection(session, "later", owner_party="ca", default_tlp=Tlp.GREEN)
        add_objects(session, later, [_handled(1)], origin=OTTAWA)  # the same version, again
        add_objects(session, later, [_handled(31)], origin=OTTAWA)  # never withdrawn
        later_id = later.id
    assert [key[0] for key in _visible_ids(db, OFFICER, later_id)] == [_handled(31)["id"]]
