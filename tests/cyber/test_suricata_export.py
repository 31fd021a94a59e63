"""Suricata rules from indicators: each IOC kind, skipped patterns, sids, and the CLI export."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from liaison.cyber import suricata
from liaison.cyber.suricata import SID_BLOCK, SID_FIRST, SID_SLOTS, build_rules
from liaison.errors import InvalidInput
from tests.cli.inprocess import fails, run
from tests.cyber.cli_node import load, node, sqlite_node
from tests.cyber.suricata_rules import ParsedRule, parse_rule
from tests.factories import indicator

__all__ = ["node", "sqlite_node"]

MD5 = "0123456789abcdef0123456789abcdef"
SHA1 = "0123456789abcdef0123456789abcdef01234567"
SHA256 = "ab" * 32


def _ind(number: int, pattern: str, **extra: Any) -> dict[str, Any]:
    return indicator(number, pattern=pattern, name=f"ioc {number}", **extra)


def _rules(*indicators: dict[str, Any], hash_dir: str | None = "h") -> list[ParsedRule]:
    rule_set = build_rules(list(indicators), hash_dir=hash_dir)
    assert rule_set.skipped == []
    return [parse_rule(rule.text) for rule in rule_set.rules]


def _sid(rule: ParsedRule) -> int:
    return int(rule.value("sid") or 0)


def test_addresses_become_one_address_list_rule() -> None:
    (any_way,) = _rules(_ind(1, "[ipv4-addr:value = '198.51.100.7']"))
    assert (any_way.proto, any_way.src, any_way.direction, any_way.dst) == (
        "ip", "any", "<>", "[198.51.100.7]",
    )  # fmt: skip
    assert any_way.value("msg") == '"liaison ioc 1 (ip)"'
    assert any_way.value("metadata") == f"liaison_indicator {indicator(1)['id']}"
    (mixed,) = _rules(_ind(2, "[ipv6-addr:value = '2001:db8::/32' OR ipv4-addr:value IN "
                              "('203.0.113.0/28', '198.51.100.9')]"))  # fmt: skip
    assert mixed.dst == "[2001:db8::/32,203.0.113.0/28,198.51.100.9]"
    (to_dst,) = _rules(_ind(3, "[network-traffic:dst_ref.value = '192.0.2.10']"))
    assert (to_dst.src, to_dst.direction, to_dst.dst) == ("any", "->", "[192.0.2.10]")
    (from_src,) = _rules(_ind(4, "[network-traffic:src_ref.value = '192.0.2.11']"))
    assert (from_src.src, from_src.direction, from_src.dst) == ("[192.0.2.11]", "->", "any")


def test_a_domain_becomes_exact_dns_tls_and_http_host_rules() -> None:
    rules = _rules(_ind(5, "[domain-name:value = 'Update-Check.example.net']"))
    assert [(rule.proto, rule.options[1][0]) for rule in rules] == [
        ("dns", "dns.query"), ("tls", "tls.sni"), ("http", "http.host"),
    ]  # fmt: skip
    for rule in rules:
        assert rule.value("content") == '"update-check.example.net"'
        assert {"startswith", "endswith"} <= {key for key, _ in rule.options}
    assert [("nocase", None) in rule.options for rule in rules] == [True, True, False]
    assert [_sid(rule) for rule in rules] == [_sid(rules[0]) + n for n in range(3)]


def test_an_http_url_matches_host_and_raw_uri_with_unsafe_bytes_in_hex() -> None:
    (rule,) = _rules(_ind(6, "[url:value = 'http://gate.example.com:8080/a;b\"c|d?id=7']"))
    assert rule.proto == "http"
    assert rule.values("content") == ['"gate.example.com"', '"/a|3B|b|22|c|7C|d?id=7"']
    assert [key for key, _ in rule.options][1:4] == ["http.host", "content", "startswith"]
    assert "http.uri.raw" in [key for key, _ in rule.options]


def test_file_hashes_become_hash_list_rules() -> None:
    pattern = (
        f"[file:hashes.MD5 = '{MD5}' OR file:hashes.'SHA-1' = '{SHA1}'] OR "
        f"[file:hashes.'SHA-256' = '{SHA256.upper()}']"
    )
    rule_set = build_rules([_ind(7, pattern)], hash_dir="iocs-hashes")
    rules = [parse_rule(rule.text) for rule in rule_set.rules]
    first = _sid(rules[0])
    assert [rule.options[1] for rule in rules] == [
        ("filemd5", f"iocs-hashes/{first}.md5"),
        ("filesha1", f"iocs-hashes/{first + 1}.sha1"),
        ("filesha256", f"iocs-hashes/{first + 2}.sha256"),
    ]
    assert [rule.hash_list.hashes for rule in rule_set.rules if rule.hash_list] == [
        (MD5,), (SHA1,), (SHA256,),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("[ipv4-addr:value = '198.51.100.1' AND ipv4-addr:value = '198.51.100.2']", "AND inside"),
        ("[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [domain-name:value = 'a.example.com']",
         "FOLLOWEDBY"),
        ("[ipv4-addr:value = '198.51.100.1'] WITHIN 60 SECONDS", "qualifier WITHIN"),
        ("[ipv4-addr:value = '198.51.100.1'] REPEATS 3 TIMES", "qualifier REPEATS"),
        ("[domain-name:value LIKE '%.example.com']", "operator LIKE"),
        ("[ipv4-addr:value NOT = '198.51.100.1']", "operator NOT ="),
        ("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", "operator ISSUBSET"),
        ("[file:name = 'invoice.exe']", "no Suricata rule for file:name"),
        ("[url:value = 'https://a.example.com/x']", "not an http:// URL"),
        ("[ipv4-addr:value = 'not-an-address']", "not an IP address"),
    ],
)  # fmt: skip
def test_patterns_without_a_faithful_rule_are_skipped_with_the_reason(
    pattern: str, reason: str
) -> None:
    rule_set = build_rules([_ind(8, pattern), _ind(9, "[ipv4-addr:value = '192.0.2.1']")],
                           hash_dir="h")  # fmt: skip
    assert rule_set.indicators == 1 and len(rule_set.rules) == 1
    assert [s.indicator_id for s in rule_set.skipped] == [indicator(8)["id"]]
    assert reason in rule_set.skipped[0].reason


def test_other_pattern_languages_and_hashes_without_a_folder_are_skipped() -> None:
    sigma = _ind(10, "title: x", pattern_type="sigma")
    hashed = _ind(11, f"[file:hashes.MD5 = '{MD5}']")
    rule_set = build_rules([sigma, hashed], hash_dir=None)
    assert rule_set.rules == []
    reasons = sorted(s.reason for s in rule_set.skipped)
    assert "file hashes need --output" in reasons[0] and "'sigma' is not stix" in reasons[1]


def test_sids_are_stable_and_colliding_indicators_take_the_next_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    indicators = [_ind(n, f"[ipv4-addr:value = '198.51.100.{n}']") for n in range(1, 6)]
    sids = {r.indicator_id: r.sid for r in build_rules(indicators, hash_dir=None).rules}
    again = {r.indicator_id: r.sid for r in build_rules(indicators[::-1], hash_dir=None).rules}
    assert sids == again
    assert all(SID_FIRST <= sid < SID_FIRST + SID_SLOTS * SID_BLOCK for sid in sids.values())
    assert all((sid - SID_FIRST) % SID_BLOCK == 0 for sid in sids.values())
    monkeypatch.setattr(suricata, "sid_slot", lambda _id: SID_SLOTS - 1)
    collided = build_rules(indicators, hash_dir=None).rules
    assert [r.sid for r in collided] == [
        SID_FIRST + SID_BLOCK * s for s in (SID_SLOTS - 1, 0, 1, 2, 3)
    ]
    assert [r.indicator_id for r in collided] == sorted(i["id"] for i in indicators)


def test_misp_style_conjunctions_become_rules() -> None:
    (dst,) = _rules(_ind(13, "[network-traffic:dst_ref.type = 'ipv4-addr' AND "
                             "network-traffic:dst_ref.value = '203.0.113.45']"))  # fmt: skip
    assert (dst.src, dst.direction, dst.dst) == ("any", "->", "[203.0.113.45]")
    pattern = f"[file:name = 'invoice.exe' AND file:hashes.'SHA-256' = '{SHA256}']"
    (named,) = build_rules([_ind(14, pattern)], hash_dir="h").rules
    parsed = parse_rule(named.text)
    assert parsed.options[1:6] == [
        ("file.name", None), ("content", '"invoice.exe"'), ("startswith", None),
        ("endswith", None), ("filesha256", f"h/{named.sid}.sha256"),
    ]  # fmt: skip
    assert named.hash_list is not None and named.hash_list.hashes == (SHA256,)
    contradiction = _ind(15, "[network-traffic:dst_ref.type = 'ipv6-addr' AND "
                             "network-traffic:dst_ref.value = '203.0.113.45']")  # fmt: skip
    lonely = _ind(
        16, "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_port = 443]"
    )
    skipped = build_rules([contradiction, lonely], hash_dir=None).skipped
    reasons = {s.indicator_id: s.reason for s in skipped}
    assert "contradicts its value" in reasons[contradiction["id"]]
    assert "without dst_ref.value" in reasons[lonely["id"]]


def test_message_is_one_escaped_ascii_line() -> None:
    (rule,) = _rules(indicator(12, name='C2 "panel"; é\nnext\\'))
    assert rule.value("msg") == '"liaison C2 \\"panel\\"\\; ? next\\\\ (ip)"'


def test_export_writes_current_indicators_and_reports_skipped(node: Path, tmp_path: Path) -> None:
    later = "2026-03-01T00:00:00.000Z"
    current = _ind(20, "[ipv4-addr:value = '198.51.100.20']")
    replaced = _ind(21, "[ipv4-addr:value = '198.51.100.21']")
    replacement = {
        **replaced,
        "modified": later,
        "pattern": "[domain-name:value = 'c2.example.org']",
    }
    revoked = _ind(22, "[ipv4-addr:value = '198.51.100.22']")
    expired = _ind(23, "[ipv4-addr:value = '198.51.100.23']", valid_until="2026-01-03T00:00:00Z")
    hashed = _ind(24, f"[file:hashes.'SHA-256' = '{SHA256}']", valid_until="2099-01-01T00:00:00Z")
    complex_one = _ind(25, "[ipv4-addr:value = '198.51.100.25'] REPEATS 2 TIMES")
    load(node, tmp_path, "cyber", [current, replaced, revoked, expired, hashed, complex_one])
    load(node, tmp_path, "cyber", [replacement, {**revoked, "modified": later, "revoked": True}])
    output = tmp_path / "out" / "liaison.rules"
    output.parent.mkdir()
    stale = tmp_path / "out" / "liaison-hashes" / "1.md5"
    stale.parent.mkdir()
    stale.write_text(MD5 + "\n")
    result = run(node, "export", "-c", "cyber", "--format", "suricata", "--output", str(output))
    assert result.exit_code == 0, (result.output, result.exception)
    lines = output.read_text().splitlines()
    rules = [parse_rule(line) for line in lines if not line.startswith("#")]
    ids = {rule.value("metadata") for rule in rules}
    assert ids == {f"liaison_indicator {obj['id']}" for obj in (current, replaced, hashed)}
    assert "[198.51.100.21]" not in output.read_text()
    assert len(rules) == 1 + 3 + 1
    (hash_rule,) = [rule for rule in rules if rule.options[1][0] == "filesha256"]
    assert (output.parent / str(hash_rule.value("filesha256"))).read_text() == SHA256 + "\n"
    assert not stale.exists()
    assert f"skipped {complex_one['id']}: qualifier REPEATS" in result.stderr
    assert "1 indicators skipped; 2 revoked or expired left out" in result.stderr
    assert _loaded_by_suricata(output) == len(rules)


def _loaded_by_suricata(rules: Path) -> int:
    """How many rules of `rules` Suricata itself loads in its test mode; any failure fails."""
    suricata_binary = shutil.which("suricata")
    assert suricata_binary, "suricata is not installed (.ci/system-packages installs it)"
    check = subprocess.run(
        [suricata_binary, "-T", "-v", "-S", str(rules), "-l", str(rules.parent),
         "--set", f"default-rule-path={rules.parent}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    report = check.stdout + check.stderr
    assert check.returncode == 0, report
    loaded = re.search(r"(\d+) rules successfully loaded, (\d+) rules failed", report)
    assert loaded, report
    assert loaded.group(2) == "0", report
    return int(loaded.group(1))


def test_every_kind_of_rule_loads_in_suricata(node: Path, tmp_path: Path) -> None:
    patterns = [
        "[ipv4-addr:value = '198.51.100.40']",
        "[ipv6-addr:value = '2001:db8::/32' OR ipv4-addr:value IN ('203.0.113.0/28')]",
        "[network-traffic:dst_ref.value = '192.0.2.41']",
        "[network-traffic:src_ref.value = '192.0.2.42']",
        "[network-traffic:dst_ref.type = 'ipv4-addr' AND "
        "network-traffic:dst_ref.value = '203.0.113.43']",
        "[domain-name:value = 'Update-Check.example.net']",
        "[url:value = 'http://c2.example.org/gate.php;id=7&k=\"x\"']",
        f"[file:hashes.MD5 = '{MD5}']",
        f"[file:hashes.'SHA-1' = '{SHA1}']",
        f"[file:name = 'invoice.exe' AND file:hashes.'SHA-256' = '{SHA256}']",
    ]
    indicators = [_ind(40 + n, pattern) for n, pattern in enumerate(patterns)]
    load(node, tmp_path, "cyber", indicators)
    output = tmp_path / "rules" / "liaison.rules"
    output.parent.mkdir()
    result = run(node, "export", "-c", "cyber", "--format", "suricata", "--output", str(output))
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"for {len(patterns)} indicators; 0 indicators skipped" in result.stderr
    written = [line for line in output.read_text().splitlines() if line.startswith("alert")]
    assert len(written) >= len(patterns)
    assert _loaded_by_suricata(output) == len(written)


def test_export_to_stdout_skips_hashes_and_refuses_filters(
    sqlite_node: Path, tmp_path: Path
) -> None:
    load(sqlite_node, tmp_path, "cyber", [_ind(30, "[ipv4-addr:value = '192.0.2.30']"),
                                   _ind(31, f"[file:hashes.MD5 = '{MD5}']")])  # fmt: skip
    result = run(sqlite_node, "export", "-c", "cyber", "--format", "suricata")
    assert result.exit_code == 0, (result.output, result.exception)
    rules = [parse_rule(line) for line in result.stdout.splitlines() if line.startswith("alert")]
    assert [rule.dst for rule in rules] == ["[192.0.2.30]"]
    assert "file hashes need --output" in result.stderr
    message = fails(sqlite_node, InvalidInput, "export", "-c", "cyber", "--format", "suricata",
                    "--type", "indicator")  # fmt: skip
    assert "no filters" in message
    assert "unknown export format" in fails(sqlite_node, InvalidInput, "export", "-c", "cyber",
                                            "--format", "snort")  # fmt: skip
