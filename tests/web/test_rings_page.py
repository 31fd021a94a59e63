"""The fraud-rings page lists the ring incidents the viewer may see, with their reasons."""

from __future__ import annotations

from typing import Any

from liaison.stix.extensions import FRAUD_RING_EXTENSION_ID
from liaison.stix.fraudring import FraudRing
from liaison.stix.tlp import Tlp
from liaison.store.collections import find_collection
from liaison.store.objects import Origin, add_objects
from tests.factories import STAMP, new_id
from tests.web.conftest import WebNode, handled


def _ring(key: str, tlp: Tlp, **handling: Any) -> dict[str, Any]:
    ring = FraudRing.model_validate({
        "ring_key": key, "score": 3.5, "application_count": 2, "identity_count": 1,
        "application_refs": ["APP-1", "APP-2"], "shared_kinds": ["phone"],
        "reasons": [{"signal": "shared-contact", "kind": "phone", "count": 2, "weight": 3.5,
                     "text": "two applications share one phone number"}],
    })  # fmt: skip
    return {
        "type": "incident", "spec_version": "2.1", "id": new_id("incident", key), "created": STAMP,
        "modified": STAMP, "name": f"Suspected visa-fraud ring {key}",
        "object_marking_refs": [tlp.marking_id],
        "extensions": {FRAUD_RING_EXTENSION_ID: ring.as_extension(), **handled(["ca", "in"], **handling)},
    }  # fmt: skip


def test_rings_with_reasons_under_the_policy(node: WebNode) -> None:
    shown, hidden = (
        _ring("00000000000000aa", Tlp.GREEN),
        _ring("00000000000000bb", Tlp.RED, recipients=["officer-ca"]),
    )
    with node.db.session(write=True) as session:
        add_objects(
            session,
            find_collection(session, "cyber"),
            [shown, hidden],
            origin=Origin("ottawa", "ca"),
        )
    node.login("officer-in")
    page = node.client.get("/fraud-rings").text
    assert "Suspected visa-fraud ring 00000000000000aa" in page
    assert "two applications share one phone number" in page and "shared-contact" in page
    assert "00000000000000bb" not in page
