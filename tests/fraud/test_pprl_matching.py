"""Dice matching: numpy against a slow reference, blocking against all pairs, FEBRL 4 accuracy."""

from __future__ import annotations

import numpy as np
import pytest

from liaison.errors import InvalidInput
from liaison.fraud.clk import ClkParams, Encoder, unpack
from liaison.fraud.pprl import (
    BlockingParams,
    Pairs,
    all_pairs,
    blocked_pairs,
    dice,
    one_to_one,
)
from tests.fraud.pprl_data import f1, febrl4

SECRET = b"a secret both parties agreed on!"


def _reference(left: np.ndarray, right: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    found = set()
    a, b = unpack(left, left.shape[1] * 64), unpack(right, right.shape[1] * 64)
    for i in range(len(a)):
        for j in range(len(b)):
            common = int(np.sum(a[i] & b[j]))
            total = int(a[i].sum() + b[j].sum())
            if total and 2 * common / total >= threshold:
                found.add((i, j))
    return found


def test_dice_and_all_pairs_agree_with_a_slow_reference() -> None:
    rng = np.random.default_rng(7)
    left = rng.integers(0, 2**63, (40, 4), dtype=np.int64).view(np.uint64)
    right = np.concatenate(
        [left[:10] ^ np.uint64(1), rng.integers(0, 2**63, (30, 4)).view(np.uint64)]
    )
    bits_a, bits_b = unpack(left[:5], 256), unpack(right[:5], 256)
    expected = [
        2 * (a & b).sum() / (a.sum() + b.sum()) for a, b in zip(bits_a, bits_b, strict=True)
    ]
    assert np.allclose(dice(left[:5], right[:5]), expected)
    for threshold in (0.55, 0.9):
        pairs = all_pairs(left, right, threshold)
        assert set(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)) == _reference(
            left, right, threshold
        )


def test_blocked_matching_finds_what_all_pairs_find_on_febrl4() -> None:
    left, right, _ = febrl4()
    encoder = Encoder(SECRET, ClkParams())
    a, b = encoder.encode(left), encoder.encode(right)
    everything = all_pairs(a[:1500], b, 0.75)
    blocked = blocked_pairs(a[:1500], b, 0.75, BlockingParams())
    as_set = {
        (i, j) for i, j in zip(everything.left.tolist(), everything.right.tolist(), strict=True)
    }
    assert {
        (i, j) for i, j in zip(blocked.left.tolist(), blocked.right.tolist(), strict=True)
    } == as_set
    assert np.allclose(np.sort(blocked.score), np.sort(everything.score))


def test_privacy_preserving_matching_of_febrl4_is_within_half_a_point_of_plaintext() -> None:
    left, right, truth = febrl4()
    encoder = Encoder(SECRET, ClkParams())
    pairs = one_to_one(blocked_pairs(encoder.encode(left), encoder.encode(right), 0.75))
    found = set(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True))
    assert f1(found, truth) >= 0.994  # plaintext Splink reaches 0.999 (bench/linkage.py)


def test_one_to_one_keeps_the_best_partner() -> None:
    pairs = Pairs(np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([0.8, 0.95, 0.9]))
    kept = one_to_one(pairs)
    assert list(zip(kept.left.tolist(), kept.right.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_encodings_of_different_lengths_are_refused() -> None:
    short = np.zeros((2, 4), dtype=np.uint64)
    long = np.zeros((2, 8), dtype=np.uint64)
    with pytest.raises(InvalidInput, match="different lengths"):
        blocked_pairs(short, long, 0.8)
    with pytest.raises(InvalidInput, match="threshold"):
        all_pairs(short, short, 1.5)
