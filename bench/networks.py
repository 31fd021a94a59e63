"""Network analysis: key players + minimum cut + communities on 100,000 vertices, 1,000,000 edges.

Builds the planted benchmark graph (`liaison.networks.synthetic_raw`: supply and market sides of
1,000-vertex communities joined only through 50 brokers; 20 sources, 20 targets) and times each
analysis as `liaison network` runs it: degree, k-core, sampled betweenness (512 pivots, with its
Hoeffding bound), a 20-step dismantling order, the supplier-to-market minimum vertex cut and Leiden
communities. networkx runs the same analyses on a 10,000-vertex, 100,000-edge graph of the same
generator (same community size and broker degree), liaison too for a like-for-like ratio; the
networkx time is then scaled linearly to the full graph (edges × pivots for betweenness), which
is a lower bound for its super-linear parts. networkx has no Leiden: Louvain stands in.

    .venv/bin/python bench/networks.py [--pivots 512] [--nx-pivots 64] [--seed 0]

Needs the `bench` extra (networkx). Never part of the test suite.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
from rich.console import Console
from rich.table import Table

from liaison.networks.centrality import betweenness, coreness, degrees
from liaison.networks.communities import communities
from liaison.networks.cut import minimum_vertex_cut
from liaison.networks.dismantle import dismantling_order
from liaison.networks.synthetic_raw import RawNetwork, raw_network

FULL = {"vertices": 100_000, "edges": 1_000_000, "chokepoints": 50, "broker_degree": 100}
SMALL = {"vertices": 10_000, "edges": 100_000, "chokepoints": 5, "broker_degree": 100}
STEPS = 20


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `work` took, and what it returned."""
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def liaison_runs(raw: RawNetwork, pivots: int, seed: int) -> dict[str, tuple[float, Any]]:
    """Each analysis on `raw` with liaison.networks."""
    graph = raw.graph
    return {
        "degree": timed(lambda: degrees(graph)),
        "k-core": timed(lambda: coreness(graph)),
        "betweenness": timed(lambda: betweenness(graph, pivots=pivots, seed=seed)),
        "dismantling": timed(lambda: dismantling_order(graph, STEPS)),
        "minimum cut": timed(lambda: minimum_vertex_cut(graph, raw.sources, raw.targets)),
        "communities": timed(lambda: communities(graph, seed=seed)),
    }


def _nx_cut(graph: nx.Graph, sources: list[int], targets: list[int]) -> list[int]:
    """The same vertex-split flow construction, solved by networkx (preflow-push)."""
    n, infinite = graph.number_of_nodes(), graph.number_of_nodes() + 1
    terminals = set(sources) | set(targets)
    split = nx.DiGraph()
    for v in graph:
        split.add_edge(("in", v), ("out", v), capacity=infinite if v in terminals else 1)
    for u, v in graph.edges():
        split.add_edge(("out", u), ("in", v), capacity=infinite)
        split.add_edge(("out", v), ("in", u), capacity=infinite)
    split.add_edges_from((("s", 0), ("in", s), {"capacity": infinite}) for s in sources)
    split.add_edges_from((("out", t), ("t", 0), {"capacity": infinite}) for t in targets)
    _, (reachable, _) = nx.minimum_cut(split, ("s", 0), ("t", 0))
    assert n > 0
    return sorted(v for v in graph if ("in", v) in reachable and ("out", v) not in reachable)


def _nx_dismantle(graph: nx.Graph) -> list[int]:
    """Adaptive highest degree, STEPS removals, largest component after each."""
    work = graph.copy()
    sizes = []
    for _ in range(STEPS):
        vertex = max(work.degree, key=lambda item: (item[1], -item[0]))[0]
        work.remove_node(vertex)
        sizes.append(max(len(c) for c in nx.connected_components(work)))
    return sizes


def networkx_runs(raw: RawNetwork, pivots: int, seed: int) -> dict[str, tuple[float, Any]]:
    """Each analysis on `raw` with networkx."""
    graph = nx.Graph(raw.graph.get_edgelist())
    graph.add_nodes_from(range(raw.graph.vcount()))
    return {
        "degree": timed(lambda: dict(graph.degree())),
        "k-core": timed(lambda: nx.core_number(graph)),
        "betweenness": timed(lambda: nx.betweenness_centrality(graph, k=pivots, seed=seed)),
        "dismantling": timed(lambda: _nx_dismantle(graph)),
        "minimum cut": timed(lambda: _nx_cut(graph, raw.sources, raw.targets)),
        "communities": timed(lambda: nx.community.louvain_communities(graph, seed=seed)),
    }


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pivots", type=int, default=512)
    parser.add_argument("--nx-pivots", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    console = Console(width=140)
    build, full = timed(lambda: raw_network(**FULL, seed=args.seed))
    small = raw_network(**SMALL, seed=args.seed)
    console.print(
        f"built {full.graph.vcount():,} vertices, {full.graph.ecount():,} edges in "
        f"{build:.1f} s; sample {small.graph.vcount():,} / {small.graph.ecount():,}"
    )
    ours = liaison_runs(full, args.pivots, args.seed)
    ours_small = liaison_runs(small, args.pivots, args.seed)
    theirs = networkx_runs(small, args.nx_pivots, args.seed)
    edge_ratio = full.graph.ecount() / small.graph.ecount()
    table = Table(
        title=f"network analysis, 100,000 vertices / {full.graph.ecount():,} edges (one core)"
    )
    for column in (
        "analysis",
        "liaison full s",
        "liaison sample s",
        "networkx sample s",
        "networkx scaled s",
        "scaled ratio",
    ):
        table.add_column(column, justify="left" if column == "analysis" else "right")
    totals = [0.0, 0.0, 0.0, 0.0]
    for name, (seconds, _) in ours.items():
        sample, nx_seconds = ours_small[name][0], theirs[name][0]
        factor = edge_ratio * (args.pivots / args.nx_pivots if name == "betweenness" else 1)
        scaled = nx_seconds * factor
        for i, value in enumerate((seconds, sample, nx_seconds, scaled)):
            totals[i] += value
        table.add_row(
            name,
            f"{seconds:.2f}",
            f"{sample:.3f}",
            f"{nx_seconds:.2f}",
            f"{scaled:,.1f}",
            f"{scaled / seconds:,.0f}×",
        )
    table.add_row(
        "total",
        *(f"{value:,.2f}" for value in totals),
        f"{totals[3] / totals[0]:,.0f}×",
        style="bold",
    )
    console.print(table)
    between = ours["betweenness"][1]
    cut = ours["minimum cut"][1]
    partition = ours["communities"][1]
    console.print(
        f"betweenness: {between.pivots} pivots, normalised error ≤ {between.normalised_error:.3f} "
        f"with probability {1 - between.delta:.2f}"
    )
    console.print(
        f"minimum cut: {len(cut)} vertices, planted chokepoints recovered: "
        f"{cut == full.chokepoints}; communities: {len(partition.sizes())}, "
        f"modularity {partition.modularity:.3f}; networkx cut on the sample: "
        f"{len(theirs['minimum cut'][1])} (liaison {len(ours_small['minimum cut'][1])})"
    )
    console.print(
        f"dismantling: largest component after {STEPS} removals "
        f"{ours['dismantling'][1][-1].largest_component:,}"
    )


if __name__ == "__main__":
    main()
