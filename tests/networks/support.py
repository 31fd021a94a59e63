"""A drugs collection holding a synthetic trafficking network and objects `ca` may not see.

New Delhi (party `in`) also shared, as TLP:RED with no recipient in `ca`, a hidden broker linked
to a supplier and a market (a route around the planted cut), and as TLP:GREEN a relationship to
the hidden broker and an incident naming it. Party `ca` must see none of the hidden broker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liaison.access.parties import add_party
from liaison.networks.synthetic import SyntheticNetwork, synthetic_network
from liaison.stix.extensions import PRECURSOR_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import Party
from liaison.store.objects import Origin, add_objects
from tests.factories import STAMP, new_id


@dataclass(frozen=True)
class Planted:
    """The synthetic network and the id of the broker `ca` may not see."""

    network: SyntheticNetwork
    hidden: str


def _sdo(kind: str, key: str, tlp: Tlp, **props: Any) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": new_id(kind, key), "created": STAMP,
            "modified": STAMP, "object_marking_refs": [tlp.marking_id], **props}  # fmt: skip


def hidden_objects(
    network: SyntheticNetwork,
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """The hidden broker's id, the RED objects and the GREEN objects that refer to it."""
    broker = _sdo(
        "identity", "hidden-broker", Tlp.RED, name="Hidden Broker", identity_class="organization"
    )
    red = [broker]
    for end in (network.suppliers[0], network.markets[0]):
        red.append(_sdo("relationship", f"hidden-{end}", Tlp.RED, relationship_type="related-to",
                        source_ref=broker["id"], target_ref=end))  # fmt: skip
    link = _sdo("relationship", "green-to-hidden", Tlp.GREEN, relationship_type="works-with",
                source_ref=network.chokepoints[0], target_ref=broker["id"])  # fmt: skip
    extension = {"extension_type": "property-extension", "incident_type": "seizure",
                 "substances": [{"name": "synthetic precursor Y"}],
                 "companies": [{"name": "hidden", "role": "broker", "identity_ref": broker["id"]}]}  # fmt: skip
    incident = _sdo("incident", "green-incident", Tlp.GREEN, name="Seizure naming a hidden broker",
                    extensions={PRECURSOR_EXTENSION_ID: extension})  # fmt: skip
    return broker["id"], red, [link, incident]


def populate(db: Database, seed: int = 0) -> Planted:
    """Collection `drugs` (owned by ca, readable by in) with the network and New Delhi's objects."""
    network = synthetic_network(seed=seed)
    hidden, red, green = hidden_objects(network)
    with db.session(write=True) as session:
        for party in ("ca", "in"):
            if session.get(Party, party) is None:
                add_party(session, party)
        drugs = create_collection(session, "drugs", owner_party="ca", pillar="drugs")
        set_grant(session, drugs, "in", read=True, write=True)
        add_objects(session, drugs, network.objects, origin=Origin("ottawa", "ca"))
        received = Origin("new-delhi", "in", received_from="new-delhi")
        add_objects(session, drugs, red + green, origin=received)
    return Planted(network, hidden)
