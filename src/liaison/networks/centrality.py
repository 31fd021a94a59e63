"""Degree, k-core and betweenness of every vertex of an undirected simple graph.

Betweenness is exact (Brandes' algorithm, igraph) on graphs of up to `EXACT_LIMIT` vertices. On
larger graphs it is estimated from k pivots (Brandes & Pich, "Centrality estimation in large
networks", 2007; Eppstein & Wang 2004): single-source shortest-path dependencies δ_s(v) are
accumulated from k source vertices drawn uniformly without replacement (igraph's `betweenness`
with `sources`, in C) and scaled by n/k, an unbiased estimate.

The stated error bound: each pivot contributes X_s = δ_s(v)/(n−2) ∈ [0, 1], whose mean over all
sources is 2·BC(v)/(n(n−2)). By Hoeffding's inequality (which holds for sampling without
replacement, Hoeffding 1963 §6) and a union bound over the n vertices, with probability at least
1−δ every vertex satisfies |B̂C(v) − BC(v)| ≤ ε·n(n−2)/2, where ε = √(ln(2n/δ) / (2k)); that is
k ≥ ln(2n/δ)/(2ε²) pivots for a chosen ε. On the usual normalised scale (BC divided by
(n−1)(n−2)/2) the bound is ε·n/(n−1).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import igraph as ig

from liaison.errors import InvalidInput

EXACT_LIMIT = 5_000
DEFAULT_PIVOTS = 512
DEFAULT_DELTA = 0.05

MAX_PIVOTS = 10_000_000
"""More pivots than vertices is the exact answer; the cap keeps parameters JSON-safe (audit)."""


@dataclass(frozen=True, slots=True)
class Betweenness:
    """Betweenness of each vertex (raw, pairs counted once), how it was obtained and its bound.

    `epsilon` and `delta` are None when exact; otherwise, with probability ≥ 1 − delta, every
    normalised value is within `normalised_error` of the exact one.
    """

    values: list[float]
    exact: bool
    pivots: int
    epsilon: float | None
    delta: float | None

    @property
    def normalised_error(self) -> float | None:
        """The bound on the normalised scale (BC / ((n−1)(n−2)/2)); None when exact."""
        n = len(self.values)
        return None if self.epsilon is None else self.epsilon * n / max(n - 1, 1)

    def normalised(self) -> list[float]:
        """Each value divided by (n−1)(n−2)/2, the number of pairs a vertex can lie between."""
        n = len(self.values)
        pairs = (n - 1) * (n - 2) / 2
        return [value / pairs if pairs > 0 else 0.0 for value in self.values]


def pivots_for(n: int, epsilon: float, delta: float) -> int:
    """Pivots needed for the Hoeffding bound ε at confidence 1 − δ: ⌈ln(2n/δ)/(2ε²)⌉, at most
    n (every vertex a pivot is the exact answer), even for ε or δ too small to compute with."""
    if not (0 < epsilon < 1 and 0 < delta < 1):
        raise InvalidInput("epsilon and delta must lie strictly between 0 and 1")
    vertices = max(n, 1)
    numerator, denominator = math.log(2 * vertices / delta), 2 * epsilon * epsilon
    if denominator == 0 or numerator >= vertices * denominator:
        return vertices
    return min(math.ceil(numerator / denominator), vertices)


def epsilon_of(n: int, pivots: int, delta: float) -> float:
    """The bound ε that `pivots` pivots give at confidence 1 − δ: √(ln(2n/δ)/(2k))."""
    return math.sqrt(math.log(2 * max(n, 1) / delta) / (2 * pivots))


def betweenness(
    graph: ig.Graph,
    *,
    pivots: int | None = None,
    epsilon: float | None = None,
    delta: float = DEFAULT_DELTA,
    exact_limit: int = EXACT_LIMIT,
    seed: int = 0,
) -> Betweenness:
    """Exact betweenness up to `exact_limit` vertices, else a pivot estimate with its bound.

    The pivot count is `pivots`, or what `epsilon` needs (`pivots_for`), or `DEFAULT_PIVOTS`;
    when it reaches n the answer is exact.
    """
    n = graph.vcount()
    if pivots is not None and pivots < 1:
        raise InvalidInput("pivots must be at least 1")
    wanted = pivots_for(n, epsilon, delta) if epsilon is not None else pivots or DEFAULT_PIVOTS
    if n <= exact_limit or wanted >= n:
        return Betweenness(list(graph.betweenness(directed=False)), True, n, None, None)
    sources = random.Random(seed).sample(range(n), wanted)  # noqa: S311 - statistics
    partial = graph.betweenness(directed=False, sources=sources)
    scale = n / wanted
    values = [value * scale for value in partial]
    return Betweenness(values, False, wanted, epsilon_of(n, wanted, delta), delta)


def degrees(graph: ig.Graph) -> list[int]:
    """The degree of each vertex."""
    return list(graph.degree())


def coreness(graph: ig.Graph) -> list[int]:
    """The k-core number of each vertex: the largest k with the vertex in a k-core."""
    return list(graph.coreness())
