"""The network view: drawn from what the viewer may see, with the cut between two actors."""

from __future__ import annotations

from typing import Any

from liaison.stix.tlp import Tlp
from liaison.store.collections import find_collection
from liaison.store.objects import Origin, add_objects
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


def test_the_cut_between_supplier_and_market_is_highlighted(node: WebNode) -> None:
    supplier = _sdo(
        "identity", "supplier", name="Supplier Co (fictional)", identity_class="organization"
    )
    broker = _sdo(
        "identity", "broker", name="Broker Ltd (fictional)", identity_class="organization"
    )
    market = _sdo(
        "identity", "market", name="Market Distributors (fictional)", identity_class="organization"
    )
    with node.db.session(write=True) as session:
        cyber = find_collection(session, "cyber")
        objects = [supplier, broker, market, _link(supplier, broker), _link(broker, market)]
        add_objects(session, cyber, objects, origin=Origin("ottawa", "ca"))
    node.login("officer-in")
    page = node.client.get(
        f"/network?collection=cyber&source={supplier['id']}&target={market['id']}"
    )
    assert page.status_code == 200
    assert 'class="vertex role-cut"' in page.text and "Broker Ltd (fictional)" in page.text
    assert "Removing 1 actor disconnects" in page.text
    assert "test indicator 2" not in page.text  # TLP:RED, not addressed to officer-in
    unknown = node.client.get(
        f"/network?source={supplier['id']}&target=identity--00000000-0000-4000-8000-000000000000"
    )
    assert unknown.status_code == 200 and 'role="alert"' in unknown.text
