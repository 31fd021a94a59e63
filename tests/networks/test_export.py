"""GraphML and GEXF exports read back by igraph and by networkx (GEXF 1.3)."""

from __future__ import annotations

from pathlib import Path

import igraph as ig
import networkx as nx
import pytest

from liaison.networks.export import Format, export_network
from liaison.networks.graph import Network, Node, build_network
from liaison.networks.synthetic import synthetic_network


@pytest.fixture
def network() -> Network:
    """A small synthetic network."""
    return build_network(Node(body, "drugs") for body in synthetic_network(cells=2).objects)


def _expected_edges(network: Network) -> set[tuple[str, str, str]]:
    graph = network.directed
    return {(graph.vs[e.source]["stix_id"], graph.vs[e.target]["stix_id"], e["label"])
            for e in graph.es}  # fmt: skip


def test_graphml_round_trip(network: Network, tmp_path: Path) -> None:
    path = tmp_path / "network.graphml"
    path.write_bytes(export_network(network, Format.GRAPHML))
    back = ig.Graph.Read_GraphML(str(path))
    assert back.is_directed()
    assert (back.vcount(), back.ecount()) == (network.directed.vcount(), network.directed.ecount())
    assert back.vs["type"] == network.directed.vs["type"]
    read = nx.read_graphml(path)
    assert set(read.nodes) == set(network.index)
    assert {(s, t, d["label"]) for s, t, d in read.edges(data=True)} == _expected_edges(network)
    some = next(iter(network.index))
    assert read.nodes[some]["collection"] == "drugs"


def test_gexf_round_trip(network: Network, tmp_path: Path) -> None:
    path = tmp_path / "network.gexf"
    path.write_bytes(export_network(network, Format.GEXF))
    read = nx.read_gexf(path, version="1.3")
    assert read.is_directed()
    assert set(read.nodes) == set(network.index)
    edges = {(s, t, d["label"]) for s, t, d in read.edges(data=True)}
    assert edges == _expected_edges(network)
    broker = next(v for v in network.directed.vs if "Trading Agency" in v["label"])
    assert read.nodes[broker["stix_id"]]["type"] == "identity"
    assert read.nodes[broker["stix_id"]]["label"] == broker["label"]
