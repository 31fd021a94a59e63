"""Generic JSON lines and CSV through a mapping file: the shipped example, paths, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.cyber.events import LogEvent
from liaison.cyber.readers import LogReader, load_mapping
from liaison.cyber.readers.mapping import property_path
from liaison.errors import InvalidInput
from tests.cyber.logs import SHA256, write_lines

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def read(path: Path, mapping: Path, fmt: str = "auto") -> tuple[list[LogEvent], LogReader]:
    with LogReader(path, fmt, load_mapping(mapping)) as reader:
        return list(reader.events()), reader


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    return path


def test_the_example_mapping_reads_the_example_log() -> None:
    events, reader = read(EXAMPLES / "proxy.csv", EXAMPLES / "mapping-proxy.toml")
    assert reader.format == "csv"
    assert [event.source.line for event in events] == [2, 3, 4]
    first, second, third = (event.objects for event in events)
    assert [obj["type"] for obj in first.values()] == [
        "ipv4-addr", "ipv4-addr", "domain-name", "url", "network-traffic",
    ]  # fmt: skip
    traffic = first["4"]
    assert traffic == {
        "type": "network-traffic", "dst_port": 80, "protocols": ["ipv4", "tcp", "http"],
        "extensions": {"http-request-ext": {
            "request_method": "get", "request_value": "/v2/check",
            "request_header": {"User-Agent": "ExampleAgent/1.0"},
        }},
        "src_ref": "0", "dst_ref": "1",
    }  # fmt: skip
    [file] = [obj for obj in second.values() if obj["type"] == "file"]
    assert file == {"type": "file", "hashes": {"SHA-256": SHA256}, "name": "payload.bin"}
    assert third["0"] == {"type": "ipv6-addr", "value": "2001:db8::10"}
    assert events[0].first_observed == 1_795_168_800_120_000


def test_jsonl_paths_refs_and_epoch_times(tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path,
        """
[timestamp]
field = "event.created"
format = "epoch_ms"

[[objects]]
name = "source"
type = "ipv4-addr"
properties = { value = "id.orig_h" }

[[objects]]
name = "answer"
type = "ip-addr"
properties = { value = "dns.answers[1]" }

[[objects]]
type = "domain-name"
properties = { value = "dns.query", resolves_to_refs = ["@answer"] }

[[objects]]
type = "network-traffic"
properties = { src_ref = "@source", protocols = { const = ["ipv4", "udp", "dns"] } }
""",
    )
    log = write_lines(tmp_path / "dns.jsonl", [
        {"event": {"created": 1795168800123}, "id.orig_h": "192.0.2.10",
         "dns": {"query": "update-cdn.example", "answers": ["x", "2001:db8::1"]}},
        {"event": {"created": 1795168801000}, "dns": {"query": "-", "answers": []}},
        {"event": {}, "dns": {"query": "a.example"}},
    ])  # fmt: skip
    events, reader = read(log, mapping)
    assert reader.format == "jsonl"
    assert len(events) == 1 and reader.stats.ignored == 1
    objects = events[0].objects
    assert events[0].first_observed == 1_795_168_800_123_000
    assert objects["1"] == {"type": "ipv6-addr", "value": "2001:db8::1"}
    assert objects["2"] == {
        "type": "domain-name",
        "value": "update-cdn.example",
        "resolves_to_refs": ["1"],
    }
    assert objects["3"] == {
        "type": "network-traffic",
        "protocols": ["ipv4", "udp", "dns"],
        "src_ref": "0",
    }
    assert (
        str(reader.stats.problems[0])
        == f"{log}:3: unreadable record (no timestamp in field 'event.created')"
    )


def test_strptime_times_and_headerless_csv(tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path,
        """
