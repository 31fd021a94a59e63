"""Proofs served from the stored log: each reads the O(log n) hashes it needs in two queries.

`liaison.audit.merkle` computes roots and proofs over a `perfect(level, index)` accessor. Which
perfect subtrees a computation touches depends only on the sizes and indexes, never on the hash
values, so each function here first runs the computation over a recording accessor to learn the
keys, reads them all at once (leaves from `audit_entries`, level ≥ 1 from `audit_nodes`) and then
runs it again over what it read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from liaison.audit import merkle
from liaison.audit.log import log_size
from liaison.errors import InvalidInput, StoreUnavailable
from liaison.store.models import AuditEntry, AuditNode

T = TypeVar("T")
_PLACEHOLDER = bytes(32)


def _with_stored(session: Session, compute: Callable[[merkle.Perfect], T]) -> T:
    """Run `compute` over the stored perfect-subtree hashes it needs."""
    keys: set[tuple[int, int]] = set()

    def recording(level: int, index: int) -> bytes:
        keys.add((level, index))
        return _PLACEHOLDER

    compute(recording)
    found: dict[tuple[int, int], bytes] = {}
    leaves = [index for level, index in keys if level == 0]
    if leaves:
        leaf_rows = session.execute(
            select(AuditEntry.index, AuditEntry.leaf_hash).where(AuditEntry.index.in_(leaves))
        )
        found.update(((0, index), bytes.fromhex(digest)) for index, digest in leaf_rows)
    nodes = [key for key in keys if key[0] > 0]
    if nodes:
        rows = session.execute(
            select(AuditNode.level, AuditNode.index, AuditNode.hash).where(
                or_(*(and_(AuditNode.level == lv, AuditNode.index == ix) for lv, ix in nodes))
            )
        )
        found.update(((level, index), bytes.fromhex(digest)) for level, index, digest in rows)

    def stored(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise StoreUnavailable(
                f"audit log is incomplete: no hash of subtree ({level}, {index}); "
                "run `liaison audit verify`"
            ) from None

    return compute(stored)


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Entry `index` is leaf `leaf_hash` of the tree of `size` whose root is `root_hash`."""

    index: int
    size: int
    leaf_hash: bytes
    root_hash: bytes
    path: list[bytes]


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """The tree of `first` entries is a prefix of the tree of `second`."""

    first: int
    second: int
    first_root: bytes
    second_root: bytes
    path: list[bytes]


def _check_size(session: Session, size: int) -> None:
    current = log_size(session)
    if not 0 < size <= current:
        raise InvalidInput(f"tree size {size} is not between 1 and the log's size {current}")


def inclusion(session: Session, index: int, size: int) -> InclusionProof:
    """The inclusion proof of entry `index` in the tree of the first `size` entries."""
    _check_size(session, size)
    if not 0 <= index < size:
        raise InvalidInput(f"entry {index} is not in a tree of {size} entries")

    def compute(perfect: merkle.Perfect) -> InclusionProof:
        path = merkle.inclusion_proof(index, size, perfect)
        return InclusionProof(index, size, perfect(0, index), merkle.root_hash(size, perfect), path)

    return _with_stored(session, compute)


def consistency(session: Session, first: int, second: int) -> ConsistencyProof:
    """The consistency proof between the trees of the first `first` and `second` entries."""
    _check_size(session, second)
    if not 0 < first <= second:
        raise InvalidInput(f"first size {first} must be between 1 and the second size {second}")

    def compute(perfect: merkle.Perfect) -> ConsistencyProof:
        path = merkle.consistency_proof(first, second, perfect)
        roots = merkle.root_hash(first, perfect), merkle.root_hash(second, perfect)
        return ConsistencyProof(first, second, *roots, path)

    return _with_stored(session, compute)
