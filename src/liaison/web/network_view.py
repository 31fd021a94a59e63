"""The trafficking-network drawing: server-side layout and SVG geometry of a `Network`.

Vertices are placed with igraph's Kamada-Kawai layout (deterministic), scaled to the drawing;
each is marked as a source (supplier), target (market), member of the minimum cut, or key
player. The drawing is plain SVG: every vertex links to its object's page and names itself on
hover, and the page lists the same facts as tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.networks.graph import Network

WIDTH, HEIGHT, MARGIN = 760, 460, 40
LABEL_SPACE = 230  # room right of the rightmost vertex for its name
DRAW_MAX = 400  # larger networks are listed, not drawn


@dataclass(frozen=True, slots=True)
class Vertex:
    """A drawn vertex: where, what it is, and how it is marked."""

    x: float
    y: float
    id: str
    label: str
    type: str
    role: str  # "cut", "source", "target", "key" or ""


@dataclass(frozen=True, slots=True)
class Edge:
    """A drawn edge between two vertices' positions, with its label."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True, slots=True)
class Drawing:
    """The whole drawing."""

    vertices: list[Vertex]
    edges: list[Edge]
    width: int = WIDTH
    height: int = HEIGHT


def _role(stix_id: str, marks: dict[str, set[str]]) -> str:
    for role in ("cut", "source", "target", "key"):
        if stix_id in marks.get(role, set()):
            return role
    return ""


def draw(network: Network, marks: dict[str, set[str]]) -> Drawing | None:
    """The drawing of `network` with `marks` (role → STIX ids); None when too large or empty."""
    graph = network.directed
    count = graph.vcount()
    if count == 0 or count > DRAW_MAX:
        return None
    coords = network.simple.layout("kk").coords if count > 1 else [[0.0, 0.0]]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def place(v: int) -> tuple[float, float]:
        x = MARGIN + (coords[v][0] - min(xs)) / span_x * (WIDTH - MARGIN - LABEL_SPACE)
        y = MARGIN + (coords[v][1] - min(ys)) / span_y * (HEIGHT - 2 * MARGIN)
        return round(x, 1), round(y, 1)

    vertices = []
    for v in range(count):
        info = network.describe(v)
        x, y = place(v)
        label = info["name"] or info["type"]
        vertices.append(Vertex(x, y, info["id"], label, info["type"], _role(info["id"], marks)))
    edges = [Edge(*place(e.source), *place(e.target), str(e["label"] or "")) for e in graph.es]
    return Drawing(vertices, edges)
