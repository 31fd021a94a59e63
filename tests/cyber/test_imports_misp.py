"""MISP event JSON → STIX 2.1 through misp-stix → validated and stored (synthetic events only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from liaison.cyber import misp_import
from liaison.cyber.misp_import import convert_misp_document, misp_events, read_misp_file
from liaison.errors import InvalidInput
from liaison.stix.patterns import parse_pattern
from liaison.stix.tlp import TLP_V1_MARKING_IDS, Tlp
from tests.cli.inprocess import ok, run
from tests.cyber.cli_node import sqlite_node

__all__ = ["sqlite_node"]

EVENT_FILE = Path(__file__).parent / "data" / "misp_event.json"
SHA256 = "73e6540801e73210c07f9ce6033ffcaeefe0245e97b5cb758e31ef82c951b123"
INVOICE_SHA256 = "1a21806ecdf8d47a3afac1ed7c7972a8e6b839c7f361b3082aad60b2d76d3c4f"
AMBER_V1 = next(ref for ref, level in TLP_V1_MARKING_IDS.items() if level is Tlp.AMBER)


def _event() -> dict[str, Any]:
    event: dict[str, Any] = json.loads(EVENT_FILE.read_text())
    return event


def _stored(node: Path) -> list[dict[str, Any]]:
    result = run(node, "export", "-c", "cyber")
    assert result.exit_code == 0, result.output
    objects: list[dict[str, Any]] = json.loads(result.stdout)["objects"]
    return objects


def _import(node: Path, path: Path) -> dict[str, Any]:
    (summary,) = ok(node, "import", str(path), "-c", "cyber", "--create", "--format", "misp")[
        "files"
    ]
    return dict(summary)


def test_a_misp_event_is_converted_validated_and_stored(sqlite_node: Path, tmp_path: Path) -> None:
    summary = _import(sqlite_node, EVENT_FILE)
    assert summary["added"] == summary["objects"] > 0 and summary["dropped"] == []
    stored = _stored(sqlite_node)
    patterns = [obj["pattern"] for obj in stored if obj["type"] == "indicator"]
    for pattern in patterns:
        parse_pattern(pattern)
    for needle in ("203.0.113.45", "update-check.example.net",
                   "http://update-check.example.net/gate.php?id=7",
                   "b42741805a00696a243ca5ba76bd0d26", SHA256):  # fmt: skip
        assert sum(needle in pattern for pattern in patterns) >= 1, needle
    (named_file,) = [p for p in patterns if INVOICE_SHA256 in p]
    assert "invoice_2026.exe" in named_file
    assert not any("198.51.100.23" in pattern for pattern in patterns)  # to_ids false
    observed = [obj for obj in stored if obj.get("value") == "198.51.100.23"]
    assert [obj["type"] for obj in observed] == ["ipv4-addr"]
    names = {(obj["type"], obj.get("name", "")) for obj in stored}
    assert any(kind == "malware" and "ExampleLocker" in name for kind, name in names)
    assert any(kind == "attack-pattern" and "Phishing" in name for kind, name in names)
    assert any(kind == "report" for kind, _ in names)
    indicators = [obj for obj in stored if obj["type"] == "indicator"]
    assert all(AMBER_V1 in obj.get("object_marking_refs", []) for obj in indicators)
    again = _import(sqlite_node, EVENT_FILE)
    assert (again["added"], again["duplicates"]) == (0, summary["objects"])
    rules = tmp_path / "misp.rules"
    exported = run(sqlite_node, "export", "-c", "cyber", "--format", "suricata", "-o", str(rules))
    assert exported.exit_code == 0, exported.output
    lines = [line for line in rules.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 1 + 3 + 1 + 1 + 1 + 1  # ip-dst, domain ×3, url, md5, sha256, name+sha256
    assert "0 indicators skipped" in exported.stderr


def test_a_list_of_events_and_a_search_answer_are_read(sqlite_node: Path, tmp_path: Path) -> None:
    first = _event()
    second = json.loads(json.dumps(first))
    second["Event"]["uuid"] = "ac6bfa68-849a-4b23-b944-c76186361885"
    second["Event"]["info"] = "second synthetic event"
    second["Event"]["Attribute"] = [{
        **first["Event"]["Attribute"][0], "uuid": "5b1c3c9e-3f8e-4a57-8f0e-3d1f7c2a9b10",
        "value": "192.0.2.99",
    }]  # fmt: skip
    many = tmp_path / "events.json"
    many.write_text(json.dumps([first, second["Event"]]))
    _import(sqlite_node, many)
    patterns = [obj["pattern"] for obj in _stored(sqlite_node) if obj["type"] == "indicator"]
    assert any("192.0.2.99" in p for p in patterns) and any("203.0.113.45" in p for p in patterns)
    assert len(misp_events({"response": [first, second]}, "x")) == 2


def test_objects_our_validator_rejects_are_dropped_and_reported(
    sqlite_node: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    converted = misp_import._converted
    broken_id = "indicator--0d7c1f52-8f3e-4b6a-9c2d-1e5f7a9b3c48"

    def with_a_broken_object(event: dict[str, Any], source: str, number: int) -> Any:
        objects, refused = converted(event, source, number)
        good = next(obj for obj in objects if obj["type"] == "indicator")
        return [*objects, {**good, "id": broken_id, "pattern": "[ipv4-addr:value = '1"}], refused

    monkeypatch.setattr(misp_import, "_converted", with_a_broken_object)
    event = _event()
    event["Event"]["Attribute"].append({
        "uuid": "3d1e2f30-4152-4637-8899-aabbccddeeff", "type": "ip-dst", "to_ids": True,
        "category": "Network activity", "value": "not-an-ip", "timestamp": "1767607200",
    })  # fmt: skip
    source = tmp_path / "event.json"
    source.write_text(json.dumps(event))
    result = run(sqlite_node, "import", str(source), "-c", "cyber", "--create", "--format", "misp",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, (result.output, result.exception)
    (summary,) = json.loads(result.stdout)["files"]
    assert [(d["id"], d["field"]) for d in summary["dropped"]] == [
        (f"MISP event {event['Event']['uuid']}", ""), (broken_id, "pattern"),
    ]  # fmt: skip
    assert "3d1e2f30-4152-4637-8899-aabbccddeeff" in summary["dropped"][0]["reason"]
    assert "invalid format" in summary["dropped"][0]["reason"]
    assert f"{source}: dropped {broken_id} field 'pattern'" in result.stderr
    assert "Failed validation" not in result.stderr.replace(summary["dropped"][0]["reason"], "")
    assert broken_id not in {obj["id"] for obj in _stored(sqlite_node)}
    assert summary["added"] == summary["objects"] > 0


def test_files_that_are_not_misp_events_are_refused(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": []}))
    with pytest.raises(InvalidInput) as refused:
        read_misp_file(bundle)
    assert refused.value.message == (
        f"{bundle}: item 1 is not a MISP event (expected an object with 'Event', or an event "
        "with 'info' and 'Attribute')"
    )
    with pytest.raises(InvalidInput, match="no MISP events"):
        misp_events([], "empty.json")
    bare = convert_misp_document({"Event": {"info": "empty", "Attribute": []}}, "x")
    assert [str(problem) for problem in bare.dropped] == [
        "MISP event 1: misp-stix: Missing Orgc field."
    ]
