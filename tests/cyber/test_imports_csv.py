"""IOC CSV files → STIX indicators: patterns, quoting, stable ids, re-imports and bad rows."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from stix2patterns.validator import run_validator

from liaison.cyber.iocs import IOC_NAMESPACE, parse_ioc
from liaison.errors import InvalidInput, InvalidStix
from liaison.stix.patterns import Comparison, Observation, parse_pattern
from liaison.stix.tlp import Tlp
from tests.cli.inprocess import fails, ok, run
from tests.cyber.cli_node import node, sqlite_node

__all__ = ["node", "sqlite_node"]

SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
ROWS = [
    ("ipv4", "198.51.100.7", "[ipv4-addr:value = '198.51.100.7']"),
    ("ipv4", "203.0.113.0/24", "[ipv4-addr:value = '203.0.113.0/24']"),
    ("ipv6", "2001:DB8:0:0::1", "[ipv6-addr:value = '2001:db8::1']"),
    ("ipv6", "2001:db8:ff00::/40", "[ipv6-addr:value = '2001:db8:ff00::/40']"),
    ("domain", "Update-Check.Example.NET.", "[domain-name:value = 'update-check.example.net']"),
    ("url", "http://update-check.example.net/gate.php?id=7&k='x'\\y",
     "[url:value = 'http://update-check.example.net/gate.php?id=7&k=\\'x\\'\\\\y']"),
    ("email", "billing@Example.org", "[email-addr:value = 'billing@example.org']"),
    ("md5", "0123456789ABCDEF0123456789abcdef", "[file:hashes.MD5 = '0123456789abcdef0123456789abcdef']"),
    ("sha1", "0123456789abcdef0123456789abcdef01234567",
     "[file:hashes.'SHA-1' = '0123456789abcdef0123456789abcdef01234567']"),
    ("sha256", SHA256, f"[file:hashes.'SHA-256' = '{SHA256}']"),
    ("filename", "it's invoice.exe", "[file:name = 'it\\'s invoice.exe']"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "value", "pattern"), ROWS)
def test_each_ioc_type_gives_a_pattern_both_parsers_accept(
    kind: str, value: str, pattern: str
) -> None:
    ioc = parse_ioc(kind, value)
    assert ioc.pattern == pattern
    assert run_validator(pattern, stix_version="2.1") == []
    parsed = parse_pattern(pattern, strict=True).expr
    assert isinstance(parsed, Observation) and isinstance(parsed.expr, Comparison)
    assert (parsed.expr.operator, parsed.expr.value) == ("=", ioc.value)


def test_ids_are_uuid5_of_the_normalised_ioc() -> None:
    one = parse_ioc("ipv6", "2001:DB8:0:0::1")
    assert one.indicator_id == parse_ioc("IPv6", " 2001:db8::1 ").indicator_id
    assert uuid.UUID(one.indicator_id.split("--")[1]).version == 5
    assert one.indicator_id == f"indicator--{uuid.uuid5(IOC_NAMESPACE, 'ipv6:2001:db8::1')}"
    assert parse_ioc("md5", "A" * 32).indicator_id == parse_ioc("md5", "a" * 32).indicator_id
    assert (
        parse_ioc("domain", "a.example.com").indicator_id
        != parse_ioc("url", "http://a.example.com/").indicator_id
    )


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        ("ipv4", "198.51.100.300", "not an IPv4 address"),
        ("ipv4", "198.51.100.7/24", "host bits set"),
        ("ipv4", "2001:db8::1", "is an IPv6 address, not IPv4"),
        ("domain", "bad_-.example..com", "not a domain name"),
        ("url", "update-check.example.net/gate", "not an absolute URL"),
        ("email", "billing.example.org", "not an email address"),
        ("sha256", "abc", "not an SHA256"),
        ("filename", "C:\\temp\\x.exe", "a path, not a file name"),
        ("filename", "a\tb", "control characters"),
        ("hostname", "a.example.com", "unknown IOC type 'hostname'"),
    ],
)
def test_bad_values_are_named(kind: str, value: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("(", r"\(")):
        parse_ioc(kind, value)


def _csv(
    path: Path, rows: list[str], header: str = "type,value,name,labels,tlp,confidence,valid_until"
) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _objects(node: Path, *args: str) -> list[dict[str, Any]]:
    result = run(node, "export", "-c", "iocs", *args)
    assert result.exit_code == 0, result.output
    objects: list[dict[str, Any]] = json.loads(result.stdout)["objects"]
    return objects


def _import(node: Path, *files: Path) -> list[dict[str, Any]]:
    args = [str(file) for file in files]
    files_out: list[dict[str, Any]] = ok(node, "import", *args, "-c", "iocs", "--create",
                                         "--format", "csv")["files"]  # fmt: skip
    return files_out


def test_csv_rows_become_indicators_and_a_reimport_changes_nothing(
    node: Path, tmp_path: Path
) -> None:
    rows = [f'{kind},"{value.replace(chr(34), chr(34) * 2)}",,,,,' for kind, value, _ in ROWS]
    rows[0] = "ipv4,198.51.100.7,Ransomware C2,c2;ransomware,TLP:GREEN,80,2099-01-01T00:00:00Z"
    source = _csv(tmp_path / "iocs.csv", rows)
    (first,) = _import(node, source)
    assert (first["added"], first["duplicates"], first["objects"]) == (len(ROWS), 0, len(ROWS))
    stored = {obj["pattern"]: obj for obj in _objects(node)}
    assert set(stored) == {pattern for _, _, pattern in ROWS}
    c2 = stored[ROWS[0][2]]
    assert (c2["name"], c2["labels"], c2["confidence"]) == (
        "Ransomware C2",
        ["c2", "ransomware"],
        80,
    )
    assert c2["object_marking_refs"] == [Tlp.GREEN.marking_id]
    assert c2["valid_until"] == "2099-01-01T00:00:00Z"
    assert c2["valid_from"] == c2["created"] == c2["modified"]
    assert c2["id"] == parse_ioc("ipv4", "198.51.100.7").indicator_id
    for obj in stored.values():
        assert run_validator(obj["pattern"], stix_version="2.1") == []
    (again,) = _import(node, source)
    assert (again["added"], again["duplicates"]) == (0, len(ROWS))
    assert len(_objects(node, "--match-version", "all")) == len(ROWS)


def test_a_changed_row_adds_a_version_keeping_created_and_valid_from(
    node: Path, tmp_path: Path
) -> None:
    _import(node, _csv(tmp_path / "a.csv", ["domain,c2.example.org,first name,,,,"]))
    (changed,) = _import(node, _csv(tmp_path / "b.csv", ["domain,c2.example.org,new name,,,,"]))
    assert (changed["added"], changed["duplicates"]) == (1, 0)
    old, new = sorted(_objects(node, "--match-version", "all"), key=lambda obj: obj["modified"])
    assert (old["name"], new["name"]) == ("first name", "new name")
    assert new["created"] == old["created"] and new["valid_from"] == old["valid_from"]
    assert new["modified"] > old["modified"]


def test_bad_rows_are_named_by_file_and_line_and_nothing_is_written(
    sqlite_node: Path, tmp_path: Path
) -> None:
    good = _csv(tmp_path / "good.csv", ["ipv4,192.0.2.1,,,,,"])
    bad = _csv(tmp_path / "bad.csv", [
        "ipv4,192.0.2.2,,,,,",
        "ipv4,192.0.2.300,,,,,",
        "md5,192.0.2.3,,,,,",
        "domain,a.example.com,,,amber-ish,,",
        "url,http://a.example.com/,,,,101,",
        "domain,b.example.com,,,,,2001-01-01T00:00:00Z",
        "ipv4,192.0.2.4,,,",
    ])  # fmt: skip
    result = run(
        sqlite_node, "import", str(good), str(bad), "-c", "iocs", "--create", "--format", "csv"
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, InvalidStix)
    assert [str(p) for p in result.exception.problems] == [
        f"{bad}:3 field 'value': '192.0.2.300' is not an IPv4 address or CIDR "
        "('192.0.2.300' does not appear to be an IPv4 or IPv6 network)",
        f"{bad}:4 field 'value': '192.0.2.3' is not an MD5 (32 hex digits)",
        f"{bad}:5 field 'tlp': unknown TLP level 'amber-ish' (use clear, green, amber, "
        "amber+strict or red)",
        f"{bad}:6 field 'confidence': 101 is not from 0 to 100",
        f"{bad}:7 field 'valid_until': 2001-01-01T00:00:00Z is not later than valid_from "
        + result.exception.problems[4].message.rsplit(" ", 1)[1],
        f"{bad}:8: 5 cells, header has 7",
    ]
    assert [obj["pattern"] for obj in _objects(sqlite_node)] == ["[ipv4-addr:value = '192.0.2.1']"]


def test_header_and_encoding_problems_are_one_clear_line(sqlite_node: Path, tmp_path: Path) -> None:
    unknown = _csv(tmp_path / "h.csv", ["ipv4,192.0.2.1"], header="type,value,severity")
    message = fails(sqlite_node, InvalidInput, "import", str(unknown), "-c", "iocs", "--create",
                    "--format", "csv")  # fmt: skip
    assert message.startswith(f"{unknown}:1: the header needs") and "unknown: severity" in message
    latin = tmp_path / "l.csv"
    latin.write_bytes(b"type,value\nfilename,caf\xe9.exe\n")
    assert "not UTF-8" in fails(sqlite_node, InvalidInput, "import", str(latin), "-c", "iocs",
                                "--create", "--format", "csv")  # fmt: skip
    assert "unknown import format 'yaml'" in fails(sqlite_node, InvalidInput, "import", str(latin),
                                                   "-c", "iocs", "--format", "yaml")  # fmt: skip
