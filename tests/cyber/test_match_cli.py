"""`liaison match`: hits as JSON lines and as a table, pattern warnings, and `--share` sightings."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
import stix2
from sqlalchemy import select

from liaison.access.visibility import Labels, Viewer, may_see
from liaison.config import load_settings
from liaison.cyber.events import EventSource, Hit, LogEvent
from liaison.cyber.observed import top_level_scos
from liaison.cyber.sightings import Sightings, node_identity_id, sighting_objects
from liaison.demo.data import node_identity
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.stix.validate import validate_object
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from liaison.store.objects import Origin, add_objects
from tests.cli.inprocess import run
from tests.cyber.cli_node import node
from tests.cyber.logs import DNS, HTTP, MD5, SHA256, eve, write_lines
from tests.factories import indicator

__all__ = ["node"]

C2 = indicator(1, name="NorthwindLocker C2", pattern="[ipv4-addr:value = '198.51.100.23']",
               extensions={HANDLING_EXTENSION_ID: {"extension_type": "property-extension",
                           "releasable_to": ["ca", "in"], "legal_basis": "cyber MoU (synthetic)"}})  # fmt: skip
LOADER = indicator(2, name="loader domain", pattern="[domain-name:value = 'update-cdn.example']")
BROKEN = indicator(3, name="broken", pattern="[domain-name:value MATCHES 'a{2,1}']")
SEQUENCE = indicator(
    4, name="lookup then download",
    pattern="[domain-name:value = 'update-cdn.example'] FOLLOWEDBY [url:value = "
    "'http://files.example.net/payload.bin'] WITHIN 60 SECONDS",
)  # fmt: skip


def _db(node: Path) -> Database:
    return Database(load_settings(node).store_url)


@pytest.fixture
def cyber(node: Path) -> Path:
    """Ottawa's cyber collection holding indicators New Delhi (party in) shared."""
    db = _db(node)
    try:
        with db.session(write=True) as session:
            collection = create_collection(
                session, "cyber", owner_party="ca", default_tlp=Tlp.GREEN
            )
            add_objects(session, collection, [C2, LOADER, BROKEN, SEQUENCE],
                        origin=Origin("new-delhi", "in", received_from="new-delhi"))  # fmt: skip
    finally:
        db.dispose()
    return node


def logs(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "eve.json", [
        eve("alert", dest_ip="192.0.2.99"),
        eve("dns", dns=DNS, timestamp="2026-11-20T10:00:01.000000+0000", proto="UDP",
            dest_ip="192.0.2.53"),
        "{broken",
        eve("http", http=HTTP, timestamp="2026-11-20T10:00:05.000000+0000"),
    ])  # fmt: skip


