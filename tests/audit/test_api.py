"""The audit JSON API (heads, proofs, entries, roles) and the entries every endpoint leaves."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from liaison.access.models import Role
from liaison.access.parties import add_principal
from liaison.access.tokens import issue_token
from liaison.audit import merkle
from liaison.audit.heads import HeadSigner, head_signature_valid
from liaison.audit.log import SIGNER_INFO
from liaison.store.database import Database
from liaison.store.models import AuditEntry
from tests.factories import indicator
from tests.taxii.conftest import Node

API = "/api/v1/audit"


def _kinds(db: Database, after: int = -1) -> list[tuple[str, str, dict[str, Any]]]:
    import orjson

    with db.session() as session:
        rows = session.execute(
            select(AuditEntry.kind, AuditEntry.actor, AuditEntry.entry)
            .where(AuditEntry.index > after)
            .order_by(AuditEntry.index)
        )
        return [(kind, actor, orjson.loads(text)["details"]) for kind, actor, text in rows]


def _last_index(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(AuditEntry.index).order_by(AuditEntry.index.desc())) or -1)


def test_every_object_endpoint_leaves_an_entry(node: Node, db: Database) -> None:
    obj = indicator()
    base = node.objects_url
    collection = f"/taxii2/api/collections/{node.collection_id}"
    calls = [
        ("objects.added", lambda: node.post([obj])),
        ("objects.read", lambda: node.client.get(base, headers=node.headers())),
        (
            "objects.read",
            lambda: node.client.get(f"{collection}/manifest/", headers=node.headers()),
        ),
        ("objects.read", lambda: node.client.get(f"{base}{obj['id']}/", headers=node.headers())),
        (
            "objects.read",
            lambda: node.client.get(f"{base}{obj['id']}/versions/", headers=node.headers()),
        ),
        (
            "objects.deleted",
            lambda: node.client.delete(f"{base}{obj['id']}/", headers=node.headers()),
        ),
    ]
    for kind, call in calls:
        before = _last_index(db)
        call()
        entries = _kinds(db, before)
        assert [entry[0] for entry in entries] == [kind], kind
        assert entries[0][1] == "alice" and entries[0][2]["collection"] == node.collection_id
    added = _kinds(db)[-6][2]
    assert added["ids"] == [[obj["id"], obj["modified"]]] and added["added"] == 1
    read = _kinds(db)[-5][2]
    assert read["ids"] == [obj["id"]] and read["count"] == 1


def test_failed_authentication_is_recorded(node: Node, db: Database) -> None:
    before = _last_index(db)
    response = node.client.get(node.objects_url, headers=node.headers() | {
        "Authorization": "Basic YWxpY2U6d3Jvbmc="  # alice:wrong
    })  # fmt: skip
    assert response.status_code == 401
    [(kind, actor, details)] = _kinds(db, before)
    assert (kind, actor, details["reason"]) == (
        "auth.failed",
        "alice",
        "wrong user name or password",
    )


def test_management_changes_are_recorded(node: Node, db: Database) -> None:
    kinds = [entry[0] for entry in _kinds(db)]
    for kind in ("party.added", "collection.added", "grant.set", "principal.added", "token.issued"):
        assert kind in kinds


@pytest.fixture
def audit_tokens(node: Node, db: Database) -> dict[str, str]:
    """Tokens of an auditor, an admin and a peer; head signing attached."""
    signer = HeadSigner(Ed25519PrivateKey.generate(), every=5, seconds=10**6)
    db.sessionmaker.configure(info={SIGNER_INFO: signer})
    tokens = {}
    with db.session(write=True) as session:
        for name, role in (("audrey", Role.AUDITOR), ("root", Role.ADMIN), ("delhi", Role.PEER)):
            tokens[name] = issue_token(
                session, add_principal(session, name, party="ca", role=role)
            ).value
    node.post([indicator() for _ in range(3)])
    tokens["key"] = signer.key  # type: ignore[assignment]
    return tokens


def _get(node: Node, token: str, path: str, **params: Any) -> Any:
    response = node.client.get(
        f"{API}{path}", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    return response


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 over leaf hashes."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def test_proofs_via_the_api_verify(node: Node, audit_tokens: dict[str, Any]) -> None:
    head = _get(node, audit_tokens["delhi"], "/heads/latest").json()
    assert head_signature_valid(audit_tokens["key"].public_key(), head)
    entries = _get(node, audit_tokens["audrey"], "/entries", limit=1000).json()["entries"]
    leaves = [bytes.fromhex(e["leaf_hash"]) for e in entries]
    assert _mth(leaves[: head["size"]]).hex() == head["root_hash"]
    for index in (0, head["size"] // 2, head["size"] - 1):
        proof = _get(node, audit_tokens["delhi"], "/proofs/inclusion", index=index).json()
        path = [bytes.fromhex(p) for p in proof["proof"]]
        merkle.verify_inclusion(
            index, head["size"], leaves[index], path, bytes.fromhex(head["root_hash"])
        )
    first = 3
    proof = _get(node, audit_tokens["root"], "/proofs/consistency", first=first).json()
    merkle.verify_consistency(
        first, head["size"], _mth(leaves[:first]), bytes.fromhex(head["root_hash"]),
        [bytes.fromhex(p) for p in proof["proof"]],
    )  # fmt: skip


def test_roles(node: Node, audit_tokens: dict[str, Any]) -> None:
    assert _get(node, audit_tokens["delhi"], "/entries").status_code == 403
    assert _get(node, node.tokens["alice"], "/heads/latest").status_code == 403
    assert _get(node, node.tokens["alice"], "/entries").status_code == 403
    assert _get(node, audit_tokens["audrey"], "/entries").status_code == 200
    assert _get(node, audit_tokens["root"], "/heads/latest").status_code == 200
    assert _get(node, audit_tokens["delhi"], "/proofs/inclusion", index=0).status_code == 200
    assert _get(node, audit_tokens["delhi"], "/proofs/inclusion", index=10**6).status_code == 400
