"""Appending, signed heads, verification and tampering, on every backend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from liaison.audit import merkle, proofs
from liaison.audit.heads import HeadSigner, head_document, head_signature_valid, latest_head
from liaison.audit.log import SIGNER_INFO, Event, log_size, record, record_many, sign_now
from liaison.audit.verify import verify_log
from liaison.cli import app
from liaison.config import load_settings
from liaison.node import initialise_node
from liaison.store.database import Database
from liaison.store.models import AuditEntry, AuditNode, TreeHead

runner = CliRunner()


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH, written from the RFC alone."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


@pytest.fixture
def signer() -> HeadSigner:
    """A fresh node key that signs every 4 entries (and never by time)."""
    return HeadSigner(Ed25519PrivateKey.generate(), every=4, seconds=10**6)


@pytest.fixture
def signing_db(db: Database, signer: HeadSigner) -> Iterator[Database]:
    """The store, with head signing attached."""
    db.sessionmaker.configure(info={SIGNER_INFO: signer})
    yield db


def _entries(db: Database) -> list[bytes]:
    with db.session() as session:
        return [e.encode() for e in session.scalars(select(AuditEntry.entry).order_by("index"))]


def test_append_builds_the_rfc_9162_tree(signing_db: Database, signer: HeadSigner) -> None:
    with signing_db.session(write=True) as session:
        first = record(session, "test.one", "alice", {"n": 0})
        later = record_many(session, [Event("test.many", "bob", {"n": n}) for n in range(1, 11)])
    assert (first, later) == (0, 1)
    entries = _entries(signing_db)
    assert json.loads(entries[3]) == {
        "index": 3, "kind": "test.many", "actor": "bob", "at": json.loads(entries[3])["at"],
        "details": {"n": 3},
    }  # fmt: skip
    with signing_db.session() as session:
        heads = list(session.scalars(select(TreeHead).order_by(TreeHead.size)))
        assert log_size(session) == 11
    assert [head.size for head in heads] == [1, 5, 9]  # the first by time, then every 4
    for head in heads:
        assert head.root_hash == _mth(entries[: head.size]).hex()
        assert head_signature_valid(signer.key.public_key(), head)
    forged = head_document(heads[0]) | {"size": 5}
    assert not head_signature_valid(signer.key.public_key(), forged)


def test_heads_are_signed_by_time_and_on_demand(db: Database) -> None:
    signer = HeadSigner(Ed25519PrivateKey.generate(), every=1000, seconds=0)
    db.sessionmaker.configure(info={SIGNER_INFO: signer})
    with db.session(write=True) as session:
        record(session, "test", "alice", {})
    with db.session(write=True) as session:
        assert latest_head(session) is not None
        assert latest_head(session).size == 1  # type: ignore[union-attr]
        record_many(session, [Event("test", "alice", {})] * 2)
    with db.session(write=True) as session:
        head = sign_now(session, signer)
    assert head.size == 3 and head.root_hash == _mth(_entries(db)).hex()


def test_a_rolled_back_action_leaves_no_entry(signing_db: Database) -> None:
    with pytest.raises(RuntimeError), signing_db.session(write=True) as session:
        record(session, "test", "alice", {})
        raise RuntimeError("the action failed")
    with signing_db.session() as session:
        assert log_size(session) == 0
        assert session.scalar(select(AuditEntry)) is None


def test_proofs_match_an_independent_implementation(signing_db: Database) -> None:
    with signing_db.session(write=True) as session:
        record_many(session, [Event("test", "alice", {"n": n}) for n in range(37)])
    entries = _entries(signing_db)
    with signing_db.session() as session:
        for size in (1, 2, 7, 8, 31, 37):
            for index in (0, size // 2, size - 1):
                proof = proofs.inclusion(session, index, size)
                assert proof.root_hash == _mth(entries[:size])
                merkle.verify_inclusion(index, size, proof.leaf_hash, proof.path, proof.root_hash)
            for first in (1, size // 3 or 1, size):
                c = proofs.consistency(session, first, size)
                assert c.first_root == _mth(entries[:first])
                merkle.verify_consistency(first, size, c.first_root, c.second_root, c.path)


def test_verify_passes_on_a_sound_log(signing_db: Database, signer: HeadSigner) -> None:
    with signing_db.session(write=True) as session:
        record_many(session, [Event("test", "alice", {"n": n}) for n in range(50)])
    with signing_db.session() as session:
        report = verify_log(session, signer.key.public_key())
    assert report.ok, report.problems
    assert (report.entries, report.heads, report.latest_head) == (50, 13, 50)


@pytest.fixture
def node(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A node (with its init entries) whose log holds 40 more entries and a head over them."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", store_url)
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    with _store(directory) as db, db.session(write=True) as session:
        record_many(session, [Event("test", "alice", {"n": n}) for n in range(40)])
    assert runner.invoke(app, ["audit", "sign", "--dir", str(directory)]).exit_code == 0
    return directory


class _store:
    """The node's store as a context manager."""

    def __init__(self, directory: Path) -> None:
        self.db = Database(load_settings(directory).store_url)

    def __enter__(self) -> Database:
        return self.db

    def __exit__(self, *_exc: object) -> None:
        self.db.dispose()


