"""Dice matching: numpy against a slow reference, blocking against all pairs (on FEBRL 4 and on
generated applications' true duplicates), FEBRL 4 accuracy, the blocking plan."""

from __future__ import annotations

import numpy as np
import pytest

from liaison.errors import InvalidInput
from liaison.fraud.clk import ClkParams, Encoder, unpack
from liaison.fraud.pprl import (
    BlockingParams,
    Ints,
    Pairs,
    all_pairs,
    blocked_pairs,
    dice,
    one_to_one,
    plan_blocking,
)
from liaison.fraud.synthetic import generate_applications
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


def _true_pairs(person: list[int], half: int) -> tuple[Ints, Ints]:
    rows: dict[int, list[int]] = {}
    for row, who in enumerate(person[:half]):
        rows.setdefault(who, []).append(row)
    pairs = [(i, j) for j, who in enumerate(person[half:]) for i in rows.get(who, [])]
    return np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])


def test_blocking_loses_no_true_duplicate_that_all_pairs_finds_on_generated_applications() -> None:
    """10,000 × 10,000 generated applications (households, name variants and typos near the
    threshold): blocked recall of the true pairs (same person) is all-pairs recall, within 0.2
    points. All-pairs recall is exact without comparing every pair: the share of true pairs at
    or above the threshold."""
    apps = generate_applications(20_000, seed=11)
    columns = apps.records.to_pydict()
    half = 10_000
    encoder = Encoder(SECRET, ClkParams())
    a = encoder.encode({name: values[:half] for name, values in columns.items()})
    b = encoder.encode({name: values[half:] for name, values in columns.items()})
    li, ri = _true_pairs(apps.truth.column("person_id").to_pylist(), half)
    assert len(li) > 2_500
    every = float(np.mean(dice(a[li], b[ri]) >= 0.75))
    blocked = blocked_pairs(a, b, 0.75)
    found = set(zip(blocked.left.tolist(), blocked.right.tolist(), strict=True))
    recall = sum((i, j) in found for i, j in zip(li.tolist(), ri.tolist(), strict=True)) / len(li)
    assert every > 0.9
    assert recall >= every - 0.002, (recall, every)


def test_the_plan_spends_its_work_budget_on_bands() -> None:
    left, right, _ = febrl4()
    encoder = Encoder(SECRET, ClkParams())
    a, b = encoder.encode(left), encoder.encode(right)
    plan = plan_blocking(a, b, 0.75, BlockingParams())
    assert plan.recall_at_threshold >= 0.999
    tight = plan_blocking(a, b, 0.75, BlockingParams(max_work=1_000_000))
    assert tight.bands < plan.bands and tight.recall_at_threshold < 0.999
    fixed = plan_blocking(a, b, 0.75, BlockingParams(bands=10, band_bits=20))
    assert (fixed.bands, fixed.band_bits) == (10, 20)
    with pytest.raises(InvalidInput, match="recall"):
        BlockingParams(recall=1.0)
