"""`liaison screen`: JSON lines, table, bad input, `--share` incidents and linked companies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from liaison.config import load_settings
from liaison.errors import InvalidInput
from liaison.precursors.companies import company_identity_id
from liaison.stix.extensions import HANDLING_EXTENSION_ID, PRECURSOR_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.stix.validate import validate_object
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from liaison.store.objects import Origin, add_objects
from tests.cli.inprocess import fails, run
from tests.cyber.cli_node import node, sqlite_node

__all__ = ["node", "sqlite_node"]

HEADER = "id,description,cas,hs_code,quantity_kg,shipper,consignee,origin,destination,route,date\n"
ROWS = (
    "S1,N.P.P 99%,,2933.37,25,Kestrel Jade Trading Co. Ltd.,Maple Health Labs Inc.,CN,CA,"
    "CN>HK>CA,2026-03-02\n"
    "S2,Acetone,67-64-1,2914.11,500,Harbor Fine Chemical Co. Ltd.,Maple Health Labs Inc.,IN,CA,"
    "IN>CA,2026-03-03\n"
    "S3,Toluene,,2914.11,40,Harbor Fine Chemical Co. Ltd.,Lotus Global Supplies FZE,CN,US,CN>US,\n"
)


def shipments(tmp_path: Path, rows: str = ROWS) -> Path:
    path = tmp_path / "shipments.csv"
    path.write_text(HEADER + rows)
    return path


def lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def _db(node: Path) -> Database:
    return Database(load_settings(node).store_url)


def _count(node: Path, kind: str) -> int:
    db = _db(node)
    try:
        with db.session() as session:
            return (
                session.scalar(
                    select(func.count()).select_from(StixObject).where(StixObject.type == kind)
                )
                or 0
            )
    finally:
        db.dispose()


def _drugs(node: Path) -> None:
    db = _db(node)
    try:
        with db.session(write=True) as session:
            create_collection(session, "drugs", owner_party="ca", pillar="drugs")
    finally:
        db.dispose()


def test_json_lines(sqlite_node: Path, tmp_path: Path) -> None:
    result = run(sqlite_node, "screen", str(shipments(tmp_path)), "--json")
    assert result.exit_code == 0, result.output
    rows = lines(result.stdout)
    assert [(r["id"], r["flagged"]) for r in rows] == [("S1", True), ("S2", False), ("S3", False)]
    assert {"id", "flagged", "reasons", "substance", "controlled_as", "cores"} <= set(rows[0])
    assert {"code": "name", "detail": "'N.P.P 99%' names NPP"} in rows[0]["reasons"]
    assert rows[0]["substance"] == "npp" and rows[1]["reasons"] == []
    assert "3 records, 1 flagged" in result.stderr
    only = run(sqlite_node, "screen", str(shipments(tmp_path)), "--json", "--only-flagged")
    assert [r["id"] for r in lines(only.stdout)] == ["S1"]


def test_table(sqlite_node: Path, tmp_path: Path) -> None:
    result = run(sqlite_node, "screen", str(shipments(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "S1" in result.stdout and "N-phenethyl-4-piperidone" in result.stdout
    assert "3 records, 1 flagged" in result.stdout


def test_bad_input_is_one_line_and_stores_nothing(sqlite_node: Path, tmp_path: Path) -> None:
    _drugs(sqlite_node)
    bad = shipments(tmp_path, ROWS + "S4,,,,,,,,,,\n")
    message = fails(sqlite_node, InvalidInput, "screen", str(bad), "--share", "-c", "drugs")
    assert message == "shipments.csv:5: field 'description' is required"
    assert _count(sqlite_node, "incident") == 0
    assert "--collection" in fails(sqlite_node, InvalidInput, "screen", str(bad), "--share")


def test_share_stores_valid_incidents_with_tlp_handling_and_one_audit_entry(
    node: Path, tmp_path: Path
) -> None:
    _drugs(node)
    result = run(
        node, "screen", str(shipments(tmp_path)), "--share", "-c", "drugs", "--tlp", "amber",
        "--releasable-to", "in", "--releasable-to", "ca", "--purpose", "precursor interdiction",
        "--legal-basis", "CA-IN work plan (synthetic)", "--retain-until", "2031-12-31",
        "--evaluation", "b2", "--caveat", "customs data, not verified abroad",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "shared 1 incident(s) in collection drugs: 3 objects added" in result.stdout
    db = _db(node)
    try:
        with db.session() as session:
            rows = list(session.scalars(select(StixObject)))
            audit = session.scalars(
                select(AuditEntry).where(AuditEntry.kind == "precursor-incidents.shared")
            ).all()
    finally:
        db.dispose()
    [incident] = [row.body for row in rows if row.type == "incident"]
    body = incident["extensions"][PRECURSOR_EXTENSION_ID]
    refs = {company["identity_ref"] for company in body["companies"]}
    identities = {row.body["id"]: row.body for row in rows if row.id in refs}
    assert len(identities) == 2
    for obj in [incident, *identities.values()]:
        assert validate_object(obj) == []
        assert obj["object_marking_refs"] == [Tlp.AMBER.marking_id]
        handling = obj["extensions"][HANDLING_EXTENSION_ID]
        assert handling["releasable_to"] == ["ca", "in"]
        assert handling["retain_until"] == "2031-12-31T23:59:59.999Z"
        assert handling["evaluation"] == {"source_reliability": "B", "information_credibility": 2}
        assert handling["caveats"] == ["customs data, not verified abroad"]
    assert body["incident_type"] == "stopped-shipment" and body["shipment_id"] == "S1"
    assert body["substances"][0]["cas"] == "39742-60-4"
    assert body["transit_countries"] == ["HK"] and "transshipment" in body["modus_operandi"]
    shipper = company_identity_id("Kestrel Jade Trading Co. Ltd.", "ca")
    assert shipper in identities and body["companies"][0]["identity_ref"] == shipper
    assert len(audit) == 1
    assert json.loads(audit[0].entry)["details"]["incidents"] == [incident["id"]]


def _incident(number: int, shipper: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "incident", "spec_version": "2.1",
        "id": f"incident--00000000-0000-4000-8000-{number:012d}",
        "created": "2026-05-01T00:00:00.000Z", "modified": "2026-05-01T00:00:00.000Z",
        "name": "seizure", "extensions": {PRECURSOR_EXTENSION_ID: {
            "extension_type": "property-extension", "incident_type": "seizure",
            "substances": [{"name": "NPP"}],
            "companies": [{"name": shipper, "role": "shipper"}],
        }}, **extra,
    }  # fmt: skip


def test_linked_companies_come_from_visible_incidents_only(
    sqlite_node: Path, tmp_path: Path
) -> None:
    red = {"object_marking_refs": [Tlp.RED.marking_id], "extensions": {}}
    hidden = _incident(2, "Lotus Global Supplies FZE", **red)
    hidden["extensions"] = {**_incident(2, "x")["extensions"], HANDLING_EXTENSION_ID: {
        "extension_type": "property-extension", "recipients": ["someone-else"]}}  # fmt: skip
    hidden["extensions"][PRECURSOR_EXTENSION_ID]["companies"][0]["name"] = "Lotus Global Supplies"
    db = _db(sqlite_node)
    try:
        with db.session(write=True) as session:
            collection = create_collection(
                session, "drugs", owner_party="ca", default_tlp=Tlp.GREEN
            )
            add_objects(
                session, collection, [_incident(1, "HARBOR FINE CHEMICAL CO., LTD"), hidden],
                origin=Origin("new-delhi", "in", received_from="new-delhi"),
            )  # fmt: skip
    finally:
        db.dispose()
    result = run(sqlite_node, "screen", str(shipments(tmp_path)), "--json")
    rows = {row["id"]: row for row in lines(result.stdout)}
    assert rows["S2"]["flagged"] and rows["S3"]["flagged"]
    linked = [r for r in rows["S3"]["reasons"] if r["code"] == "linked-company"]
    assert len(linked) == 1 and "shipper 'Harbor Fine Chemical" in linked[0]["detail"]


@pytest.mark.parametrize("fmt", ["jsonl"])
def test_json_lines_input(sqlite_node: Path, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "J1", "description": "4-anilinopiperidine dihydrochloride"}\n')
    result = run(sqlite_node, "screen", str(path), "--json", "--format", fmt)
    [row] = lines(result.stdout)
    assert row["flagged"] and row["controlled_as"] == "4-ap"


def test_share_refuses_a_malformed_evaluation_and_stores_nothing(
    sqlite_node: Path, tmp_path: Path
) -> None:
    _drugs(sqlite_node)
    message = fails(
        sqlite_node, InvalidInput, "screen", str(shipments(tmp_path)), "--share", "-c", "drugs",
        "--evaluation", "G7",
    )  # fmt: skip
    assert "not an Admiralty grade" in message
    assert _count(sqlite_node, "incident") == 0
