"""A dismantling order: which actors to remove, one after another, to break the network fastest.

The heuristic is adaptive highest degree (HDA; Albert, Jeong & Barabási 2000, and the baseline
of Morone & Makse 2015): remove the vertex of highest degree in what remains, recompute degrees,
repeat. After each removal the size of the largest connected component of what remains is
reported (in C, igraph's connected components). Ties go to the lowest vertex index, so the
order is deterministic. The walk stops after `steps` removals or when no edge is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np

DEFAULT_STEPS = 20


@dataclass(frozen=True, slots=True)
class Step:
    """One removal: the vertex removed and the largest component's size afterwards."""

    vertex: int
    largest_component: int


def largest_component(graph: ig.Graph) -> int:
    """The number of vertices of the largest connected component (0 for an empty graph)."""
    if graph.vcount() == 0:
        return 0
    sizes: list[int] = graph.connected_components().sizes()
    return max(sizes)


def dismantling_order(graph: ig.Graph, steps: int = DEFAULT_STEPS) -> list[Step]:
    """Up to `steps` removals by adaptive highest degree, with the largest component after each."""
    degree = np.asarray(graph.degree(), dtype=np.int64)
    alive = np.ones(graph.vcount(), dtype=bool)
    order: list[Step] = []
    for _ in range(max(steps, 0)):
        if degree.size == 0:
            break
        vertex = int(np.argmax(degree))
        if degree[vertex] <= 0:
            break
        neighbours = np.asarray(graph.neighbors(vertex), dtype=np.int64)
        neighbours = neighbours[alive[neighbours]]
        degree[neighbours] -= 1
        alive[vertex] = False
        degree[vertex] = -1
        remaining = graph.induced_subgraph(np.flatnonzero(alive).tolist(), "create_from_scratch")
        order.append(Step(vertex, largest_component(remaining)))
    return order
