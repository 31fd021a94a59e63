"""Shortest supplier-to-market routes: the `limit` shortest simple paths from any source to any
target, fewest hops first (ties by vertex ids).

Distances from every source to every target come from one breadth-first search per source (C);
pairs are then visited nearest first, each asked for its own `limit` shortest paths (Yen's
algorithm, igraph), until no further pair can hold a path shorter than the longest kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import igraph as ig

DEFAULT_LIMIT = 10


def shortest_routes(
    graph: ig.Graph, sources: Sequence[int], targets: Sequence[int], limit: int = DEFAULT_LIMIT
) -> list[list[int]]:
    """Up to `limit` shortest source-to-target paths as vertex lists, shortest first."""
    if limit < 1 or not sources or not targets:
        return []
    distances = graph.distances(source=list(sources), target=list(targets))
    pairs = sorted(
        (distance, source, target)
        for source, row in zip(sources, distances, strict=True)
        for target, distance in zip(targets, row, strict=True)
        if math.isfinite(distance) and source != target
    )
    found: list[list[int]] = []
    for distance, source, target in pairs:
        if len(found) >= limit and distance > len(found[limit - 1]) - 1:
            break
        found.extend(path for path in graph.get_k_shortest_paths(source, target, k=limit) if path)
        found.sort(key=lambda path: (len(path), path))
        del found[limit:]
    return found
