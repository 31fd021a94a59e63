"""Checking the whole stored log against itself and its signed tree heads.

The log is read in index order, a chunk at a time. For each entry: its index follows the previous
one (a deleted row is named as missing), the index embedded in its text is its row's (a moved row
is named), and its text still hashes to its stored leaf hash (an edited row is named). The tree is
rebuilt from the recomputed leaves; every perfect-subtree hash it completes must equal the stored
one, every signed head must carry a valid signature by the node key, and the root rebuilt at each
head's size must equal the head's root. The first problem stops the scan of entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from liaison.audit.heads import all_heads, head_signature_valid
from liaison.audit.log import frontier_root, log_size, push_leaf
from liaison.audit.merkle import leaf_hash
from liaison.store.models import AuditEntry, AuditNode, TreeHead

CHUNK = 1 << 14


@dataclass
class Verification:
    """The outcome: entries checked, heads checked, and the problems found (empty when sound)."""

    entries: int = 0
    heads: int = 0
    latest_head: int | None = None
    problems: list[str] = field(default_factory=list)
    first_bad_entry: int | None = None

    @property
    def ok(self) -> bool:
        """True when the log and every head check out."""
        return not self.problems

    def bad(self, index: int, problem: str) -> None:
        """Record a problem with entry `index` (the first such names the first bad entry)."""
        if self.first_bad_entry is None:
            self.first_bad_entry = index
        self.problems.append(f"entry {index}: {problem}")


def _stored_nodes(session: Session, start: int, end: int) -> dict[tuple[int, int], str]:
    """The stored perfect subtrees completed by leaves start..end-1 (their last leaf in range)."""
    terms = []
    for level in range(1, end.bit_length() + 1):
        low = -(-(start + 1) // (1 << level)) - 1
        high = (end >> level) - 1
        if low <= high:
            terms.append(
                and_(AuditNode.level == level, AuditNode.index >= low, AuditNode.index <= high)
            )
    if not terms:
        return {}
    rows = session.execute(
        select(AuditNode.level, AuditNode.index, AuditNode.hash).where(or_(*terms))
    )
    return {(level, index): digest for level, index, digest in rows}


def _check_entry(report: Verification, expected: int, row: AuditEntry) -> bytes | None:
    """The recomputed leaf of `row`, or None after recording why it is bad."""
    if row.index != expected:
        report.bad(expected, f"is missing (the next stored entry is {row.index})")
        return None
    try:
        embedded = orjson.loads(row.entry).get("index")
    except (orjson.JSONDecodeError, AttributeError):
        embedded = None
    if embedded != row.index:
        report.bad(row.index, f"is out of place: its text records index {embedded}")
        return None
    leaf = leaf_hash(row.entry.encode())
    if leaf.hex() != row.leaf_hash:
        report.bad(row.index, "was altered: its text no longer hashes to its leaf hash")
        return None
    return leaf


def _scan(
    session: Session,
    report: Verification,
    heads: dict[int, TreeHead],
    progress: Callable[[int], None] | None,
) -> None:
    """Rebuild the tree from the entries, checking entries, stored nodes and head roots."""
    frontier: list[bytes] = []
    expected = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.index >= expected)
                .order_by(AuditEntry.index)
                .limit(CHUNK)
            )
        )
        if not rows:
            return
        stored = _stored_nodes(session, expected, rows[-1].index + 1)
        for row in rows:
            leaf = _check_entry(report, expected, row)
            if leaf is None:
                return
            for level, index, digest in push_leaf(frontier, expected, leaf):
                if stored.get((level, index)) != digest.hex():
                    first = index << level
                    report.bad(
                        first,
                        f"subtree of entries {first}-{first + (1 << level) - 1}: stored hash "
                        "differs from the recomputed one",
                    )
                    return
            expected += 1
            head = heads.get(expected)
            if head is not None and frontier_root(frontier).hex() != head.root_hash:
                report.bad(expected - 1, f"the signed head of size {expected} has another root")
                return
        report.entries = expected
        if progress is not None:
            progress(expected)


def verify_log(
    session: Session, public: Ed25519PublicKey, progress: Callable[[int], None] | None = None
) -> Verification:
    """Check the whole log against its signed heads; `progress(n)` after each chunk."""
    report = Verification()
    heads = all_heads(session)
    report.heads = len(heads)
    report.latest_head = heads[-1].size if heads else None
    for head in heads:
        if not head_signature_valid(public, head):
            report.problems.append(f"signed head of size {head.size}: bad signature")
    _scan(session, report, {head.size: head for head in heads}, progress)
    size = log_size(session)
    if report.first_bad_entry is None:
        if report.entries < size:
            report.bad(report.entries, f"is missing (the log's size is {size})")
        elif heads and heads[-1].size > report.entries:
            report.bad(report.entries, f"is missing (the latest head covers {heads[-1].size})")
    return report
