"""A large synthetic trafficking graph built straight into igraph, for the benchmark.

Two sides of `vertices` vertices in all, supply (Asia) and market (North America), each made of
communities of `community` vertices with most edges inside a community; the two sides meet only
through `chokepoints` brokers, each linked to `broker_degree` vertices on each side. Sources are
drawn from the supply side and targets from the market side, far enough apart that the
chokepoints are the minimum vertex cut between them. Edges are drawn with numpy (no Python loop
per edge); parallel edges and loops are removed, so the edge count is a little under `edges`.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np


@dataclass(frozen=True, slots=True)
class RawNetwork:
    """The graph, the planted terminals and chokepoints, and each vertex's planted community."""

    graph: ig.Graph
    sources: list[int]
    targets: list[int]
    chokepoints: list[int]
    communities: list[int]


def _side_edges(
    rng: np.random.Generator, first: int, size: int, count: int, community: int, inside: float
) -> np.ndarray:
    """`count` edges among vertices first..first+size, a share `inside` within communities."""
    left = rng.integers(0, size, count)
    same = (left // community) * community + rng.integers(0, community, count)
    anywhere = rng.integers(0, size, count)
    right = np.where(rng.random(count) < inside, np.minimum(same, size - 1), anywhere)
    return np.column_stack([left, right]) + first


def raw_network(
    *,
    vertices: int = 100_000,
    edges: int = 1_000_000,
    chokepoints: int = 50,
    broker_degree: int = 100,
    community: int = 1_000,
    terminals: int = 20,
    inside: float = 0.9,
    seed: int = 0,
) -> RawNetwork:
    """The benchmark graph with its planted cut (the chokepoints) and communities."""
    rng = np.random.default_rng(seed)
    side = (vertices - chokepoints) // 2
    market_first = side
    broker_first = 2 * side
    bridges = chokepoints * broker_degree * 2
    per_side = (edges - bridges) // 2
    supply = _side_edges(rng, 0, side, per_side, community, inside)
    market = _side_edges(rng, market_first, side, per_side, community, inside)
    brokers = np.repeat(np.arange(broker_first, broker_first + chokepoints), broker_degree)
    to_supply = np.column_stack([brokers, rng.integers(0, side, brokers.size)])
    to_market = np.column_stack([brokers, rng.integers(market_first, 2 * side, brokers.size)])
    all_edges = np.vstack([supply, market, to_supply, to_market])
    graph = ig.Graph(n=broker_first + chokepoints, edges=all_edges.tolist(), directed=False)
    graph.simplify(multiple=True, loops=True)
    sources = rng.choice(side, terminals, replace=False).tolist()
    targets = (rng.choice(side, terminals, replace=False) + market_first).tolist()
    labels = [v // community for v in range(side)]
    labels += [side // community + 1 + v // community for v in range(side)]
    labels += [-1] * chokepoints
    return RawNetwork(graph, sources, targets, list(range(broker_first, vertices)), labels)