def json_hits(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_json_lines_name_indicator_file_line_and_time(cyber: Path, tmp_path: Path) -> None:
    path = logs(tmp_path)
    result = run(cyber, "match", str(path), "--collection", "cyber", "--json")
    assert result.exit_code == 0, result.output
    hits = json_hits(result.stdout)
    assert [(h["indicator"], h["line"]) for h in hits] == [
        (LOADER["id"], 2), (C2["id"], 4), (SEQUENCE["id"], 4),
    ]  # fmt: skip
    assert all(h["file"] == str(path) for h in hits)
    assert hits[0]["time"] == "2026-11-20T10:00:01.000000Z"
    assert (hits[1]["name"], hits[1]["collection"]) == ("NorthwindLocker C2", "cyber")
    assert hits[2]["events"] == [{"file": str(path), "line": 2}, {"file": str(path), "line": 4}]
    assert f"{BROKEN['id']}: pattern: regular expression: min repeat" in result.stderr
    assert f"{path}:3: not valid JSON" in result.stderr
    assert (
        "3 events from 1 file(s), 1 malformed lines skipped; 3 indicators; 3 hits" in result.stderr
    )


def test_table(cyber: Path, tmp_path: Path) -> None:
    result = run(cyber, "match", str(logs(tmp_path)), "-c", "cyber")
    assert result.exit_code == 0, result.output
    assert C2["id"] in result.stdout and "NorthwindLocker C2" in result.stdout
    assert "eve.json:4" in result.stdout
    assert "3 hits on 3 indicators" in result.stdout


def test_bad_input_is_one_line(cyber: Path, tmp_path: Path) -> None:
    missing = run(cyber, "match", str(tmp_path / "nope.json"), "-c", "cyber")
    assert missing.exit_code == 1 and "nope.json: cannot read" in str(missing.exception)
    unknown = run(cyber, "match", str(logs(tmp_path)), "-c", "nosuch")
    assert unknown.exit_code == 1 and "nosuch" in str(unknown.exception)
    bad_format = run(cyber, "match", str(logs(tmp_path)), "-c", "cyber", "--format", "pcap")
    assert bad_format.exit_code == 1 and "--format must be one of" in str(bad_format.exception)


def _stored(node: Path, kind: str) -> list[StixObject]:
    db = _db(node)
    try:
        with db.session() as session:
            rows = session.scalars(select(StixObject).where(StixObject.type == kind))
            return [row for row in rows]
    finally:
        db.dispose()


def _stix2_parses(obj: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stix2.parse(obj, allow_custom=True, version="2.1")


def test_share_stores_valid_sightings_released_to_the_originator(
    cyber: Path, tmp_path: Path
) -> None:
    result = run(cyber, "match", str(logs(tmp_path)), "-c", "cyber", "--share")
    assert result.exit_code == 0, result.output
    assert "shared 3 sighting(s) in collection cyber" in result.stdout
    sightings = {row.body["sighting_of_ref"]: row for row in _stored(cyber, "sighting")}
    assert set(sightings) == {C2["id"], LOADER["id"], SEQUENCE["id"]}
    row = sightings[C2["id"]]
    sighting = row.body
    assert (row.origin_node, row.origin_party, row.tlp) == ("ottawa", "ca", "amber")
    assert row.releasable_to == ",ca,in,"
    handling = sighting["extensions"][HANDLING_EXTENSION_ID]
    assert handling["legal_basis"] == "cyber MoU (synthetic)"
    assert sighting["count"] == 1
    assert (sighting["first_seen"], sighting["last_seen"]) == (
        "2026-11-20T10:00:05.000Z", "2026-11-20T10:00:05.000Z",
    )  # fmt: skip
    identity = node_identity_id("ottawa")
    assert identity == node_identity("ottawa", "ca")["id"]
    assert sighting["where_sighted_refs"] == [identity] and sighting["created_by_ref"] == identity
    observed = {r.body["id"]: r.body for r in _stored(cyber, "observed-data")}
    scos = {r.body["id"]: r.body for kind in ("ipv4-addr", "domain-name", "url", "network-traffic")
            for r in _stored(cyber, kind)}  # fmt: skip
    [data] = [observed[ref] for ref in sighting["observed_data_refs"]]
    assert (data["first_observed"], data["number_observed"]) == ("2026-11-20T10:00:05.000Z", 1)
    assert {scos[ref]["type"] for ref in data["object_refs"]} == {
        "ipv4-addr", "domain-name", "url", "network-traffic",
    }  # fmt: skip
    assert {scos[ref].get("value") for ref in data["object_refs"]} >= {
        "192.0.2.10", "198.51.100.23", "files.example.net",
    }  # fmt: skip
    assert stix2.IPv4Address(value="192.0.2.10").id in scos
    assert len(observed[sightings[SEQUENCE["id"]].body["observed_data_refs"][0]]["object_refs"]) > 0
    everything = [
        sighting,
        *observed.values(),
        *scos.values(),
        *(r.body for r in _stored(cyber, "identity") if r.id == identity),
    ]
    for obj in everything:
        assert validate_object(obj) == []
        assert obj.get("object_marking_refs") == [Tlp.AMBER.marking_id], obj
        assert obj["extensions"][HANDLING_EXTENSION_ID]["releasable_to"] == ["ca", "in"]
        _stix2_parses(obj)
    peer = Viewer("new-delhi", "in", peer=True, require_evaluation=True)
    labels = Labels(row.tlp, row.origin_party, row.releasable_to, row.recipients,
                    evaluated=row.evaluated)  # fmt: skip
    assert may_see(peer, labels, "green")
    db = _db(cyber)
    try:
        with db.session() as session:
            entry = session.scalars(
                select(AuditEntry).where(AuditEntry.kind == "sightings.shared")
            ).one()
    finally:
        db.dispose()
    assert sorted(json.loads(entry.entry)["details"]["sightings"]) == sorted(
        r.body["id"] for r in sightings.values()
    )  # fmt: skip

    again = run(cyber, "match", str(logs(tmp_path)), "-c", "cyber", "--share")
    assert again.exit_code == 0, again.output
    assert len(_stored(cyber, "sighting")) == 6
    assert [r.id for r in _stored(cyber, "identity")].count(identity) == 1


def test_observables_get_the_ids_stix2_gives_them() -> None:
    scos = top_level_scos({
        "0": {"type": "ipv4-addr", "value": "192.0.2.10"},
        "1": {"type": "ipv6-addr", "value": "2001:db8::1"},
        "2": {"type": "network-traffic", "src_ref": "0", "dst_ref": "1", "dst_port": 443,
              "protocols": ["ipv4", "tcp"]},
        "3": {"type": "file", "name": "payload.bin", "hashes": {"SHA-256": SHA256, "MD5": MD5}},
        "4": {"type": "domain-name", "value": "update-cdn.example", "resolves_to_refs": ["0", "9"]},
    })  # fmt: skip
    by_type = {sco["type"]: sco for sco in scos}
    source, target = by_type["ipv4-addr"]["id"], by_type["ipv6-addr"]["id"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = {
            "ipv4-addr": stix2.IPv4Address(value="192.0.2.10").id,
            "ipv6-addr": stix2.IPv6Address(value="2001:db8::1").id,
            "network-traffic": stix2.NetworkTraffic(
                src_ref=source, dst_ref=target, dst_port=443, protocols=["ipv4", "tcp"]
            ).id,
            "file": stix2.File(name="payload.bin", hashes={"SHA-256": SHA256, "MD5": MD5}).id,
            "domain-name": stix2.DomainName(
                value="update-cdn.example", resolves_to_refs=[source], allow_custom=True
            ).id,
        }  # fmt: skip
    assert {kind: sco["id"] for kind, sco in by_type.items()} == expected
    assert by_type["network-traffic"]["src_ref"] == source
    assert by_type["domain-name"]["resolves_to_refs"] == [source]
    assert [sco["type"] for sco in scos].index("network-traffic") > 1


def test_invalid_observables_are_left_out_of_the_sighting() -> None:
    event = LogEvent(
        {"0": {"type": "ipv4-addr", "value": "192.0.2.10"},
         "1": {"type": "ipv4-addr", "value": "not an address"}},
        1_795_168_800_000_000, 1_795_168_800_000_000, EventSource("eve.json", 9),
    )  # fmt: skip
    sightings = Sightings()
    sightings.add(Hit(C2["id"], C2["pattern"], (event,)))
    dropped: list[Any] = []
    objects = sighting_objects(C2, sightings.tallies[C2["id"]], node_identity_id("ottawa"),
                               ["ca", "in"], dropped)  # fmt: skip
    assert [obj["type"] for obj in objects] == ["ipv4-addr", "observed-data", "sighting"]
    assert objects[0]["value"] == "192.0.2.10"
    assert objects[1]["object_refs"] == [objects[0]["id"]]
    assert len(dropped) == 1 and "not an address" in str(dropped[0])
    assert all(validate_object(obj) == [] for obj in objects)
