"""The demo's drugs and fraud data, made by the capabilities' own generators and analyses.

- **Ottawa's trafficking network**: `liaison.networks.synthetic.synthetic_network` (3 cells of
  4 suppliers, seed `SEED`). Suppliers carry STIX `roles: ["chemical-supplier"]` and markets are
  locations in `northern-america`, so the network view proposes them as the cut's ends from the
  objects alone; the planted chokepoints (each cell's broker and freight forwarder) are the
  unique minimum cut.
- **New Delhi's stopped shipment**: a planted mislabelled record of
  `liaison.precursors.synthetic` (a benign description under a precursor's own HS subheading),
  its shipper and consignee replaced by cell 0's first supplier and its broker, screened by
  `liaison.precursors.screen` and turned into a precursor incident by
  `liaison.precursors.incidents.incident_objects`, as `liaison screen --share` does.
- **New Delhi's fraud rings**: `liaison.fraud.synthetic` applications with planted rings; the
  rings `liaison.fraud.rings.find_rings` finds with the generator's person ids as resolved
  identities, the best `RINGS` of them as ring incidents (`liaison.fraud.rings_share.ring_incident`:
  least data, no personal value).

**How the two nodes' data join.** A party names a company by its own identity
(`liaison.precursors.companies.company_identity_id`: UUIDv5 of the party and the normalised
name), and `liaison screen --share` names a company a peer already published by the peer's
identity. The synthetic network has ids of its own, so the demo gives the two companies New
Delhi's incident names Ottawa's company ids, consistently in every object that refers to them
(`_rewrite`), and New Delhi's incident refers to those identities, as screening does once
Ottawa's network has synced. New Delhi stores only the incident; after sync its
`companies[].identity_ref` meet Ottawa's supplier and broker in one graph on both nodes. The
incident joins the source side (a supplier and a chokepoint), so the minimum cut stays the
planted one.

Every object carries the demo's handling (evaluation and caveats: it passes
`release.require_evaluation`) and `created_by_ref` = the node's identity. All is deterministic
and takes well under a second.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from typing import Any

from liaison.demo.handling import CREATED, demo_handling, handling_extension
from liaison.errors import LiaisonError
from liaison.networks.synthetic import SyntheticNetwork, synthetic_network
from liaison.precursors.companies import company_identity_id
from liaison.precursors.incidents import Marking, incident_objects
from liaison.precursors.reference import load_reference
from liaison.precursors.screen import Screener
from liaison.precursors.synthetic import generate
from liaison.stix.tlp import Tlp

SEED = 7
CELLS = 3
SHIPMENTS = 200
APPLICATIONS = 1500
RINGS = 3
DRUGS_PURPOSE = "disrupt fentanyl-precursor trafficking"
DRUGS_BASIS = "mutual legal assistance (synthetic)"
FRAUD_PURPOSE = "detect immigration fraud"
FRAUD_BASIS = "information-sharing arrangement (synthetic)"
FRAUD_EXTRA_MODULES = ("numpy", "pyarrow")
PUBLISHER = "ca"
"""The party that publishes the trafficking network (Ottawa's)."""


def _rewrite(value: Any, ids: dict[str, str]) -> Any:
    """`value` with every string equal to a key of `ids` replaced by its value, at any depth."""
    if isinstance(value, dict):
        return {key: _rewrite(inner, ids) for key, inner in value.items()}
    if isinstance(value, list):
        return [_rewrite(inner, ids) for inner in value]
    if isinstance(value, str):
        return ids.get(value, value)
    return value


def _names(network: SyntheticNetwork) -> dict[str, str]:
    return {obj["id"]: obj["name"] for obj in network.objects if "name" in obj}


def demo_network(publisher: str = PUBLISHER) -> SyntheticNetwork:
    """The publisher's network with its truth; the supplier and broker New Delhi's shipment names
    have the publisher's company ids (`company_identity_id`), rewritten everywhere (see the
    module docstring)."""
    network = synthetic_network(cells=CELLS, seed=SEED, tlp=Tlp.AMBER)
    names = _names(network)
    joined = (network.suppliers[0], network.chokepoints[0])  # cell 0's first supplier, its broker
    ids = {old: company_identity_id(names[old], publisher) for old in joined}
    return SyntheticNetwork(
        objects=_rewrite(network.objects, ids),
        suppliers=_rewrite(network.suppliers, ids),
        markets=network.markets,
        chokepoints=_rewrite(network.chokepoints, ids),
        cells={ids.get(key, key): cell for key, cell in network.cells.items()},
    )


def joined_companies(network: SyntheticNetwork) -> tuple[str, str]:
    """The names of the supplier and the broker both nodes' data name (shipper, consignee)."""
    names = _names(network)
    return names[network.suppliers[0]], names[network.chokepoints[0]]


def _authored(obj: dict[str, Any], author: str, extension: dict[str, Any]) -> dict[str, Any]:
    return {
        **obj,
        "created_by_ref": author,
        "extensions": {**obj.get("extensions", {}), **extension},
    }


def network_objects(
    author: str, releasable_to: list[str], publisher: str = PUBLISHER
) -> list[dict[str, Any]]:
    """Ottawa's drugs collection: the synthetic trafficking network (TLP:AMBER), authored."""
    extension = handling_extension(DRUGS_PURPOSE, DRUGS_BASIS, releasable_to)
    return [_authored(obj, author, extension) for obj in demo_network(publisher).objects]


def screened_incident(
    node_name: str, author: str, releasable_to: list[str], publisher: str = PUBLISHER
) -> dict[str, Any]:
    """New Delhi's stopped shipment: a planted mislabelled record shipped by Ottawa's supplier to
    its broker, screened and made a precursor incident (TLP:AMBER) that names those two by the
    identities Ottawa (`publisher`) published, as `liaison screen --share` does once it has them."""
    shipper, consignee = joined_companies(demo_network(publisher))
    planted = [
        dataclasses.replace(record.shipment, shipper=shipper, consignee=consignee)
        for record in generate(SHIPMENTS, seed=SEED, precursor_rate=0.1)
        if record.technique == "mislabelled-hs"
    ]
    reference = load_reference()
    for shipment, result in Screener(reference).screen_all(planted):
        if result.flagged:
            marking = Marking(Tlp.AMBER, demo_handling(DRUGS_PURPOSE, DRUGS_BASIS, releasable_to))
            incident, _ = incident_objects(
                shipment, result, node=node_name, reference_version=reference.version,
                incident_type="stopped-shipment", marking=marking, timestamp=CREATED,
                identity_of=lambda name: company_identity_id(name, publisher),
            )  # fmt: skip
            return {**incident, "created_by_ref": author}
    raise LiaisonError("the synthetic shipments hold no flagged mislabelled record")


def fraud_extra_installed() -> bool:
    """Whether the `fraud` extra (numpy, pyarrow) that generates applications is installed."""
    return all(importlib.util.find_spec(module) for module in FRAUD_EXTRA_MODULES)


def ring_incidents(node_name: str, author: str, releasable_to: list[str]) -> list[dict[str, Any]]:
    """New Delhi's best `RINGS` fraud rings among synthetic applications, as ring incidents
    (TLP:AMBER+STRICT); none without the `fraud` extra."""
    if not fraud_extra_installed():
        return []
    from liaison.fraud.rings import find_rings
    from liaison.fraud.rings_share import ring_incident
    from liaison.fraud.synthetic import generate_applications

    applications = generate_applications(APPLICATIONS, seed=SEED, rings=RINGS)
    truth = applications.truth.to_pydict()
    persons = dict(zip(truth["application_id"], map(str, truth["person_id"]), strict=True))
    report = find_rings(applications.records.to_pydict(), persons)
    extension = handling_extension(FRAUD_PURPOSE, FRAUD_BASIS, releasable_to)
    return [
        _authored(ring_incident(ring, node_name, CREATED), author, extension)
        | {"object_marking_refs": [Tlp.AMBER_STRICT.marking_id]}
        for ring in report.rings[:RINGS]
    ]
