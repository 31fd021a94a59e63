"""Appending to the audit log, in the caller's transaction, and signing tree heads when due.

Every append locks the single `audit_state` row first (one UPDATE … RETURNING, like
`liaison.store.clock`), so appends are serialised and commit in index order. The row keeps the
log size and its right edge — the hashes of the perfect subtrees covering it — so an append
hashes the new leaf, completes the perfect subtrees it closes (one per append on average, written
to `audit_nodes`) and, when a head is due, computes the root without reading the tree.

An entry is the RFC 8785 canonical JSON of {index, kind, actor, at, details}; `at` is microseconds
since the epoch. A head is due once `audit_sign_every` entries follow the last one, or once
`audit_sign_seconds` have passed since it; only a session whose store has a `HeadSigner` attached
(`attach_signer`: the app and the `liaison audit` commands do) signs, others leave it to the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Table, insert, update
from sqlalchemy.orm import Session

from liaison.audit.heads import HeadSigner, sign_head
from liaison.audit.merkle import EMPTY_ROOT, leaf_hash, node_hash
from liaison.config import Settings
from liaison.federation.keys import load_key
from liaison.stix.canonical import canonical_json
from liaison.stix.timestamps import now_micros
from liaison.store.database import Database
from liaison.store.models import AuditEntry, AuditNode, AuditState, TreeHead

SIGNER_INFO = "liaison.audit.signer"
LOCAL_ACTOR = "local"  # an operator with shell access to the node (the CLI, `liaison init`)
_ENTRIES = Table("audit_entries", AuditEntry.metadata)
_NODES = Table("audit_nodes", AuditNode.metadata)


class _State(NamedTuple):
    """The state row as an append found it (after growing `size`)."""

    size: int
    frontier: str
    head_size: int
    head_at: int


class Event(NamedTuple):
    """One thing to record: what happened (`kind`), who did it, and its details."""

    kind: str
    actor: str
    details: Mapping[str, Any]


def attach_signer(db: Database, settings: Settings) -> None:
    """Let every session of `db` sign heads when due, with the node key of `settings`."""
    signer = HeadSigner(
        load_key(settings.key_path), settings.audit_sign_every, settings.audit_sign_seconds
    )
    db.sessionmaker.configure(info={SIGNER_INFO: signer})


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """The Merkle root of a log whose right edge is `frontier` (perfect subtrees, left to right)."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def push_leaf(frontier: list[bytes], index: int, leaf: bytes) -> list[tuple[int, int, bytes]]:
    """Append leaf `index` to `frontier` in place; return the perfect subtrees it completes."""
    completed = []
    carry, level = leaf, 0
    while index >> level & 1:
        carry = node_hash(frontier.pop(), carry)
        level += 1
        completed.append((level, index >> level, carry))
    frontier.append(carry)
    return completed


def entry_text(index: int, kind: str, actor: str, at: int, details: Mapping[str, Any]) -> bytes:
    """The canonical bytes of one entry: what its leaf hash covers."""
    return canonical_json(
        {"index": index, "kind": kind, "actor": actor, "at": at, "details": dict(details)}
    )


def _lock_state(session: Session, added: int, head_at: int | None = None) -> _State:
    """Grow the log by `added` under the state row's lock; the row as it now stands."""
    values: dict[str, Any] = {"size": AuditState.size + added}
    if head_at is not None:
        values["head_at"] = head_at
    statement = (
        update(AuditState)
        .where(AuditState.id == 1)
        .values(**values)
        .returning(AuditState.size, AuditState.frontier, AuditState.head_size, AuditState.head_at)
    )
    return _State(*session.execute(statement).one())


def read_kind(by_peer: bool) -> str:
    """The kind of the entry for objects served to a reader: what a peer node reads has left
    this node (`objects.replicated`); anyone else's read is `objects.read`."""
    return "objects.replicated" if by_peer else "objects.read"


def record(session: Session, kind: str, actor: str, details: Mapping[str, Any]) -> int:
    """Append one entry in the session's transaction; return its index."""
    return record_many(session, [Event(kind, actor, details)])


def record_many(session: Session, events: Sequence[Event]) -> int:
    """Append `events` in order in the session's transaction; return the first one's index."""
    state = _lock_state(session, len(events))
    first = state.size - len(events)
    frontier = [bytes.fromhex(text) for text in orjson.loads(state.frontier)]
    signer: HeadSigner | None = session.info.get(SIGNER_INFO)
    now = now_micros()
    head_size, heads = state.head_size, []
    entries, nodes = [], []
    for index, (kind, actor, details) in enumerate(events, start=first):
        text = entry_text(index, kind, actor, now, details)
        leaf = leaf_hash(text)
        entries.append({
            "index": index, "recorded_at": now, "kind": kind, "actor": actor,
            "entry": text.decode(), "leaf_hash": leaf.hex(),
        })  # fmt: skip
        for level, node_index, digest in push_leaf(frontier, index, leaf):
            nodes.append({"level": level, "index": node_index, "hash": digest.hex()})
        if signer is not None and index + 1 - head_size >= signer.every:
            heads.append(sign_head(signer.key, index + 1, frontier_root(frontier), now))
            head_size = index + 1
    overdue = now - state.head_at >= signer.seconds * 1_000_000 if signer else False
    if signer is not None and state.size > head_size and overdue:
        heads.append(sign_head(signer.key, state.size, frontier_root(frontier), now))
        head_size = state.size
    if entries:
        session.execute(insert(_ENTRIES), entries)
    if nodes:
        session.execute(insert(_NODES), nodes)
    values: dict[str, Any] = {"frontier": _frontier_text(frontier)}
    if heads:
        session.add_all(heads)
        values.update(head_size=head_size, head_at=now)
    session.execute(update(AuditState).where(AuditState.id == 1).values(**values))
    return first


def _frontier_text(frontier: Sequence[bytes]) -> str:
    return orjson.dumps([digest.hex() for digest in frontier]).decode()


def sign_now(session: Session, signer: HeadSigner) -> TreeHead:
    """Sign a head over the whole log now, or return the existing head when one covers it."""
    now = now_micros()
    state = _lock_state(session, 0, head_at=now)
    existing = session.get(TreeHead, state.size)
    if existing is not None:
        return existing
    frontier = [bytes.fromhex(text) for text in orjson.loads(state.frontier)]
    head = sign_head(signer.key, state.size, frontier_root(frontier), now)
    session.add(head)
    session.execute(
        update(AuditState).where(AuditState.id == 1).values(head_size=state.size, head_at=now)
    )
    session.flush()
    return head


def log_size(session: Session) -> int:
    """How many entries the log holds (as its state row says)."""
    return int(session.get_one(AuditState, 1).size)
