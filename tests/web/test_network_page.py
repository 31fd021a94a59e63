"""The network view: what the viewer may see, the cut between two sets, the drawing's JSON."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from liaison.networks.reads import READ
from liaison.stix.tlp import Tlp
from liaison.store.collections import find_collection
from liaison.store.models import AuditEntry
from liaison.store.objects import Origin, add_objects
from liaison.web.pages import CONTENT_SECURITY_POLICY
from tests.factories import STAMP, new_id
from tests.web.conftest import WebNode, handled


def _sdo(kind: str, key: str, **props: Any) -> dict[str, Any]:
    return {
        "type": kind, "spec_version": "2.1", "id": new_id(kind, f"net-{key}"), "created": STAMP,
        "modified": STAMP, "object_marking_refs": [Tlp.GREEN.marking_id],
        "extensions": handled(["ca", "in"]), **props,
    }  # fmt: skip


def _link(source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    return _sdo(
        "relationship", f"{source['id']}->{target['id']}", relationship_type="related-to",
        source_ref=source["id"], target_ref=target["id"],
    )  # fmt: skip


def _organisation(key: str, name: str, *roles: str) -> dict[str, Any]:
    return _sdo("identity", key, name=name, identity_class="organization", roles=list(roles))


def _store(node: WebNode) -> dict[str, dict[str, Any]]:
    """Two suppliers (by role) and a market town (by region), all trading through one broker:
    the minimum cut is the broker."""
    objects = {
        "lotus": _organisation("lotus", "Lotus Chemicals (fictional)", "chemical-supplier"),
        "jade": _organisation("jade", "Jade Chemicals (fictional)", "chemical-supplier"),
        "broker": _organisation("broker", "Broker Ltd (fictional)", "broker"),
        "market": _sdo(
            "location", "market", name="Market Town (fictional)", region="northern-america"
        ),  # fmt: skip
    }
    links = [
        _link(objects["lotus"], objects["broker"]),
        _link(objects["jade"], objects["broker"]),
        _link(objects["broker"], objects["market"]),
    ]
    with node.db.session(write=True) as session:
        cyber = find_collection(session, "cyber")
        add_objects(session, cyber, [*objects.values(), *links], origin=Origin("ottawa", "ca"))
    return objects


def test_the_proposed_cut_between_suppliers_and_markets_is_listed(node: WebNode) -> None:
    objects = _store(node)
    node.login("officer-in")
    page = node.client.get("/network?collection=cyber")
    assert page.status_code == 200
    assert "Suppliers (proposed)" in page.text and "Markets (proposed)" in page.text
    assert "Removing 1 actor disconnects 2 suppliers from 1 market" in page.text
    assert 'class="cut-actor"><a href="/objects/' + objects["broker"]["id"] in page.text
    assert 'id="network-canvas"' in page.text and "/static/vendor/cytoscape.min.js" in page.text
    assert "test indicator 2" not in page.text  # TLP:RED, not addressed to officer-in
    with node.db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.kind == READ).order_by(AuditEntry.index.desc())
        ).first()
    assert entry is not None and entry.actor == "officer-in"
    detail = json.loads(entry.entry)["details"]
    assert detail["analysis"] == "web-view"
    assert detail["parameters"]["targets"] == [objects["market"]["id"]]


def test_the_drawing_json_marks_the_cut_and_the_chosen_ends(node: WebNode) -> None:
    objects = _store(node)
    node.login("officer-in")
    lotus, market = objects["lotus"]["id"], objects["market"]["id"]
    answer = node.client.get(f"/network/graph?collection=cyber&source={lotus}&target={market}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    graph = answer.json()
    assert graph["drawn"] is True and graph["cut"] == [objects["broker"]["id"]]
    assert graph["sources"] == [lotus] and graph["targets"] == [market]
    classes = {node["data"]["id"]: node["classes"].split() for node in graph["nodes"]}
    assert "cut" in classes[objects["broker"]["id"]] and "source" in classes[lotus]
    assert "source" not in classes[objects["jade"]["id"]]  # chosen, not proposed
    assert all("position" in node and node["data"]["size"] > 0 for node in graph["nodes"])
    assert len(graph["edges"]) == 3
    assert "test indicator 2" not in answer.text


def test_unknown_ends_are_reported_and_the_json_needs_a_session(node: WebNode) -> None:
    objects = _store(node)
    unknown = "identity--00000000-0000-4000-8000-000000000000"
    assert node.client.get("/network/graph", follow_redirects=False).status_code in (302, 303)
    node.login("officer-in")
    page = node.client.get(f"/network?source={objects['lotus']['id']}&target={unknown}")
    assert page.status_code == 200 and 'role="alert"' in page.text
