"""RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, proofs and their verification.

Hashes follow RFC 9162 §2.1.1: a leaf is SHA-256(0x00 ‖ entry), an interior node SHA-256(0x01 ‖
left ‖ right), and a tree of n leaves splits at the largest power of two below n. Everything here
is computed from *perfect* subtrees — the hash of the 2^level leaves starting at index·2^level —
which the log stores as it grows, so a root, an inclusion proof or a consistency proof costs
O(log n) lookups whatever the size of the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

Perfect = Callable[[int, int], bytes]  # (level, index) -> hash of that perfect subtree


class ProofError(ValueError):
    """A proof that does not prove what it claims."""


def leaf_hash(entry: bytes) -> bytes:
    """The RFC 9162 hash of one log entry."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(size: int) -> int:
    """The largest power of two strictly below `size` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_hash(start: int, size: int, perfect: Perfect) -> bytes:
    """MTH of the `size` leaves from `start`, where `start` is a multiple of the split of `size`."""
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return perfect(level, start >> level)
    k = _split(size)
    return node_hash(
        perfect(k.bit_length() - 1, start // k), subtree_hash(start + k, size - k, perfect)
    )


def root_hash(size: int, perfect: Perfect) -> bytes:
    """The root of the first `size` leaves (the hash of the empty string for an empty tree)."""
    return EMPTY_ROOT if size == 0 else subtree_hash(0, size, perfect)


def inclusion_proof(index: int, size: int, perfect: Perfect) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1, leaf-side first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start = 0
    while size > 1:
        k = _split(size)
        if index < k:
            path.append(subtree_hash(start + k, size - k, perfect))
            size = k
        else:
            path.append(subtree_hash(start, k, perfect))
            start, index, size = start + k, index - k, size - k
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, perfect: Perfect) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from {old_size} to {new_size}")
    proof: list[bytes] = []
    start, m, n, complete = 0, old_size, new_size, True
    while m != n:
        k = _split(n)
        if m <= k:
            proof.append(subtree_hash(start + k, n - k, perfect))
            n = k
        else:
            proof.append(subtree_hash(start, k, perfect))
            start, m, n, complete = start + k, m - k, n - k, False
    if not complete:
        proof.append(subtree_hash(start, m, perfect))
    proof.reverse()
    return proof


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check an inclusion proof (RFC 9162 §2.1.3.2); raise ProofError if it fails."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    if r != root:
        raise ProofError("inclusion proof does not lead to the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check a consistency proof (RFC 9162 §2.1.4.2); raise ProofError if it fails."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from {old_size} to {new_size}")
    if old_size == new_size:
        if proof or old_root != new_root:
            raise ProofError("equal sizes need an empty proof and equal roots")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not lead to the new root")


def perfect_from_leaves(leaves: Sequence[bytes]) -> Perfect:
    """A `Perfect` over leaf hashes held in memory (for tests and offline verification)."""
    cache: dict[tuple[int, int], bytes] = {}

    def perfect(level: int, index: int) -> bytes:
        if level == 0:
            return leaves[index]
        key = (level, index)
        if key not in cache:
            cache[key] = node_hash(perfect(level - 1, 2 * index), perfect(level - 1, 2 * index + 1))
        return cache[key]

    return perfect
