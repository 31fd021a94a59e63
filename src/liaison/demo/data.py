"""Synthetic intelligence for the three pillars of the work plan, deterministic and fictional.

Every name, address and indicator here is invented: IP addresses come from the documentation
ranges of RFC 5737, domains end in `.example` (RFC 2606), companies and people do not exist.
Identifiers are UUIDv5 of fixed names, so loading twice stores nothing new.
"""

from __future__ import annotations

import uuid
from typing import Any

from liaison.demo import pillars
from liaison.demo.handling import CREATED, handling_extension
from liaison.stix.tlp import Tlp

NAMESPACE = uuid.UUID("18b2e72f-8354-41eb-9841-43438ba9311b")
PILLAR_COLLECTIONS = ("drugs", "cyber", "immigration-fraud")
NEW_DELHI_PARTY = "in"


def stix_id(kind: str, name: str) -> str:
    """A deterministic identifier for a demo object."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}/{name}')}"


def _sdo(kind: str, key: str, tlp: Tlp, author: str, **props: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": stix_id(kind, f"{author}/{key}"),
        "created": CREATED,
        "modified": CREATED,
        "created_by_ref": author,
        "object_marking_refs": [tlp.marking_id],
        **props,
    }


def node_identity(node_name: str, party: str) -> dict[str, Any]:
    """The identity object that stands for a node's agency in what it shares."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": stix_id("identity", f"node/{node_name}"),
        "created": CREATED,
        "modified": CREATED,
        "name": f"liaison node {node_name} ({party})",
        "identity_class": "organization",
    }


def cyber_objects(author: str, releasable_to: list[str]) -> list[dict[str, Any]]:
    """A fictional ransomware family with network indicators (TLP:GREEN, releasable)."""
    handling = handling_extension(
        "counter ransomware intrusions", "bilateral cyber MoU (synthetic)", releasable_to
    )
    malware = _sdo(
        "malware", "NorthwindLocker", Tlp.GREEN, author, name="NorthwindLocker", is_family=True,
        malware_types=["ransomware"], description="Fictional ransomware family for the demo.",
        extensions=handling,
    )  # fmt: skip
    objects = [malware]
    for address in ("198.51.100.23", "198.51.100.87", "203.0.113.14"):
        indicator = _sdo(
            "indicator", f"c2/{address}", Tlp.GREEN, author, name=f"NorthwindLocker C2 {address}",
            indicator_types=["malicious-activity"], pattern=f"[ipv4-addr:value = '{address}']",
            pattern_type="stix", valid_from=CREATED, extensions=handling,
        )  # fmt: skip
        objects.append(indicator)
        objects.append(_sdo(
            "relationship", f"indicates/{address}", Tlp.GREEN, author,
            relationship_type="indicates", source_ref=indicator["id"], target_ref=malware["id"],
            extensions=handling,
        ))  # fmt: skip
    objects.append(_sdo(
        "indicator", "payload/northwind", Tlp.AMBER, author, name="NorthwindLocker loader domain",
        indicator_types=["malicious-activity"], pattern="[domain-name:value = 'update-cdn.example']",
        pattern_type="stix", valid_from=CREATED, extensions=handling,
    ))  # fmt: skip
    return objects


def fraud_objects(author: str, releasable_to: list[str]) -> list[dict[str, Any]]:
    """A fictional visa-fraud lead: an agent shared by many refused applications (TLP:AMBER+STRICT)."""
    handling = handling_extension(
        "detect immigration fraud", "information-sharing arrangement (synthetic)", releasable_to
    )
    agent = _sdo(
        "identity", "agent/bluebird", Tlp.AMBER_STRICT, author, name="Bluebird Visa Consultancy (fictional)",
        identity_class="organization", extensions=handling,
    )  # fmt: skip
    note = _sdo(
        "note", "lead/bluebird", Tlp.AMBER_STRICT, author, abstract="Agent shared by refused applications",
        content="Synthetic lead: 14 refused study-permit applications list the same consultancy, "
        "phone and bank account.", object_refs=[agent["id"]], extensions=handling,
    )  # fmt: skip
    return [agent, note]


def demo_objects(node_name: str, party: str, peer_party: str) -> dict[str, list[dict[str, Any]]]:
    """The demo objects of one node, by pillar collection.

    Both nodes share cyber indicators and a fraud lead. The drugs pillar and the fraud rings
    differ by side (`liaison.demo.pillars`): New Delhi (party `in`) shares a screened shipment
    incident and its fraud rings; any other party (Ottawa, `ca`) a synthetic trafficking
    network. Every object carries an evaluation and caveats, so the demo works with
    `release.require_evaluation` on.
    """
    release = [party, peer_party]
    identity = node_identity(node_name, party) | {
        "extensions": handling_extension(
            "name the sharing agency", "bilateral work plan (synthetic)", release
        )
    }
    author = identity["id"]
    fraud = [identity, *fraud_objects(author, release)]
    if party == NEW_DELHI_PARTY:
        drugs = [identity, pillars.screened_incident(node_name, author, release, peer_party)]
        fraud += pillars.ring_incidents(node_name, author, release)
    else:
        drugs = [identity, *pillars.network_objects(author, release, party)]
    return {"drugs": drugs, "cyber": [identity, *cyber_objects(author, release)],
            "immigration-fraud": fraud}  # fmt: skip
