"""Synthetic log records for the reader and `liaison match` tests (documentation addresses only)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson

T0 = "2026-11-20T10:00:00.123456+0000"
T0_MICROS = 1_795_168_800_123_456
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
MD5 = "098f6bcd4621d373cade4e832627b4f6"
SHA1 = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"


def eve(event_type: str, *, timestamp: str = T0, **sections: Any) -> dict[str, Any]:
    """A Suricata eve.json record from 192.0.2.10:51000 to 198.51.100.23:80 over TCP."""
    return {
        "timestamp": timestamp, "flow_id": 1, "event_type": event_type, "src_ip": "192.0.2.10",
        "src_port": 51000, "dest_ip": "198.51.100.23", "dest_port": 80, "proto": "TCP",
        **sections,
    }  # fmt: skip


HTTP = {
    "hostname": "files.example.net", "url": "/payload.bin", "http_user_agent": "ExampleAgent/1.0",
    "http_method": "GET", "protocol": "HTTP/1.1", "status": 200,
}  # fmt: skip
DNS = {
    "version": 2, "type": "answer", "rrname": "update-cdn.example", "rrtype": "A",
    "answers": [{"rrname": "update-cdn.example", "rrtype": "A", "rdata": "203.0.113.14"}],
}  # fmt: skip
TLS = {
    "subject": "CN=files.example.net", "issuerdn": "CN=Example CA", "serial": "01:02:03",
    "fingerprint": "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",
    "sni": "files.example.net", "version": "TLS 1.3", "notbefore": "2026-01-01T00:00:00",
    "notafter": "2027-01-01T00:00:00",
}  # fmt: skip
FILEINFO = {"filename": "/downloads/payload.bin", "md5": MD5, "sha1": SHA1, "sha256": SHA256,
            "size": 1024, "state": "CLOSED"}  # fmt: skip
FLOW = {"pkts_toserver": 3, "pkts_toclient": 2, "bytes_toserver": 300, "bytes_toclient": 200,
        "start": "2026-11-20T09:59:58.000000+0000", "end": "2026-11-20T10:00:00.000000+0000"}  # fmt: skip


def zeek(**fields: Any) -> dict[str, Any]:
    """A Zeek JSON record of a connection from 192.0.2.10:51000 to 198.51.100.23:80."""
    return {
        "ts": 1795168800.123456, "uid": "CHhAvVGS1DHFjwGM9",
        "id.orig_h": "192.0.2.10", "id.orig_p": 51000, "id.resp_h": "198.51.100.23",
        "id.resp_p": 80, **fields,
    }  # fmt: skip


def write_lines(path: Path, lines: list[Any], *, compress: bool = False) -> Path:
    """Write records (dicts as JSON, bytes and str as they are) one a line."""
    data = b"".join(
        (line if isinstance(line, bytes) else line.encode() if isinstance(line, str)
         else orjson.dumps(line)) + b"\n"
        for line in lines
    )  # fmt: skip
    path.write_bytes(gzip.compress(data) if compress else data)
    return path
