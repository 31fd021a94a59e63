"""Communities: the Leiden algorithm (Traag, Waltman & van Eck 2019) maximising modularity.

igraph's `community_leiden` runs in C, iterated until no vertex moves. Its random choices come
from a generator seeded by the caller, so the same graph and seed give the same partition.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import igraph as ig


@dataclass(frozen=True, slots=True)
class Partition:
    """Each vertex's community (numbered from 0, largest first) and the partition's modularity."""

    membership: list[int]
    modularity: float

    def sizes(self) -> list[int]:
        """The size of each community, by community number."""
        counts = [0] * (max(self.membership, default=-1) + 1)
        for community in self.membership:
            counts[community] += 1
        return counts


def _renumbered(membership: list[int]) -> list[int]:
    """Communities renumbered largest first (ties by first vertex)."""
    counts: dict[int, int] = {}
    for community in membership:
        counts[community] = counts.get(community, 0) + 1
    order = sorted(counts, key=lambda community: -counts[community])
    number = {community: rank for rank, community in enumerate(order)}
    return [number[community] for community in membership]


def communities(
    graph: ig.Graph, *, resolution: float = 1.0, seed: int = 0, iterations: int = -1
) -> Partition:
    """The Leiden partition of `graph` under modularity (at `resolution`), with its modularity."""
    if graph.vcount() == 0:
        return Partition([], 0.0)
    ig.set_random_number_generator(random.Random(seed))  # noqa: S311 - statistics
    try:
        found = graph.community_leiden(
            objective_function="modularity", resolution=resolution, n_iterations=iterations
        )
    finally:
        ig.set_random_number_generator(random)
    membership = _renumbered(list(found.membership))
    modularity = graph.modularity(membership) if graph.ecount() else 0.0
    return Partition(membership, float(modularity))
