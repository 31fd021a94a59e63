"""A graph of STIX objects: vertices are objects, edges are what links them.

Edges come from `relationship` objects (source_ref → target_ref, labelled with the
relationship type), from `sighting` objects (what was sighted, to where it was sighted and to the
observed data) and from every other `*_ref` / `*_refs` property of an object, extension bodies
included (a precursor incident's `companies[].identity_ref`). Authorship and marking references
(`created_by_ref`, `object_marking_refs`, `marking_ref`) are metadata, not links between actors,
and are left out. A cyber-observable becomes a vertex only when something links to it. An edge
is drawn only when both its ends are vertices: a reference to an object the viewer cannot see
draws nothing, so the graph never names it.

The directed graph keeps each edge's direction and label (for export); the analyses use its
undirected, simple form (`Network.simple`), in the same vertex order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import igraph as ig

from liaison.errors import NotFound

METADATA_REFS = frozenset({"created_by_ref", "object_marking_refs", "marking_ref"})
EDGE_TYPES = frozenset({"relationship", "sighting"})


class Node(NamedTuple):
    """A STIX object to draw: the newest visible version's body and its collection's name."""

    body: Mapping[str, Any]
    collection: str


class Link(NamedTuple):
    """One directed edge between two STIX ids: its label and the object that states it."""

    source: str
    target: str
    label: str
    via: str


@dataclass(frozen=True, slots=True)
class Network:
    """The directed graph of objects (attributes `stix_id`, `type`, `label`, `collection`; edges
    `label`, `via`), its undirected simple form for analysis, and the index of STIX ids."""

    directed: ig.Graph
    simple: ig.Graph
    index: dict[str, int]

    def vertex(self, stix_id: str) -> int:
        """The vertex of `stix_id`, or NotFound (for an id the viewer cannot see, too)."""
        found = self.index.get(stix_id.strip())
        if found is None:
            raise NotFound(f"no object '{stix_id.strip()}' in the network")
        return found

    def vertices(self, stix_ids: Iterable[str]) -> list[int]:
        """The vertices of several ids, in order, each once."""
        return list(dict.fromkeys(self.vertex(stix_id) for stix_id in stix_ids))

    def describe(self, vertex: int) -> dict[str, str]:
        """A vertex as JSON: its STIX id, type, name (empty when it has none) and collection."""
        attributes = self.directed.vs[vertex]
        return {
            "id": attributes["stix_id"], "type": attributes["type"],
            "name": attributes["label"], "collection": attributes["collection"],
        }  # fmt: skip

    def stix_id(self, vertex: int) -> str:
        """The STIX id of a vertex."""
        value: str = self.directed.vs[vertex]["stix_id"]
        return value


def _references(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(property, id) for every `*_ref` / `*_refs` below `value`, metadata references skipped."""
    if isinstance(value, Mapping):
        for name, inner in value.items():
            if name not in METADATA_REFS and name != "granular_markings":
                yield from _references(inner, name)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item, key)
    elif isinstance(value, str) and (key.endswith("_ref") or key.endswith("_refs")):
        yield key, value


def links_of(body: Mapping[str, Any]) -> Iterator[Link]:
    """The edges one object states."""
    object_id = str(body.get("id", ""))
    kind = body.get("type")
    if kind == "relationship":
        source, target = body.get("source_ref"), body.get("target_ref")
        if isinstance(source, str) and isinstance(target, str):
            yield Link(source, target, str(body.get("relationship_type", "")), object_id)
    elif kind == "sighting":
        sighted = body.get("sighting_of_ref")
        if isinstance(sighted, str):
            for _, where in _references({"where_sighted_refs": body.get("where_sighted_refs")}):
                yield Link(sighted, where, "sighted-at", object_id)
            for _, data in _references({"observed_data_refs": body.get("observed_data_refs")}):
                yield Link(sighted, data, "observed-in", object_id)
    else:
        for key, target in _references(body):
            yield Link(object_id, target, key, object_id)


def _is_observable(body: Mapping[str, Any]) -> bool:
    """SCOs are the objects without `created` (SDOs and SROs always have it)."""
    return "created" not in body


def build_network(nodes: Iterable[Node]) -> Network:
    """The graph of `nodes` (relationships and sightings among them become edges)."""
    objects: dict[str, Node] = {}
    links: list[Link] = []
    for node in nodes:
        links.extend(links_of(node.body))
        if node.body.get("type") not in EDGE_TYPES:
            objects[str(node.body["id"])] = node
    linked = {end for link in links for end in (link.source, link.target)}
    kept = [
        node for stix_id, node in sorted(objects.items())
        if not _is_observable(node.body) or stix_id in linked
    ]  # fmt: skip
    index = {str(node.body["id"]): number for number, node in enumerate(kept)}
    drawn = [link for link in links if link.source in index and link.target in index]
    directed = ig.Graph(
        n=len(kept), edges=[(index[link.source], index[link.target]) for link in drawn],
        directed=True,
    )  # fmt: skip
    directed.vs["stix_id"] = list(index)
    directed.vs["type"] = [str(node.body.get("type", "")) for node in kept]
    directed.vs["label"] = [str(node.body.get("name", "")) for node in kept]
    directed.vs["collection"] = [node.collection for node in kept]
    directed.es["label"] = [link.label for link in drawn]
    directed.es["via"] = [link.via for link in drawn]
    return Network(directed, simple_graph(directed), index)


def simple_graph(graph: ig.Graph) -> ig.Graph:
    """`graph` undirected, without loops or parallel edges, and without attributes."""
    simple = ig.Graph(n=graph.vcount(), edges=graph.get_edgelist(), directed=False)
    simple.simplify(multiple=True, loops=True)
    return simple
