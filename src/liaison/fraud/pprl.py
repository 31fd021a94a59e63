"""Candidate matches between two sets of encodings: Dice similarity, with or without blocking.

The Dice coefficient of two Bloom filters is 2·|A∧B| / (|A| + |B|), computed on 64-bit words
with numpy's popcount (`np.bitwise_count`). Comparing every pair is the reference
(`all_pairs`); at scale the pairs come from Hamming locality-sensitive hashing on the encodings
themselves (`blocked_pairs`): λ bands each sample `band_bits` bit positions, and two records are
compared when they agree on every sampled bit of at least one band (the λ-fold LSH blocking of
Karapiperis and Verykios, "An LSH-based blocking approach with a homomorphic matching technique
for privacy-preserving record linkage", IEEE TKDE 27(4), 2015). Blocking needs nothing but the
encodings, so no blocking key has to cross the border. Two records whose bits agree on a
fraction p of positions share a band with probability p^band_bits; with balanced encodings the
Dice coefficient is that fraction. `plan_blocking` picks the band width that finds a pair at the
threshold with the most probability per unit of work and as many bands as the recall target
needs, within a work budget (see `BlockingParams`); the bands run on a few threads (numpy
releases the GIL in the sorts, gathers and popcounts).

Only pairs at or above the threshold come out; `one_to_one` keeps, greedily by score, at most one
partner per record (anonlink's greedy solver does the same for linkage between two registers).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from liaison.errors import InvalidInput
from liaison.fraud.clk import Bits

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
ROW_BLOCK = 64
PAIR_BLOCK = 1 << 13
THREADS = min(4, os.cpu_count() or 1)
SAMPLE_PAIRS = 20_000
MAX_BANDS = 4096
MIN_BANDS = 8
BAND_WORK = 1.0
"""A band's own work (two keys and a sort-merge join) per record, in pair comparisons: on this
machine about 10 ms a band for 200,000 records, against about 70 ns a compared pair."""


@dataclass(frozen=True, slots=True)
class Pairs:
    """Matched pairs: index into the left set, index into the right set, Dice score."""

    left: Ints
    right: Ints
    score: Floats

    def __len__(self) -> int:
        return len(self.left)

    def sorted(self) -> Pairs:
        """The pairs, best score first (ties by left, then right index)."""
        order = np.lexsort((self.right, self.left, -self.score))
        return Pairs(self.left[order], self.right[order], self.score[order])


@dataclass(frozen=True, slots=True)
class BlockingParams:
    """Hamming LSH settings: `bands` bands of `band_bits` sampled positions each (both planned
    from the data when None: `plan_blocking`), drawn with `seed`. `recall` is the probability of
    finding a pair exactly at the threshold that the planner aims for; `max_work` bounds the
    work of all bands together, in pair comparisons (a band's keys and join count as
    `BAND_WORK` comparisons per record): 400 million is about 30 s of one core here, the
    budget 100,000 × 100,000 encodings reach (see docs/benchmarks.md)."""

    bands: int | None = None
    band_bits: int | None = None
    recall: float = 0.999
    max_work: int = 400_000_000
    seed: int = 20261125

    def __post_init__(self) -> None:
        if self.bands is not None and not 1 <= self.bands <= MAX_BANDS:
            raise InvalidInput(f"blocking: bands must be 1-{MAX_BANDS}")
        if self.band_bits is not None and not 1 <= self.band_bits <= 63:
            raise InvalidInput("blocking: band_bits must be 1-63")
        if not 0.0 < self.recall < 1.0:
            raise InvalidInput("blocking: recall must be above 0 and below 1")


@dataclass(frozen=True, slots=True)
class BlockingPlan:
    """What `plan_blocking` chose and why: bands, bits per band, the expected candidate pairs
    per band, and the probability that a pair exactly at the threshold shares a band."""

    bands: int
    band_bits: int
    candidates_per_band: float
    recall_at_threshold: float


def plan_blocking(
    left: Bits, right: Bits, threshold: float, blocking: BlockingParams
) -> BlockingPlan:
    """The banding for these encodings. The expected candidates of a band of k bits are
    estimated from the bit agreement of random pairs; `band_bits` is the k that finds a pair at
    the threshold with the most probability per unit of work (candidates plus the band's own
    work); `bands` the number that finds such a pair with probability `recall`, within
    `max_work` and `MAX_BANDS`."""
    rng = np.random.default_rng(blocking.seed)
    sample = min(SAMPLE_PAIRS, len(left) * len(right))
    i = rng.integers(0, len(left), sample)
    j = rng.integers(0, len(right), sample)
    agree = 1.0 - np.bitwise_count(left[i] ^ right[j]).sum(axis=1) / (left.shape[1] * 64)
    pairs = float(len(left)) * float(len(right))
    overhead = BAND_WORK * (len(left) + len(right))
    widths = np.arange(1, 64) if blocking.band_bits is None else np.array([blocking.band_bits])
    per_band = np.array([pairs * float(np.mean(agree**k)) for k in widths])
    found = float(threshold) ** widths
    best = int(np.argmax(found / (per_band + overhead)))
    bits, hit = int(widths[best]), float(found[best])
    needed = np.log1p(-blocking.recall) / np.log1p(-hit) if hit < 1.0 else 1.0
    affordable = max(MIN_BANDS, int(blocking.max_work / (per_band[best] + overhead)))
    bands = blocking.bands or int(min(np.ceil(needed), affordable, MAX_BANDS))
    return BlockingPlan(bands, bits, float(per_band[best]), 1.0 - (1.0 - hit) ** bands)


def _check(left: Bits, right: Bits, threshold: float) -> None:
    if left.ndim != 2 or right.ndim != 2 or left.shape[1] != right.shape[1]:
        raise InvalidInput("encodings of different lengths cannot be compared")
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput("threshold must be above 0 and at most 1")


def popcounts(encodings: Bits) -> Ints:
    """The Hamming weight of each encoding."""
    counts: Ints = np.bitwise_count(encodings).sum(axis=1, dtype=np.int64)
    return counts


def dice(left: Bits, right: Bits) -> Floats:
    """Dice coefficients of aligned rows of `left` and `right` (0 when both are empty)."""
    common = np.bitwise_count(left & right).sum(axis=1, dtype=np.int64)
    total = popcounts(left) + popcounts(right)
    score: Floats = np.divide(2.0 * common, total, out=np.zeros(len(common)), where=total > 0)
    return score


def all_pairs(left: Bits, right: Bits, threshold: float) -> Pairs:
    """Every pair at or above `threshold`, comparing all len(left)·len(right) pairs."""
    _check(left, right, threshold)
    right_weight = popcounts(right)
    found: list[tuple[Ints, Ints, Floats]] = []
    for start in range(0, len(left), ROW_BLOCK):
        rows = left[start : start + ROW_BLOCK]
        common = np.zeros((len(rows), len(right)), dtype=np.int64)
        for word in range(left.shape[1]):
            common += np.bitwise_count(rows[:, word, None] & right[None, :, word])
        total = popcounts(rows)[:, None] + right_weight[None, :]
        score = np.divide(2.0 * common, total, out=np.zeros(common.shape), where=total > 0)
        i, j = np.nonzero(score >= threshold)
        found.append((i + start, j, score[i, j]))
    return Pairs(*_concatenated(found))


def _concatenated(parts: list[tuple[Ints, Ints, Floats]]) -> tuple[Ints, Ints, Floats]:
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return (
        np.concatenate([part[0] for part in parts]),
        np.concatenate([part[1] for part in parts]),
        np.concatenate([part[2] for part in parts]),
    )


def band_keys(words: Bits, positions: Ints) -> npt.NDArray[np.uint64]:
    """Each encoding's bits at `positions`, packed into one 64-bit key; `words` holds the
    encodings transposed (word by record, `np.ascontiguousarray(encodings.T)`), so each bit is
    read from one contiguous row."""
    key = np.zeros(words.shape[1], dtype=np.uint64)
    bit = np.empty_like(key)
    for shift, position in enumerate(positions.tolist()):
        np.right_shift(words[position >> 6], np.uint64(position & 63), out=bit)
        bit &= np.uint64(1)
        bit <<= np.uint64(shift)
        key |= bit
    return key


def band_pairs(
    left_keys: npt.NDArray[np.uint64], right_keys: npt.NDArray[np.uint64]
) -> tuple[Ints, Ints]:
    """Every (left, right) index pair whose keys are equal: both sides sorted, then merged."""
    left_order, right_order = np.argsort(left_keys), np.argsort(right_keys)
    ordered = right_keys[right_order]
    queries = left_keys[left_order]
    low = np.searchsorted(ordered, queries, "left")
    counts = np.searchsorted(ordered, queries, "right") - low
    ends = np.cumsum(counts)
    within = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    within -= np.repeat(ends - counts, counts)
    left = np.repeat(left_order, counts).astype(np.int64, copy=False)
    right = right_order[np.repeat(low, counts) + within].astype(np.int64, copy=False)
    return left, right


def common_bits(left: Bits, right: Bits, li: Ints, ri: Ints) -> Ints:
    """|A∧B| of each pair (left[li], right[ri]): rows gathered with `np.take` and ANDed in
    place, popcounts summed word by word (faster than a reduction along the short axis)."""
    gathered = np.take(left, li, axis=0)
    gathered &= np.take(right, ri, axis=0)
    per_word = np.bitwise_count(gathered)
    counts: Ints = per_word[:, 0].astype(np.int64)
    for word in range(1, per_word.shape[1]):
        counts += per_word[:, word]
    return counts


def _scored(
    sides: tuple[Bits, Bits], weights: tuple[Ints, Ints], li: Ints, ri: Ints, threshold: float
) -> tuple[Ints, Ints, Floats]:
    """The pairs among (li, ri) at or above `threshold`, a cache-sized block of pairs at a time."""
    keep: list[tuple[Ints, Ints, Floats]] = []
    for start in range(0, len(li), PAIR_BLOCK):
        i, j = li[start : start + PAIR_BLOCK], ri[start : start + PAIR_BLOCK]
        total = weights[0][i] + weights[1][j]
        common = common_bits(*sides, i, j)
        score = np.divide(2.0 * common, total, out=np.zeros(len(i)), where=total > 0)
        hit = score >= threshold
        keep.append((i[hit], j[hit], score[hit]))
    return _concatenated(keep)


def blocked_pairs(
    left: Bits, right: Bits, threshold: float, blocking: BlockingParams | None = None
) -> Pairs:
    """The pairs at or above `threshold` among those that share at least one LSH band."""
    _check(left, right, threshold)
    blocking = blocking or BlockingParams()
    if not len(left) or not len(right):
        return Pairs(*_concatenated([]))
    plan = plan_blocking(left, right, threshold, blocking)
    rng = np.random.default_rng(blocking.seed)
    width = left.shape[1] * 64
    bands = [
        rng.choice(width, size=plan.band_bits, replace=False).astype(np.int64)
        for _ in range(plan.bands)
    ]
    sides = (left, right)
    weights = (popcounts(left), popcounts(right))
    words = (np.ascontiguousarray(left.T), np.ascontiguousarray(right.T))

    def band(positions: Ints) -> tuple[Ints, Ints, Floats]:
        li, ri = band_pairs(band_keys(words[0], positions), band_keys(words[1], positions))
        return _scored(sides, weights, li, ri, threshold)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        found = list(pool.map(band, bands))
    left_index, right_index, score = _concatenated(found)
    code = left_index * max(len(right), 1) + right_index
    _, first = np.unique(code, return_index=True)
    return Pairs(left_index[first], right_index[first], score[first])


def one_to_one(pairs: Pairs) -> Pairs:
    """At most one partner per record: pairs taken greedily, best score first."""
    ordered = pairs.sorted()
    used_left: set[int] = set()
    used_right: set[int] = set()
    keep = np.zeros(len(ordered), dtype=bool)
    for index, (i, j) in enumerate(zip(ordered.left.tolist(), ordered.right.tolist(), strict=True)):
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            keep[index] = True
    return Pairs(ordered.left[keep], ordered.right[keep], ordered.score[keep])
