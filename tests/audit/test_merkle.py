"""RFC 9162 hashing and proofs, checked against an independent reading of RFC 9162 §2.1."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.audit.merkle import (
    EMPTY_ROOT,
    Perfect,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    perfect_from_leaves,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

# --- an independent implementation, written from RFC 9162 §2.1 alone -------------------------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def rfc_mth(entries: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as §2.1.1 defines it."""
    if not entries:
        return _h(b"")
    if len(entries) == 1:
        return _h(b"\x00" + entries[0])
    k = _k(len(entries))
    return _h(b"\x01" + rfc_mth(entries[:k]) + rfc_mth(entries[k:]))


def rfc_path(m: int, entries: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of §2.1.3.1."""
    if len(entries) == 1:
        return []
    k = _k(len(entries))
    if m < k:
        return [*rfc_path(m, entries[:k]), rfc_mth(entries[k:])]
    return [*rfc_path(m - k, entries[k:]), rfc_mth(entries[:k])]


def rfc_subproof(m: int, entries: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of §2.1.4.1."""
    n = len(entries)
    if m == n:
        return [] if complete else [rfc_mth(entries)]
    k = _k(n)
    if m <= k:
        return [*rfc_subproof(m, entries[:k], complete), rfc_mth(entries[k:])]
    return [*rfc_subproof(m - k, entries[k:], False), rfc_mth(entries[:k])]


# --- the tests -------------------------------------------------------------------------------

ENTRIES = [f"entry {n}".encode() for n in range(70)]


def _perfect(size: int) -> Perfect:
    return perfect_from_leaves([leaf_hash(entry) for entry in ENTRIES[:size]])


@pytest.mark.parametrize("size", range(70))
def test_root_matches_the_rfc_definition(size: int) -> None:
    assert root_hash(size, _perfect(size)) == rfc_mth(ENTRIES[:size])
    assert root_hash(0, _perfect(0)) == EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 70))
def test_inclusion_proofs_match_and_verify(size: int) -> None:
    perfect = _perfect(size)
    root = rfc_mth(ENTRIES[:size])
    for index in range(size):
        proof = inclusion_proof(index, size, perfect)
        assert proof == rfc_path(index, ENTRIES[:size])
        verify_inclusion(index, size, leaf_hash(ENTRIES[index]), proof, root)


@pytest.mark.parametrize("new_size", range(1, 40))
def test_consistency_proofs_match_and_verify(new_size: int) -> None:
    perfect = _perfect(new_size)
    new_root = rfc_mth(ENTRIES[:new_size])
    for old_size in range(1, new_size + 1):
        proof = consistency_proof(old_size, new_size, perfect)
        assert proof == rfc_subproof(old_size, ENTRIES[:new_size], True)
        verify_consistency(old_size, new_size, rfc_mth(ENTRIES[:old_size]), new_root, proof)


@given(st.integers(2, 69), st.data())
def test_wrong_leaf_root_or_path_fails(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    perfect = _perfect(size)
    root = rfc_mth(ENTRIES[:size])
    proof = inclusion_proof(index, size, perfect)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf_hash(b"forged"), proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf_hash(ENTRIES[index]), proof, leaf_hash(b"x"))
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf_hash(ENTRIES[index]), proof[:-1], root)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf_hash(ENTRIES[index]), [*proof, root], root)


@given(st.integers(2, 60), st.data())
def test_a_rewritten_history_fails_consistency(new_size: int, data: st.DataObject) -> None:
    old_size = data.draw(st.integers(1, new_size - 1))
    changed = data.draw(st.integers(0, old_size - 1))
    forked = list(ENTRIES[:new_size])
    forked[changed] = b"rewritten"
    forked_perfect = perfect_from_leaves([leaf_hash(entry) for entry in forked])
    proof = consistency_proof(old_size, new_size, forked_perfect)
    with pytest.raises(ProofError):
        verify_consistency(old_size, new_size, rfc_mth(ENTRIES[:old_size]), rfc_mth(forked), proof)
