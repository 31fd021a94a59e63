"""A precursor incident found by screening at Ottawa reaches New Delhi, and counts there.

Ottawa screens a customs file and shares the flagged shipment as a precursor incident released
to party in; New Delhi pulls it with `liaison sync`, verifies it, and its own screening then
flags a different shipment from the same shipper as linked to a shared incident.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from liaison.config import load_settings
from liaison.precursors.companies import company_identity_id
from liaison.stix.extensions import PRECURSOR_EXTENSION_ID
from liaison.store.database import Database
from liaison.store.models import StixObject
from tests.cli.test_cli import liaison
from tests.ports import free_port
from tests.twonodes import Nodes, prepare_pair, serving

pytestmark = pytest.mark.e2e
HEADER = "id,description,cas,hs_code,quantity_kg,shipper,consignee,origin,destination,route,date\n"
SHIPPER = "Kestrel Jade Trading Co. Ltd."


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    """Ottawa and New Delhi, each served by its own `liaison serve` for the module."""
    base = tmp_path_factory.mktemp("precursors")
    ports = (free_port(), free_port())
    alice, bob = prepare_pair(base / "ottawa", base / "new-delhi", ports)
    with serving(base, ports, alice, bob) as running:
        yield running


def _stored(directory: Path, kind: str) -> list[dict[str, Any]]:
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            return list(session.scalars(select(StixObject.body).where(StixObject.type == kind)))
    finally:
        db.dispose()


def test_screened_incident_federates_and_links_the_shipper_at_the_peer(
    nodes: Nodes, tmp_path: Path
) -> None:
    ottawa_file = tmp_path / "ottawa.csv"
    ottawa_file.write_text(
        HEADER + f"CA-1,N.P.P 99%,,2933.37,25,{SHIPPER},Maple Health Labs Inc.,CN,CA,"
        "CN>HK>CA,2026-03-02\n"
    )
    shared = liaison(
        "screen", str(ottawa_file), "--share", "-c", "exchange", "--tlp", "amber",
        "--releasable-to", "in", "--purpose", "disrupt precursor trafficking",
        "--legal-basis", "bilateral arrangement (synthetic)", "--dir", str(nodes.ottawa),
    )  # fmt: skip
    assert "shared 1 incident(s)" in shared.stdout

    report = json.loads(
        liaison("sync", "--dir", str(nodes.new_delhi), "--peer", "ottawa", "--json").stdout
    )
    [counts] = report["peers"][0]["collections"]
    assert counts["rejected"] == 0
    incidents = _stored(nodes.new_delhi, "incident")
    assert len(incidents) == 1
    extension = incidents[0]["extensions"][PRECURSOR_EXTENSION_ID]
    assert extension["shipment_id"] == "CA-1"
    assert {company["name"] for company in extension["companies"]} >= {SHIPPER}
    identities = {body["id"] for body in _stored(nodes.new_delhi, "identity")}
    assert company_identity_id(SHIPPER, "ca") in identities

    delhi_file = tmp_path / "delhi.csv"
    delhi_file.write_text(
        HEADER + f"IN-7,Industrial solvent blend,,3814.00,200,{SHIPPER.upper()},"
        "Sutlej Exports Pvt Ltd,CN,IN,CN>IN,2026-04-11\n"
        "IN-8,Industrial solvent blend,,3814.00,200,Narmada Agro Inputs,"
        "Sutlej Exports Pvt Ltd,CN,IN,CN>IN,2026-04-11\n"
    )
    screened = liaison("screen", str(delhi_file), "--json", "--dir", str(nodes.new_delhi))
    results = {
        line["id"]: line for line in map(json.loads, screened.stdout.splitlines()) if line.get("id")
    }
    assert results["IN-7"]["flagged"] is True
    assert "linked-company" in {reason["code"] for reason in results["IN-7"]["reasons"]}
    assert results["IN-8"]["flagged"] is False

    liaison("collection", "add", "drugs", "--dir", str(nodes.new_delhi))
    liaison(
        "screen", str(delhi_file), "--share", "-c", "drugs", "--releasable-to", "ca",
        "--dir", str(nodes.new_delhi),
    )  # fmt: skip
    incidents = [
        body
        for body in _stored(nodes.new_delhi, "incident")
        if body["extensions"][PRECURSOR_EXTENSION_ID]["shipment_id"] == "IN-7"
    ]
    companies = {
        company["role"]: company["identity_ref"]
        for company in incidents[0]["extensions"][PRECURSOR_EXTENSION_ID]["companies"]
    }
    assert companies["shipper"] == company_identity_id(SHIPPER, "ca")  # Ottawa's, reused
    assert companies["consignee"] == company_identity_id("Sutlej Exports Pvt Ltd", "in")
    identities = [body["id"] for body in _stored(nodes.new_delhi, "identity")]
    assert identities.count(company_identity_id(SHIPPER, "ca")) == 1  # not created again
    assert company_identity_id(SHIPPER, "in") not in identities
