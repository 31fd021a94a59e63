"""Building the graph: which objects become vertices and which properties become edges."""

from __future__ import annotations

from typing import Any

from liaison.networks.graph import Node, build_network
from liaison.stix.extensions import PRECURSOR_EXTENSION_ID
from tests.factories import STAMP, ipv4, new_id


def _sdo(kind: str, key: str, **props: Any) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": new_id(kind, key), "created": STAMP,
            "modified": STAMP, **props}  # fmt: skip


def _edges(objects: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    network = build_network(Node(body, "drugs") for body in objects)
    graph = network.directed
    return {(graph.vs[e.source]["stix_id"], graph.vs[e.target]["stix_id"], e["label"])
            for e in graph.es}  # fmt: skip


def test_edges_from_relationships_sightings_and_references() -> None:
    author = _sdo("identity", "author", name="Author", identity_class="organization")
    broker = _sdo("identity", "broker", name="Broker", identity_class="organization",
                  created_by_ref=author["id"])  # fmt: skip
    port = _sdo("location", "port", name="Port", region="eastern-asia")
    rel = _sdo("relationship", "r", relationship_type="located-at", source_ref=broker["id"],
               target_ref=port["id"])  # fmt: skip
    address = ipv4("198.51.100.7")
    infra = _sdo("infrastructure", "infra", name="Server")
    observed = _sdo("observed-data", "od", first_observed=STAMP, last_observed=STAMP,
                    number_observed=1, object_refs=[address["id"]])  # fmt: skip
    sighting = _sdo("sighting", "s", sighting_of_ref=infra["id"], where_sighted_refs=[port["id"]],
                    observed_data_refs=[observed["id"]])  # fmt: skip
    extension = {"companies": [{"name": "b", "role": "broker", "identity_ref": broker["id"]}]}
    incident = _sdo("incident", "i", name="Seizure", extensions={PRECURSOR_EXTENSION_ID: extension})
    unlinked = ipv4("198.51.100.8")
    objects = [author, broker, port, rel, address, infra, observed, sighting, incident, unlinked]
    assert _edges(objects) == {
        (broker["id"], port["id"], "located-at"),
        (infra["id"], port["id"], "sighted-at"),
        (infra["id"], observed["id"], "observed-in"),
        (observed["id"], address["id"], "object_refs"),
        (incident["id"], broker["id"], "identity_ref"),
    }  # created_by_ref is metadata, not a link
    network = build_network(Node(body, "drugs") for body in objects)
    assert unlinked["id"] not in network.index  # an observable nobody refers to
    assert address["id"] in network.index
    assert rel["id"] not in network.index and sighting["id"] not in network.index
    assert network.describe(network.vertex(broker["id"]))["name"] == "Broker"


def test_references_to_absent_objects_draw_nothing() -> None:
    broker = _sdo("identity", "broker", name="Broker", identity_class="organization")
    missing = new_id("identity", "not-shared")
    rel = _sdo("relationship", "r", relationship_type="works-with", source_ref=broker["id"],
               target_ref=missing)  # fmt: skip
    network = build_network(Node(body, "drugs") for body in (broker, rel))
    assert list(network.index) == [broker["id"]]
    assert network.directed.ecount() == 0
