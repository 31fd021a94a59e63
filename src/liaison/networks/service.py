"""The network analyses as answers: what the CLI prints and the routes return.

Each function takes a `Network` (built by `load_network` from what one viewer may see) and
returns a JSON-ready dict naming vertices by STIX id, type, name and collection. Sources and
targets are STIX ids; an id that is not in the viewer's network is NotFound, whether it does not
exist or is hidden from the viewer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer
from liaison.networks.centrality import DEFAULT_DELTA, betweenness, coreness, degrees
from liaison.networks.communities import communities
from liaison.networks.cut import minimum_vertex_cut
from liaison.networks.dismantle import DEFAULT_STEPS, dismantling_order, largest_component
from liaison.networks.graph import Network, Node, build_network
from liaison.networks.load import visible_nodes
from liaison.networks.paths import DEFAULT_LIMIT, shortest_routes

DEFAULT_TOP = 20
HEURISTIC = "adaptive highest degree"
SUPPLIER_ROLES = frozenset({"chemical-supplier", "supplier"})
"""STIX identity `roles` that make an identity a default source (supplier) of a cut."""
MARKET_ROLES = frozenset({"market", "distributor"})
"""STIX identity `roles` that make an identity a default target (market) of a cut."""
MARKET_REGIONS = frozenset({"northern-america"})
"""STIX location `region`s that make a location a default target (market) of a cut."""


def load_network(session: Session, viewer: Viewer, collections: Sequence[str]) -> Network:
    """The graph of what `viewer` may see in `collections` (every readable one when empty)."""
    return build_network(visible_nodes(session, viewer, collections))


def load_network_and_ends(
    session: Session, viewer: Viewer, collections: Sequence[str]
) -> tuple[Network, dict[str, list[str]]]:
    """The graph of what `viewer` may see in `collections`, and its proposed default sources
    and targets (`default_ends`), from one read of the objects."""
    nodes = visible_nodes(session, viewer, collections)
    network = build_network(nodes)
    return network, default_ends(nodes, network)


def _roles(body: Mapping[str, Any]) -> set[str]:
    roles = body.get("roles")
    return {str(role).lower() for role in roles} if isinstance(roles, list) else set()


def default_ends(nodes: Iterable[Node], network: Network) -> dict[str, list[str]]:
    """Default sources and targets of a supplier-to-market cut, read from the objects alone:
    identities whose STIX `roles` name a supplier (`SUPPLIER_ROLES`), and identities whose roles
    name a market or locations in a market region (`MARKET_ROLES`, `MARKET_REGIONS`). Only
    vertices of `network` are proposed, sorted by id; an object matching both is left out, so
    the proposal is always a valid pair of sets for `minimum_cut`."""
    sources: set[str] = set()
    targets: set[str] = set()
    for node in nodes:
        body, stix_id = node.body, str(node.body.get("id", ""))
        if stix_id not in network.index:
            continue
        roles = _roles(body) if body.get("type") == "identity" else set()
        if roles & SUPPLIER_ROLES:
            sources.add(stix_id)
        if roles & MARKET_ROLES or (
            body.get("type") == "location" and body.get("region") in MARKET_REGIONS
        ):
            targets.add(stix_id)
    return {"sources": sorted(sources - targets), "targets": sorted(targets - sources)}


def split_ids(values: Iterable[str]) -> list[str]:
    """Ids given as repeated values and/or comma-separated lists, blanks dropped."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _size(network: Network) -> dict[str, int]:
    return {"vertices": network.directed.vcount(), "edges": network.simple.ecount()}


def key_players(
    network: Network,
    *,
    top: int = DEFAULT_TOP,
    steps: int = DEFAULT_STEPS,
    pivots: int | None = None,
    epsilon: float | None = None,
    delta: float = DEFAULT_DELTA,
    seed: int = 0,
) -> dict[str, Any]:
    """The `top` vertices by betweenness (then degree) with degree and k-core, the betweenness
    method and bound, and a dismantling order of `steps` removals."""
    graph = network.simple
    degree, core = degrees(graph), coreness(graph)
    between = betweenness(graph, pivots=pivots, epsilon=epsilon, delta=delta, seed=seed)
    normalised = between.normalised()
    ranked = sorted(range(graph.vcount()), key=lambda v: (-between.values[v], -degree[v], v))
    players = [
        {**network.describe(v), "degree": degree[v], "coreness": core[v],
         "betweenness": between.values[v], "betweenness_normalised": normalised[v]}
        for v in ranked[: max(top, 0)]
    ]  # fmt: skip
    removals = dismantling_order(graph, steps)
    return {
        **_size(network),
        "betweenness": {
            "method": "exact" if between.exact else "sampled", "pivots": between.pivots,
            "epsilon": between.epsilon, "delta": between.delta,
            "normalised_error": between.normalised_error,
        },
        "players": players,
        "dismantling": {
            "heuristic": HEURISTIC, "largest_component": largest_component(graph),
            "steps": [{**network.describe(step.vertex), "largest_component": step.largest_component}
                      for step in removals],
        },
    }  # fmt: skip


def minimum_cut(network: Network, sources: Sequence[str], targets: Sequence[str]) -> dict[str, Any]:
    """The fewest actors whose removal disconnects every source from every target."""
    source_vertices, target_vertices = network.vertices(sources), network.vertices(targets)
    cut = minimum_vertex_cut(network.simple, source_vertices, target_vertices)
    actors = sorted((network.describe(v) for v in cut), key=lambda actor: actor["id"])
    return {
        "cut": [actor["id"] for actor in actors],
        "size": len(actors),
        "actors": actors,
        "sources": [network.stix_id(v) for v in source_vertices],
        "targets": [network.stix_id(v) for v in target_vertices],
        "already_disconnected": not actors,
    }


def community_report(network: Network, *, resolution: float = 1.0, seed: int = 0) -> dict[str, Any]:
    """Leiden communities (modularity): sizes, modularity, and each community's members."""
    partition = communities(network.simple, resolution=resolution, seed=seed)
    members: list[list[str]] = [[] for _ in partition.sizes()]
    for vertex, community in enumerate(partition.membership):
        members[community].append(network.stix_id(vertex))
    return {
        **_size(network),
        "algorithm": "leiden", "objective": "modularity", "resolution": resolution,
        "modularity": partition.modularity, "count": len(members), "sizes": partition.sizes(),
        "communities": [{"index": index, "size": len(ids), "members": sorted(ids)}
                        for index, ids in enumerate(members)],
    }  # fmt: skip


def routes(
    network: Network, sources: Sequence[str], targets: Sequence[str], limit: int = DEFAULT_LIMIT
) -> dict[str, Any]:
    """The `limit` shortest source-to-target routes, each as its hops and their actors."""
    source_vertices, target_vertices = network.vertices(sources), network.vertices(targets)
    found = shortest_routes(network.simple, source_vertices, target_vertices, limit)
    return {
        "paths": [
            {"hops": len(path) - 1, "vertices": [network.describe(v) for v in path]}
            for path in found
        ],
    }
