"""The demo's pillar data: Ottawa's network, New Delhi's shipment and rings, and how they join."""

from __future__ import annotations

from liaison.demo.data import demo_objects
from liaison.demo.pillars import APPLICATIONS, RINGS, SEED, demo_network
from liaison.fraud.synthetic import generate_applications
from liaison.networks import service
from liaison.networks.graph import Node, build_network
from liaison.stix.extensions import (
    FRAUD_RING_EXTENSION_ID,
    HANDLING_EXTENSION_ID,
    PRECURSOR_EXTENSION_ID,
    is_evaluated,
)
from liaison.stix.validate import validate_object


def test_both_nodes_data_join_in_one_graph_with_the_planted_cut() -> None:
    ottawa = demo_objects("ottawa", "ca", "in")["drugs"]
    delhi = demo_objects("new-delhi", "in", "ca")["drugs"]
    assert all(validate_object(obj) == [] for obj in [*ottawa, *delhi])
    author = ottawa[0]["id"]
    assert all(obj.get("created_by_ref") == author for obj in ottawa[1:])
    [incident] = [obj for obj in delhi if obj["type"] == "incident"]
    companies = incident["extensions"][PRECURSOR_EXTENSION_ID]["companies"]
    planted = demo_network()
    assert [c["identity_ref"] for c in companies] == [planted.suppliers[0], planted.chokepoints[0]]
    assert {c["identity_ref"] for c in companies} <= {obj["id"] for obj in ottawa}
    assert not {c["identity_ref"] for c in companies} & {obj["id"] for obj in delhi}
    nodes = [Node(body, "drugs") for body in [*ottawa, *delhi]]
    network = build_network(nodes)
    ends = service.default_ends(nodes, network)
    assert ends == {"sources": sorted(planted.suppliers), "targets": sorted(planted.markets)}
    cut = service.minimum_cut(network, ends["sources"], ends["targets"])
    assert sorted(cut["cut"]) == sorted(planted.chokepoints)


def test_new_delhi_shares_the_planted_rings_without_personal_values() -> None:
    fraud = demo_objects("new-delhi", "in", "ca")["immigration-fraud"]
    rings = [obj for obj in fraud if FRAUD_RING_EXTENSION_ID in obj.get("extensions", {})]
    assert len(rings) == RINGS
    truth = generate_applications(APPLICATIONS, seed=SEED, rings=RINGS).truth.to_pydict()
    ring_of = dict(zip(truth["application_id"], truth["ring_id"], strict=True))
    found = set()
    for ring in rings:
        members = ring["extensions"][FRAUD_RING_EXTENSION_ID]["application_refs"]
        planted = {ring_of[member] for member in members} - {None}
        assert len(planted) == 1  # each shared ring is one planted ring
        found |= planted
    assert len(found) == RINGS
    for ring in rings:
        assert is_evaluated(ring)
        assert "ca" in ring["extensions"][HANDLING_EXTENSION_ID]["releasable_to"]
