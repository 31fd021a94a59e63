"""Key players, the betweenness bound, dismantling, communities and routes."""

from __future__ import annotations

import igraph as ig
import pytest

from liaison.errors import InvalidInput, NotFound
from liaison.networks import service
from liaison.networks.centrality import betweenness, epsilon_of, pivots_for
from liaison.networks.communities import communities
from liaison.networks.cut import minimum_vertex_cut
from liaison.networks.dismantle import dismantling_order, largest_component
from liaison.networks.graph import Network, Node, build_network
from liaison.networks.synthetic import SyntheticNetwork, synthetic_network
from liaison.networks.synthetic_raw import raw_network
from liaison.stix.validate import validate_object


def _network(seed: int = 0, cells: int = 3) -> tuple[Network, SyntheticNetwork]:
    planted = synthetic_network(seed=seed, cells=cells)
    return build_network(Node(body, "drugs") for body in planted.objects), planted


def test_sampled_betweenness_within_its_stated_bound() -> None:
    graph = ig.Graph.Barabasi(3_000, 3)
    exact = betweenness(graph)
    assert exact.exact and exact.epsilon is None
    sampled = betweenness(graph, pivots=400, exact_limit=100, delta=0.05, seed=7)
    assert not sampled.exact and sampled.pivots == 400
    assert sampled.epsilon == pytest.approx(epsilon_of(3_000, 400, 0.05))
    error = max(abs(a - b) for a, b in zip(sampled.normalised(), exact.normalised(), strict=True))
    assert sampled.normalised_error is not None and error <= sampled.normalised_error
    # the ranking of the hubs survives sampling
    top = sorted(range(3_000), key=lambda v: -exact.values[v])[:5]
    top_sampled = sorted(range(3_000), key=lambda v: -sampled.values[v])[:10]
    assert set(top) <= set(top_sampled)


def test_pivots_for_a_wanted_bound() -> None:
    k = pivots_for(100_000, 0.1, 0.05)
    assert epsilon_of(100_000, k, 0.05) <= 0.1 < epsilon_of(100_000, k - 1, 0.05)
    with pytest.raises(InvalidInput):
        pivots_for(10, 0.0, 0.05)
    assert pivots_for(100_000, 5e-324, 0.05) == 100_000  # ε² underflows: every vertex
    assert pivots_for(100_000, 0.1, 5e-324) == 100_000  # 2n/δ overflows: every vertex
    assert pivots_for(0, 0.1, 0.05) == 1


def test_dismantling_order_breaks_a_star_first() -> None:
    graph = ig.Graph.Star(50) + ig.Graph.Ring(10)
    steps = dismantling_order(graph, steps=3)
    assert steps[0].vertex == 0 and steps[0].largest_component == 10
    for step, expected in zip(steps, (10, 9, 7), strict=False):
        assert step.largest_component == expected
    assert largest_component(ig.Graph()) == 0


def test_synthetic_network_is_valid_stix_with_planted_truth() -> None:
    network, planted = _network(seed=3, cells=4)
    assert all(validate_object(body) == [] for body in planted.objects)
    cut = service.minimum_cut(network, planted.suppliers, planted.markets)
    assert sorted(cut["cut"]) == sorted(planted.chokepoints)
    partition = communities(network.simple, seed=1)
    truth = [planted.cells[network.stix_id(v)] for v in range(network.simple.vcount())]
    assert ig.compare_communities(partition.membership, truth, method="nmi") == pytest.approx(1.0)


def test_default_ends_are_read_from_roles_and_regions() -> None:
    planted = synthetic_network(seed=5, cells=2)
    nodes = [Node(body, "drugs") for body in planted.objects]
    network = build_network(nodes)
    ends = service.default_ends(nodes, network)
    assert ends == {"sources": sorted(planted.suppliers), "targets": sorted(planted.markets)}
    cut = service.minimum_cut(network, ends["sources"], ends["targets"])
    assert sorted(cut["cut"]) == sorted(planted.chokepoints)
    both = {**planted.objects[0], "id": "identity--0f6c1d7e-93a4-4f0b-8d52-6c1e2b7a9d00",
            "roles": ["chemical-supplier", "market"]}  # fmt: skip
    hidden = [node for node in nodes if node.body["id"] != planted.suppliers[0]]
    narrowed = service.default_ends([*nodes, Node(both, "drugs")], build_network(hidden))
    assert planted.suppliers[0] not in narrowed["sources"]  # not a vertex: not proposed
    assert both["id"] not in narrowed["sources"] + narrowed["targets"]


def test_key_players_and_routes() -> None:
    network, planted = _network()
    players = service.key_players(network, top=6, steps=4)
    assert players["betweenness"]["method"] == "exact"
    assert len(players["players"]) == 6 and len(players["dismantling"]["steps"]) == 4
    sizes = [step["largest_component"] for step in players["dismantling"]["steps"]]
    assert sizes == sorted(sizes, reverse=True)
    routes = service.routes(network, planted.suppliers, planted.markets, limit=5)
    hops = [path["hops"] for path in routes["paths"]]
    assert len(hops) == 5 and hops == sorted(hops) and hops[0] == 2
    chokepoints = set(planted.chokepoints)
    assert all(chokepoints & {v["id"] for v in path["vertices"]} for path in routes["paths"])


def test_unknown_ids_are_not_found() -> None:
    network, planted = _network()
    with pytest.raises(NotFound, match="no object 'identity--nope'"):
        service.minimum_cut(network, ["identity--nope"], planted.markets)


def test_raw_benchmark_graph_plants_its_cut() -> None:
    raw = raw_network(vertices=4_000, edges=30_000, chokepoints=12, broker_degree=20,
                      community=200, terminals=5)  # fmt: skip
    assert minimum_vertex_cut(raw.graph, raw.sources, raw.targets) == raw.chokepoints
