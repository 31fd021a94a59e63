"""Withdrawal over HTTP: `POST /api/v1/objects/{id}/withdraw`, then TAXII stops serving it."""

from __future__ import annotations

import orjson
from sqlalchemy import select

from liaison.access.models import Role
from liaison.access.parties import add_principal
from liaison.access.tokens import issue_token
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from tests.factories import indicator
from tests.taxii.conftest import Node

V2 = "2026-03-04T05:06:07.890Z"


def _withdraw(node: Node, object_id: str, user: str, reason: str = "sent in error") -> int:
    response = node.client.post(
        f"/api/v1/objects/{object_id}/withdraw",
        json={"reason": reason},
        headers={"Authorization": f"Bearer {node.tokens[user]}"},
    )
    return response.status_code


def _ids(node: Node, user: str, endpoint: str = "objects") -> list[str]:
    url = f"/taxii2/api/collections/{node.collection_id}/{endpoint}/?match[version]=all"
    response = node.client.get(url, headers=node.headers(user))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json().get("objects", [])]


def test_withdrawn_objects_leave_every_taxii_response(node: Node, db: Database) -> None:
    target, other = indicator(1), indicator(2)
    node.post([target, indicator(1, modified=V2), other])
    assert _ids(node, "bob").count(target["id"]) == 2

    assert _withdraw(node, target["id"], "alice", reason="shared with the wrong party") == 200
    for user in ("alice", "bob", "carol"):
        assert _ids(node, user) == [other["id"]]
        assert _ids(node, user, "manifest") == [other["id"]]
        base = f"/taxii2/api/collections/{node.collection_id}/objects/{target['id']}"
        for url in (f"{base}/", f"{base}/versions/"):
            assert node.client.get(url, headers=node.headers(user)).status_code == 404

    with db.session() as session:
        entries = session.scalars(
            select(AuditEntry.entry).where(AuditEntry.kind == "object.withdrawn")
        ).all()
        bodies = session.scalars(select(StixObject.body).where(StixObject.id == target["id"]))
        revoked = [body for body in bodies if body.get("revoked")]
    [entry] = [orjson.loads(text) for text in entries]
    assert entry["actor"] == "alice"
    assert entry["details"]["reason"] == "shared with the wrong party"
    assert len(entry["details"]["withdrawn"]) == 3
    assert len(revoked) == 1
    assert _withdraw(node, target["id"], "alice") == 409


def test_only_the_originating_partys_officers_withdraw(node: Node, db: Database) -> None:
    target = indicator(3)
    node.post([target])
    with db.session(write=True) as session:
        analyst = add_principal(session, "erin", party="ca", role=Role.ANALYST)
        node.tokens["erin"] = issue_token(session, analyst).value
    assert _withdraw(node, target["id"], "bob") == 404  # party in did not originate it
    assert _withdraw(node, target["id"], "erin") == 403  # an analyst
    assert _withdraw(node, "indicator--00000000-0000-4000-8000-000000000000", "alice") == 404
    assert _withdraw(node, target["id"], "alice", reason="") == 422
    assert _ids(node, "bob") == [target["id"]]


def test_a_revoked_version_posted_by_another_party_withdraws_nothing_of_ours(node: Node) -> None:
    target = indicator(4)
    node.post([target])
    handling = {"extension_type": "property-extension", "withdrawal_reason": "not yours to take"}
    forged = indicator(4, modified=V2, revoked=True, extensions={HANDLING_EXTENSION_ID: handling})
    node.post([forged], user="bob")
    assert _ids(node, "alice") == [target["id"]]
