"""The network as GraphML or GEXF 1.3, directed, for Gephi, Cytoscape, yEd or networkx.

Both are written with the standard library's XML tools (igraph's GraphML writer needs a real
file). Vertices carry the STIX id (as the XML id), type, name and collection; edges their
label (relationship type, sighting role or reference property) and the id of the object that
states them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from enum import StrEnum

from liaison.networks.graph import Network

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
VERTEX_FIELDS = ("type", "label", "collection")
EDGE_FIELDS = ("label", "via")


class Format(StrEnum):
    """The export formats."""

    GRAPHML = "graphml"
    GEXF = "gexf"


def export_network(network: Network, fmt: Format) -> bytes:
    """The network as a UTF-8 XML document in `fmt`."""
    root = _graphml(network) if fmt is Format.GRAPHML else _gexf(network)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _graphml(network: Network) -> ET.Element:
    graph = network.directed
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    for name in VERTEX_FIELDS:
        ET.SubElement(root, "key", {"id": f"v_{name}", "for": "node", "attr.name": name,
                                    "attr.type": "string"})  # fmt: skip
    for name in EDGE_FIELDS:
        ET.SubElement(root, "key", {"id": f"e_{name}", "for": "edge", "attr.name": name,
                                    "attr.type": "string"})  # fmt: skip
    body = ET.SubElement(root, "graph", {"id": "liaison", "edgedefault": "directed"})
    ids = graph.vs["stix_id"] if graph.vcount() else []
    for vertex in graph.vs:
        node = ET.SubElement(body, "node", {"id": vertex["stix_id"]})
        for name in VERTEX_FIELDS:
            ET.SubElement(node, "data", {"key": f"v_{name}"}).text = vertex[name]
    for edge in graph.es:
        element = ET.SubElement(body, "edge", {"id": f"e{edge.index}",
                                               "source": ids[edge.source],
                                               "target": ids[edge.target]})  # fmt: skip
        for name in EDGE_FIELDS:
            ET.SubElement(element, "data", {"key": f"e_{name}"}).text = edge[name]
    return root


def _gexf(network: Network) -> ET.Element:
    graph = network.directed
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "liaison"
    body = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    for kind, fields in (("node", VERTEX_FIELDS), ("edge", EDGE_FIELDS)):
        declared = ET.SubElement(body, "attributes", {"class": kind, "mode": "static"})
        for name in fields:
            ET.SubElement(declared, "attribute", {"id": name, "title": name, "type": "string"})
    nodes = ET.SubElement(body, "nodes")
    ids = graph.vs["stix_id"] if graph.vcount() else []
    for vertex in graph.vs:
        node = ET.SubElement(nodes, "node", {"id": vertex["stix_id"],
                                             "label": vertex["label"] or vertex["stix_id"]})  # fmt: skip
        _attvalues(node, {name: vertex[name] for name in VERTEX_FIELDS})
    edges = ET.SubElement(body, "edges")
    for edge in graph.es:
        element = ET.SubElement(edges, "edge", {"id": str(edge.index), "source": ids[edge.source],
                                                "target": ids[edge.target],
                                                "label": edge["label"]})  # fmt: skip
        _attvalues(element, {name: edge[name] for name in EDGE_FIELDS})
    return root


def _attvalues(element: ET.Element, values: dict[str, str]) -> None:
    holder = ET.SubElement(element, "attvalues")
    for name, value in values.items():
        ET.SubElement(holder, "attvalue", {"for": name, "value": value})