def _verify(directory: Path) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["audit", "verify", "--json", "--dir", str(directory)])
    return result.exit_code, json.loads(result.stdout)


def test_cli_verify_passes_then_catches_an_edited_row(node: Path) -> None:
    assert _verify(node) == (0, _verify(node)[1])
    assert _verify(node)[1]["ok"] is True
    with _store(node) as db, db.session(write=True) as session:
        text = session.scalar(select(AuditEntry.entry).where(AuditEntry.index == 20))
        assert text is not None
        edited = text.replace('"alice"', '"mallory"')
        session.execute(update(AuditEntry).where(AuditEntry.index == 20).values(entry=edited))
    code, report = _verify(node)
    assert code == 1 and report["first_bad_entry"] == 20
    assert "entry 20: was altered" in report["problems"][0]  # type: ignore[index]


def test_an_edit_with_a_recomputed_leaf_hash_is_caught(node: Path) -> None:
    with _store(node) as db, db.session(write=True) as session:
        row = session.get_one(AuditEntry, 21)
        row.entry = row.entry.replace('"alice"', '"mallory"')
        row.leaf_hash = merkle.leaf_hash(row.entry.encode()).hex()
    code, report = _verify(node)
    assert code == 1 and report["first_bad_entry"] == 20  # the subtree of entries 20-21


def test_cli_verify_names_a_deleted_row(node: Path) -> None:
    with _store(node) as db, db.session(write=True) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.index == 17))
    code, report = _verify(node)
    assert code == 1 and report["first_bad_entry"] == 17
    assert "is missing" in report["problems"][0]  # type: ignore[index]


def test_cli_verify_names_a_truncated_tail(node: Path) -> None:
    with _store(node) as db, db.session(write=True) as session:
        last = session.scalar(select(AuditEntry.index).order_by(AuditEntry.index.desc()).limit(1))
        session.execute(delete(AuditEntry).where(AuditEntry.index == last))
    code, report = _verify(node)
    assert code == 1 and report["first_bad_entry"] == last


def test_cli_verify_names_a_reordered_row(node: Path) -> None:
    with _store(node) as db, db.session(write=True) as session:
        rows = {r.index: (r.entry, r.leaf_hash) for r in session.scalars(select(AuditEntry))}
        for index, source in ((12, 13), (13, 12)):
            text, leaf = rows[source]
            session.execute(
                update(AuditEntry)
                .where(AuditEntry.index == index)
                .values(entry=text, leaf_hash=leaf)
            )
    code, report = _verify(node)
    assert code == 1 and report["first_bad_entry"] == 12
    assert "out of place" in report["problems"][0]  # type: ignore[index]


def test_cli_verify_catches_a_rewritten_node_and_a_forged_head(node: Path) -> None:
    with _store(node) as db, db.session(write=True) as session:
        session.execute(
            update(AuditNode)
            .where(AuditNode.level == 2, AuditNode.index == 1)
            .values(hash="00" * 32)
        )
    code, report = _verify(node)
    assert code == 1 and report["first_bad_entry"] == 4
    with _store(node) as db, db.session(write=True) as session:
        session.execute(
            update(AuditNode)
            .where(AuditNode.level == 2, AuditNode.index == 1)
            .values(
                hash=merkle.node_hash(
                    bytes.fromhex(session.get_one(AuditNode, (1, 2)).hash),
                    bytes.fromhex(session.get_one(AuditNode, (1, 3)).hash),
                ).hex()
            )
        )
        head = session.scalar(select(TreeHead).order_by(TreeHead.size.desc()).limit(1))
        assert head is not None
        head.timestamp += 1
    code, report = _verify(node)
    assert code == 1 and "bad signature" in report["problems"][0]  # type: ignore[index]


def test_cli_prove_and_consistency(node: Path) -> None:
    result = runner.invoke(app, ["audit", "prove", "5", "--json", "--dir", str(node)])
    assert result.exit_code == 0, result.output
    proof = json.loads(result.stdout)
    assert proof["verified"] is True and proof["head"] == "signed"
    size = proof["size"]
    result = runner.invoke(
        app, ["audit", "consistency", "3", str(size), "--json", "--dir", str(node)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["heads"] == ["unsigned", "signed"]
