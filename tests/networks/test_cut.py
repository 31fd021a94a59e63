"""The minimum vertex cut is minimal: checked against brute force on many small random graphs."""

from __future__ import annotations

import itertools
import random

import igraph as ig
import pytest

from liaison.errors import InvalidInput
from liaison.networks.cut import minimum_vertex_cut


def _separates(graph: ig.Graph, removed: set[int], sources: list[int], targets: list[int]) -> bool:
    keep = [v for v in range(graph.vcount()) if v not in removed]
    position = {v: i for i, v in enumerate(keep)}
    rest = graph.induced_subgraph(keep)
    membership = rest.connected_components().membership
    reached = {membership[position[s]] for s in sources}
    return not any(membership[position[t]] in reached for t in targets)


def _case(rng: random.Random) -> tuple[ig.Graph, list[int], list[int]] | None:
    n = rng.randint(4, 10)
    graph = ig.Graph.Erdos_Renyi(n=n, p=rng.uniform(0.2, 0.6))
    vertices = list(range(n))
    rng.shuffle(vertices)
    sources = vertices[: rng.randint(1, 2)]
    targets = vertices[len(sources) : len(sources) + rng.randint(1, 2)]
    if any(set(targets) & set(graph.neighbors(s)) for s in sources):
        return None
    return graph, sources, targets


def test_cut_is_minimal_against_brute_force() -> None:
    rng = random.Random(20261105)
    checked = nonempty = 0
    while checked < 300:
        case = _case(rng)
        if case is None:
            continue
        graph, sources, targets = case
        checked += 1
        cut = minimum_vertex_cut(graph, sources, targets)
        assert not set(cut) & (set(sources) | set(targets))
        assert _separates(graph, set(cut), sources, targets)
        others = [v for v in range(graph.vcount()) if v not in sources and v not in targets]
        for size in range(len(cut)):
            for subset in itertools.combinations(others, size):
                assert not _separates(graph, set(subset), sources, targets), (cut, subset)
        nonempty += bool(cut)
    assert nonempty > 100  # most cases had something to cut


@pytest.mark.parametrize(
    ("sources", "targets", "message"),
    [([0], [0], "both a source and a target"), ([0], [1], "adjacent"), ([], [2], "at least one")],
)
def test_bad_terminals(sources: list[int], targets: list[int], message: str) -> None:
    graph = ig.Graph(n=3, edges=[(0, 1), (1, 2)])
    with pytest.raises(InvalidInput, match=message):
        minimum_vertex_cut(graph, sources, targets)


def test_disconnected_terminals_need_no_cut() -> None:
    graph = ig.Graph(n=4, edges=[(0, 1), (2, 3)])
    assert minimum_vertex_cut(graph, [0], [3]) == []
