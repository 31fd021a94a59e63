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

from sqlalchemy.orm import Session

from liaison.audit import merkle
from liaison.audit.log import log_size
from liaison.errors import InvalidInput, StoreUnavailable

T = TypeVar("T")
_PLACEHOLDER = bytes(32)


_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _stored_hashes(session: Session, keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of `keys` ((0, i) is leaf i), read with one driver-level query each.

    A proof needs a few dozen hashes; building ORM statements for them cost more than the
    lookups, so the statements go to the driver directly (constant SQL, bound parameters).
    """
    connection = session.connection()
    mark = _MARKS[connection.dialect.paramstyle]
    found: dict[tuple[int, int], bytes] = {}
    leaves = sorted(index for level, index in keys if level == 0)
    if leaves:
        sql = (
            'SELECT "index", leaf_hash FROM audit_entries WHERE "index" IN '  # noqa: S608 (only placeholders)
            f"({', '.join([mark] * len(leaves))})"
        )
        rows = connection.exec_driver_sql(sql, tuple(leaves))
        found.update(((0, index), bytes.fromhex(digest)) for index, digest in rows)
    nodes = sorted(key for key in keys if key[0] > 0)
    if nodes:
        sql = (
            'SELECT level, "index", hash FROM audit_nodes WHERE '  # noqa: S608 (only placeholders)
            + " OR ".join([f'(level = {mark} AND "index" = {mark})'] * len(nodes))
        )
        rows = connection.exec_driver_sql(sql, tuple(value for key in nodes for value in key))
        found.update(((level, index), bytes.fromhex(digest)) for level, index, digest in rows)
    return found


def _with_stored(session: Session, compute: Callable[[merkle.Perfect], T]) -> T:
    """Run `compute` over the stored perfect-subtree hashes it needs."""
    keys: set[tuple[int, int]] = set()

    def recording(level: int, index: int) -> bytes:
        keys.add((level, index))
        return _PLACEHOLDER

    compute(recording)
    found = _stored_hashes(session, keys)

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
