"""The network view's model: key players, the chosen (or proposed) ends, the cut, and the graph
as cytoscape.js elements, all computed by `liaison.networks.service` on what one viewer may see.

The page lists the cut and the key players (server-rendered, readable without JavaScript); the
same model, as JSON, feeds the interactive drawing (`static/network.js`). Positions come from
igraph's Kamada-Kawai layout on the server (deterministic, so the drawing is the same on every
visit); node size grows with betweenness; networks over `DRAW_MAX` vertices are listed, not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer
from liaison.errors import LiaisonError
from liaison.networks import service
from liaison.networks.graph import EDGE_TYPES, Network

DRAW_MAX = 400
KEY_PLAYERS = 5
SCALE = 1000.0  # layout coordinates are scaled to this width; cytoscape fits them to its box
NODE_MIN, NODE_GROWTH = 14.0, 46.0


@dataclass(frozen=True, slots=True)
class NetworkView:
    """What the page and its JSON show for one viewer, collection and pair of end sets."""

    network: Network
    players: list[dict[str, Any]]
    sources: list[str]
    targets: list[str]
    proposed: dict[str, bool]
    cut: dict[str, Any] | None = None
    problem: str | None = None
    cut_ids: set[str] = field(default_factory=set)

    @property
    def key_players(self) -> list[dict[str, Any]]:
        """The `KEY_PLAYERS` highest by betweenness (then degree)."""
        return self.players[:KEY_PLAYERS]

    @property
    def drawable(self) -> bool:
        """Whether the network is small enough, and not empty, to draw."""
        count: int = self.network.directed.vcount()
        return 0 < count <= DRAW_MAX

    def choices(self) -> list[dict[str, str]]:
        """The objects that may be picked as ends (not relationships), by name."""
        network = self.network
        described = (network.describe(v) for v in range(network.directed.vcount()))
        return sorted(
            (d for d in described if d["type"] not in EDGE_TYPES),
            key=lambda d: ((d["name"] or d["type"]).lower(), d["id"]),
        )


def network_view(
    session: Session,
    viewer: Viewer,
    collection: str,
    sources: Sequence[str],
    targets: Sequence[str],
) -> NetworkView:
    """The view of `collection` (every readable one when empty); an empty end set takes the
    proposal of `service.default_ends` (suppliers by role, markets by role or region)."""
    network, ends = service.load_network_and_ends(
        session, viewer, [collection] if collection else []
    )
    count = network.directed.vcount()
    players = service.key_players(network, top=count, steps=0)["players"]
    sources, targets = service.split_ids(sources), service.split_ids(targets)
    proposed = {"sources": not sources, "targets": not targets}
    view = NetworkView(
        network, players, sources or ends["sources"], targets or ends["targets"], proposed
    )
    if not (view.sources and view.targets):
        return view
    try:
        cut = service.minimum_cut(network, view.sources, view.targets)
    except LiaisonError as exc:
        return replace(view, problem=exc.message)
    return replace(view, cut=cut, cut_ids=set(cut["cut"]))


def _classes(stix_id: str, view: NetworkView, key: set[str]) -> str:
    marks = (
        ("cut", view.cut_ids), ("source", set(view.sources)), ("target", set(view.targets)),
        ("key", key),
    )  # fmt: skip
    return " ".join(name for name, ids in marks if stix_id in ids)


def _layout(network: Network) -> list[list[float]]:
    """Kamada-Kawai positions of the linked vertices; isolated ones (a node's own identity, an
    object nothing visible refers to) in a row below, so they do not shrink the drawing."""
    graph = network.simple
    linked = [v for v in range(graph.vcount()) if graph.degree(v) > 0]
    coords = [[0.0, 0.0] for _ in range(graph.vcount())]
    if len(linked) > 1:
        for v, xy in zip(linked, graph.induced_subgraph(linked).layout("kk").coords, strict=True):
            coords[v] = list(xy)
    placed = [coords[v] for v in linked] or [[0.0, 0.0]]
    left, bottom = min(c[0] for c in placed), max(c[1] for c in placed)
    width = (max(c[0] for c in placed) - left) or 1.0
    isolated = [v for v in range(graph.vcount()) if graph.degree(v) == 0]
    for number, v in enumerate(isolated):
        coords[v] = [left + width * (number + 0.5) / len(isolated), bottom + width * 0.08]
    return coords


def graph_elements(view: NetworkView) -> dict[str, Any]:
    """The network as cytoscape.js elements with positions, sizes and classes (`cut`, `source`,
    `target`, `key`), the cut's ids and the ends; `{"drawn": false}` when it is not drawable."""
    network = view.network
    count = network.directed.vcount()
    if not view.drawable:
        return {"drawn": False, "vertices": count, "limit": DRAW_MAX}
    coords = _layout(network)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    between = {p["id"]: p["betweenness_normalised"] for p in view.players}
    top = max(between.values()) or 1.0
    key = {p["id"] for p in view.key_players}
    nodes = []
    for v in range(count):
        info = network.describe(v)
        size = NODE_MIN + NODE_GROWTH * math.sqrt(between.get(info["id"], 0.0) / top)
        nodes.append({
            "data": {"id": info["id"], "label": info["name"] or info["type"], "type": info["type"],
                     "size": round(size, 1)},
            "position": {"x": round((coords[v][0] - min(xs)) / span * SCALE, 1),
                         "y": round((coords[v][1] - min(ys)) / span * SCALE, 1)},
            "classes": _classes(info["id"], view, key),
        })  # fmt: skip
    edges = [
        {"data": {"id": f"e{e.index}", "source": network.stix_id(e.source),
                  "target": network.stix_id(e.target), "label": str(e["label"] or "")}}
        for e in network.directed.es
    ]  # fmt: skip
    return {
        "drawn": True, "nodes": nodes, "edges": edges, "cut": sorted(view.cut_ids),
        "sources": view.sources, "targets": view.targets,
    }  # fmt: skip