format = "csv"
[timestamp]
field = "when"
format = "%d/%m/%Y %H:%M:%S"
[csv]
delimiter = ";"
columns = ["when", "ip", "port"]
[[objects]]
name = "ip"
type = "ipv4-addr"
properties = { value = "ip" }
[[objects]]
type = "network-traffic"
properties = { dst_ref = "@ip", dst_port = "port", protocols = { const = ["tcp"] } }
""",
    )
    log = write_lines(tmp_path / "fw.log", [
        "20/11/2026 10:00:00;198.51.100.23;443", "20/11/2026 10:00:01;198.51.100.24;https",
        "20/11/2026 10:00:02;198.51.100.25", "2026-11-20;198.51.100.26;443",
    ])  # fmt: skip
    events, reader = read(log, mapping)
    assert [e.source.line for e in events] == [1]
    assert events[0].first_observed == 1_795_168_800_000_000
    assert events[0].objects["1"]["dst_port"] == 443
    problems = [str(p) for p in reader.stats.problems]
    assert problems[0] == f"{log}:2: unreadable record (field 'port': 'https' is not an integer)"
    assert problems[1] == f"{log}:3: 2 fields where the header has 3"
    assert problems[2].startswith(f"{log}:4: unreadable record (field 'when':")


def test_a_missing_column_names_it(tmp_path: Path) -> None:
    log = write_lines(tmp_path / "proxy.csv", ["time,client_ip", "2026-11-20T10:00:00Z,192.0.2.1"])
    with pytest.raises(InvalidInput, match=r"proxy\.csv: no column 'server_ip', 'host'"):
        read(log, EXAMPLES / "mapping-proxy.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[timestamp\n", "not valid TOML"),
        ('[timestamp]\nfield = "t"\n', "objects: needs at least one"),
        (
            '[[objects]]\ntype = "ipv4-addr"\nproperties = { value = "ip" }\n',
            "timestamp: needs a table",
        ),
        (
            '[timestamp]\nfield = "t"\nformat = "dd/mm"\n[[objects]]\ntype = "ipv4-addr"\nproperties = { value = "ip" }\n',
            "timestamp.format: 'dd/mm' is none of",
        ),
        (
            '[timestamp]\nfield = "t"\n[[objects]]\ntype = "ip-address"\nproperties = { value = "ip" }\n',
            r"objects\[0\].type: 'ip-address' is not a STIX cyber-observable type",
        ),
        (
            '[timestamp]\nfield = "t"\n[[objects]]\ntype = "network-traffic"\nproperties = { src_ref = "@client", src_port = "p" }\n',
            r"objects\[0\].properties.'src_ref': no object named 'client'",
        ),
        (
            '[timestamp]\nfield = "t"\n[[objects]]\ntype = "url"\nproperties = { value = "@x" }\n',
            "only a \\*_ref or \\*_refs property takes an @reference",
        ),
        (
            '[timestamp]\nfield = "t"\n[[objects]]\ntype = "url"\nproperties = { value = 3 }\n',
            "a value must be a field name",
        ),
        (
            'fromat = "csv"\n[timestamp]\nfield = "t"\n[[objects]]\ntype = "url"\nproperties = { value = "u" }\n',
            "top level: unknown keys \\['fromat'\\]",
        ),
        (
            '[timestamp]\nfield = "t"\nzone = "utc"\n[[objects]]\ntype = "url"\nproperties = { value = "u" }\n',
            "timestamp: takes only field and format",
        ),
    ],
)
def test_mapping_errors_name_the_file_and_place(tmp_path: Path, text: str, message: str) -> None:
    path = write_mapping(tmp_path, text)
    with pytest.raises(InvalidInput, match=message) as caught:
        load_mapping(path)
    assert str(path) in caught.value.message


def test_property_paths() -> None:
    assert property_path("hashes.'SHA-256'") == ("hashes", "SHA-256")
    assert property_path("extensions.'http-request-ext'.request_header.'User-Agent'") == (
        "extensions", "http-request-ext", "request_header", "User-Agent",
    )  # fmt: skip
    with pytest.raises(ValueError, match="not a property path"):
        property_path("hashes..x")
