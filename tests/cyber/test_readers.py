"""The Suricata and Zeek readers: mapping, line numbers, gzip, malformed lines, format sniffing."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from liaison.cyber.events import LogEvent
from liaison.cyber.readers import LogReader
from liaison.errors import InvalidInput
from tests.cyber.logs import (
    DNS,
    FILEINFO,
    FLOW,
    HTTP,
    MD5,
    SHA1,
    SHA256,
    T0_MICROS,
    TLS,
    eve,
    write_lines,
    zeek,
)  # fmt: skip


def read(path: Path, fmt: str = "auto") -> tuple[list[LogEvent], LogReader]:
    with LogReader(path, fmt) as reader:
        return list(reader.events()), reader


def of_type(event: LogEvent, kind: str) -> list[dict[str, Any]]:
    return [dict(obj) for obj in event.objects.values() if obj["type"] == kind]


def test_suricata_tuple_and_times(tmp_path: Path) -> None:
    events, reader = read(
        write_lines(tmp_path / "eve.json", [eve("alert", alert={"signature_id": 1})])
    )
    assert reader.format == "suricata"
    [event] = events
    assert event.first_observed == event.last_observed == T0_MICROS
    assert (event.source.file, event.source.line) == (str(tmp_path / "eve.json"), 1)
    assert dict(event.objects["0"]) == {"type": "ipv4-addr", "value": "192.0.2.10"}
    assert dict(event.objects["1"]) == {"type": "ipv4-addr", "value": "198.51.100.23"}
    assert dict(event.objects["2"]) == {
        "type": "network-traffic", "src_ref": "0", "dst_ref": "1", "src_port": 51000,
        "dst_port": 80, "protocols": ["ipv4", "tcp"],
    }  # fmt: skip


def test_suricata_http_dns_tls_fileinfo_flow(tmp_path: Path) -> None:
    records = [
        eve("http", app_proto="http", http=HTTP),
        eve("dns", dns=DNS, proto="UDP"),
        eve("tls", app_proto="tls", tls=TLS, dest_port=443),
        eve("fileinfo", http=HTTP, fileinfo=FILEINFO),
        eve("flow", flow=FLOW),
        {**eve("alert"), "src_ip": "2001:db8::10", "dest_ip": "2001:db8::80"},
    ]
    http, dns, tls, fileinfo, flow, v6 = read(write_lines(tmp_path / "eve.json", records))[0]
    assert of_type(http, "domain-name") == [{"type": "domain-name", "value": "files.example.net"}]
    assert of_type(http, "url") == [
        {"type": "url", "value": "http://files.example.net/payload.bin"}
    ]
    [traffic] = of_type(http, "network-traffic")
    assert traffic["protocols"] == ["ipv4", "tcp", "http"]
    assert traffic["extensions"] == {"http-request-ext": {
        "request_method": "get", "request_value": "/payload.bin", "request_version": "http/1.1",
        "request_header": {"Host": "files.example.net", "User-Agent": "ExampleAgent/1.0"},
    }}  # fmt: skip
    assert {"type": "ipv4-addr", "value": "203.0.113.14"} in of_type(dns, "ipv4-addr")
    [queried] = of_type(dns, "domain-name")
    assert queried["value"] == "update-cdn.example"
    assert [dns.objects[key]["value"] for key in queried["resolves_to_refs"]] == ["203.0.113.14"]
    [certificate] = of_type(tls, "x509-certificate")
    assert certificate == {
        "type": "x509-certificate", "subject": "CN=files.example.net", "issuer": "CN=Example CA",
        "serial_number": "01:02:03", "hashes": {"SHA-1": "aabbccddeeff00112233445566778899aabbccdd"},
        "validity_not_before": "2026-01-01T00:00:00Z", "validity_not_after": "2027-01-01T00:00:00Z",
    }  # fmt: skip
    assert of_type(tls, "domain-name") == [{"type": "domain-name", "value": "files.example.net"}]
    assert of_type(fileinfo, "file") == [{
        "type": "file", "name": "payload.bin", "size": 1024,
        "hashes": {"MD5": MD5, "SHA-1": SHA1, "SHA-256": SHA256},
    }]  # fmt: skip
    assert of_type(fileinfo, "url"), "fileinfo keeps its http section"
    [counted] = of_type(flow, "network-traffic")
    assert (counted["src_byte_count"], counted["dst_byte_count"]) == (300, 200)
    assert (counted["src_packets"], counted["dst_packets"]) == (3, 2)
    assert flow.first_observed == T0_MICROS - 2_123_456
    assert [o["type"] for o in v6.objects.values()][:2] == ["ipv6-addr", "ipv6-addr"]
    assert v6.objects["2"]["protocols"][0] == "ipv6"


def test_url_keeps_a_non_default_port_and_skips_ip_hosts(tmp_path: Path) -> None:
    records = [
        eve("http", dest_port=8080, http={**HTTP, "hostname": "files.example.net"}),
        eve("http", http={**HTTP, "hostname": "198.51.100.23"}),
    ]
    on_port, on_ip = read(write_lines(tmp_path / "eve.json", records))[0]
    assert of_type(on_port, "url")[0]["value"] == "http://files.example.net:8080/payload.bin"
    assert of_type(on_ip, "domain-name") == []
    assert of_type(on_ip, "url")[0]["value"] == "http://198.51.100.23/payload.bin"


def test_malformed_lines_are_counted_and_named(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "eve.json", [
        eve("alert"), "", "{not json", "[1, 2]", {"event_type": "alert", "src_ip": "192.0.2.1"},
        {**eve("alert"), "timestamp": "yesterday"}, {"timestamp": "2026-11-20T10:00:00Z",
        "event_type": "stats", "stats": {}}, eve("alert"),
    ])  # fmt: skip
    events, reader = read(path)
    assert [event.source.line for event in events] == [1, 8]
    stats = reader.stats
    assert (stats.lines, stats.events, stats.bad, stats.blank, stats.ignored) == (8, 2, 4, 1, 1)
    problems = [str(problem) for problem in stats.problems]
    assert problems[0].startswith(f"{path}:3: not valid JSON")
    assert problems[1] == f"{path}:4: not a JSON object"
    assert problems[2] == f"{path}:5: no 'timestamp' field"
    assert problems[3].startswith(f"{path}:6: unreadable record") and "yesterday" in problems[3]


def test_gzip_is_told_by_its_magic_bytes(tmp_path: Path) -> None:
    records = [eve("http", http=HTTP), eve("dns", dns=DNS)]
    plain = read(write_lines(tmp_path / "eve.json", records))[0]
    hidden, reader = read(write_lines(tmp_path / "eve.log", records, compress=True))
    assert reader.source.compressed
    assert [(e.objects, e.source.line) for e in hidden] == [
        (e.objects, e.source.line) for e in plain
    ]
    assert (
        read(write_lines(tmp_path / "eve.json.gz", records, compress=True))[0][1].source.line == 2
    )


def test_truncated_gzip_is_one_clear_error(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(b'{"a": %d}\n' % n for n in range(50_000)))
    path = tmp_path / "eve.json.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInput, match=r"eve\.json\.gz: cannot read"):
        read(path, "suricata")


def test_zeek_logs(tmp_path: Path) -> None:
    records = [
        zeek(proto="tcp", service="http", duration=1.5, orig_bytes=300, resp_bytes=200,
             orig_pkts=3, resp_pkts=2),
        zeek(proto="udp", query="update-cdn.example", qtype_name="A",
             answers=["cdn.example.org", "203.0.113.14"]),
        zeek(method="GET", host="files.example.net", uri="/payload.bin", version="1.1",
             user_agent="ExampleAgent/1.0"),
        zeek(server_name="files.example.net", subject="CN=files.example.net",
             issuer="CN=Example CA", cert_chain_fps=[SHA256.upper()]),
        {"ts": "2026-11-20T10:00:00.123456Z", "fuid": "FZ1", "tx_hosts": ["198.51.100.23"],
         "rx_hosts": ["192.0.2.10"], "filename": "payload.bin", "mime_type": "application/x-dosexec",
         "total_bytes": 1024, "md5": MD5, "sha1": SHA1, "sha256": SHA256},
    ]  # fmt: skip
    (conn, dns, http, ssl, files), reader = read(write_lines(tmp_path / "conn.log", records))
    assert reader.format == "zeek"
    [traffic] = of_type(conn, "network-traffic")
    assert traffic == {
        "type": "network-traffic", "src_ref": "0", "dst_ref": "1", "protocols": ["ipv4", "tcp", "http"],
        "src_port": 51000, "dst_port": 80, "src_byte_count": 300, "dst_byte_count": 200,
        "src_packets": 3, "dst_packets": 2,
    }  # fmt: skip
    assert conn.first_observed == T0_MICROS
    assert conn.last_observed == T0_MICROS + 1_500_000
    [queried] = [o for o in of_type(dns, "domain-name") if "resolves_to_refs" in o]
    assert [dns.objects[k]["value"] for k in queried["resolves_to_refs"]] == [
        "cdn.example.org", "203.0.113.14",
    ]  # fmt: skip
    assert of_type(http, "url")[0]["value"] == "http://files.example.net/payload.bin"
    request = of_type(http, "network-traffic")[0]["extensions"]["http-request-ext"]
    assert request["request_header"]["User-Agent"] == "ExampleAgent/1.0"
    assert request["request_version"] == "http/1.1"
    assert of_type(ssl, "x509-certificate")[0]["hashes"] == {"SHA-256": SHA256}
    [found] = of_type(files, "file")
    assert found["hashes"]["SHA-256"] == SHA256 and found["mime_type"] == "application/x-dosexec"
    assert files.objects["0"]["value"] == "198.51.100.23"
    assert files.first_observed == T0_MICROS


def test_sniffing(tmp_path: Path) -> None:
    assert read(write_lines(tmp_path / "a", ["", "{bad", eve("alert")]))[1].format == "suricata"
    empty, reader = read(write_lines(tmp_path / "b", []))
    assert empty == [] and reader.format is None
    tsv = write_lines(tmp_path / "conn.log", ["#separator \\x09", "#fields\tts\tuid"])
    with pytest.raises(InvalidInput, match="Zeek TSV log"):
        read(tsv)
    with pytest.raises(InvalidInput, match="give --mapping"):
        read(write_lines(tmp_path / "c", [{"time": 1, "ip": "192.0.2.1"}]))
    with pytest.raises(InvalidInput, match="cannot tell the log format"):
        read(write_lines(tmp_path / "d", ["time,ip", "1,192.0.2.1"]))
    with pytest.raises(InvalidInput, match="needs --mapping"):
        read(tmp_path / "d", "csv")
    with pytest.raises(InvalidInput, match=r"missing: cannot read: No such file"):
        read(tmp_path / "missing")


def test_a_forced_format_reports_records_of_another(tmp_path: Path) -> None:
    events, reader = read(write_lines(tmp_path / "conn.log", [zeek(proto="tcp")]), "suricata")
    assert events == [] and reader.stats.bad == 1
    assert "no 'timestamp' field" in str(reader.stats.problems[0])
