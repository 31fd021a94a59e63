"""The minimum vertex cut between suppliers and markets: the fewest actors whose disruption
disconnects every supplier from every market.

Menger's theorem as a flow: each vertex v becomes an arc v_in → v_out of capacity 1 (infinite
for the sources and targets, which cannot be cut), each undirected edge {u, v} two arcs
u_out → v_in and v_out → u_in of infinite capacity, and a super-source feeds every source's
v_in while every target's v_out drains into a super-sink. A maximum flow (igraph, push-relabel
in C) equals the smallest number of vertices meeting every source–target path, and the
saturated vertex arcs of its minimum cut are such a set. "Infinite" is n + 1, more than any cut
of vertices can cost.
"""

from __future__ import annotations

from collections.abc import Sequence

import igraph as ig
import numpy as np

from liaison.errors import InvalidInput


def check_terminals(graph: ig.Graph, sources: Sequence[int], targets: Sequence[int]) -> None:
    """InvalidInput unless sources and targets are non-empty, disjoint and not adjacent."""
    if not sources or not targets:
        raise InvalidInput("give at least one source and one target")
    overlap = set(sources) & set(targets)
    if overlap:
        raise InvalidInput(f"{len(overlap)} vertices are both a source and a target")
    targets_set = set(targets)
    for source in sources:
        if targets_set.intersection(graph.neighbors(source)):
            raise InvalidInput(
                "a source is adjacent to a target: no set of other actors separates them"
            )


def _split_graph(
    graph: ig.Graph, sources: Sequence[int], targets: Sequence[int]
) -> tuple[ig.Graph, list[int]]:
    """The flow network of the vertex-split construction and its arc capacities."""
    n = graph.vcount()
    infinite = n + 1
    terminals = np.zeros(n, dtype=bool)
    terminals[list(sources)] = True
    terminals[list(targets)] = True
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    vertex_arcs = np.column_stack([np.arange(n), np.arange(n) + n])
    forward = np.column_stack([edges[:, 0] + n, edges[:, 1]])
    backward = np.column_stack([edges[:, 1] + n, edges[:, 0]])
    source_arcs = np.column_stack([np.full(len(sources), 2 * n), np.asarray(sources)])
    target_arcs = np.column_stack([np.asarray(targets) + n, np.full(len(targets), 2 * n + 1)])
    arcs = np.vstack([vertex_arcs, forward, backward, source_arcs, target_arcs])
    capacity = np.full(len(arcs), infinite, dtype=np.int64)
    capacity[:n] = np.where(terminals, infinite, 1)
    split = ig.Graph(n=2 * n + 2, edges=arcs.tolist(), directed=True)
    return split, capacity.tolist()


def minimum_vertex_cut(
    graph: ig.Graph, sources: Sequence[int], targets: Sequence[int]
) -> list[int]:
    """A smallest set of non-terminal vertices whose removal leaves no source–target path.

    Empty when the sources and targets are already disconnected. InvalidInput for empty,
    overlapping or adjacent terminal sets (no vertex cut exists between adjacent ones).
    """
    check_terminals(graph, sources, targets)
    n = graph.vcount()
    split, capacity = _split_graph(graph, sources, targets)
    flow = split.maxflow(2 * n, 2 * n + 1, capacity)
    return sorted(edge for edge in flow.cut if edge < n)
