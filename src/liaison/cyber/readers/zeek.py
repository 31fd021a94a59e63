"""Zeek JSON log records (conn, dns, http, ssl, files) as STIX cyber-observables.

Zeek writes one log per protocol, and a record says which by the fields it has, so one mapper
serves them all: the connection tuple (`id.orig_h` …) gives `0`, `1` and the network-traffic `2`
as for Suricata; `query` (dns.log), `method`/`host`/`uri` (http.log), `server_name`/`subject`
(ssl.log) and file hashes (files.log) add their objects. `ts` may be epoch seconds (Zeek's
default) or ISO 8601 (`JSON::TS_ISO8601`). docs/cyber.md has the mapping table.
"""

from __future__ import annotations

from typing import Any

from liaison.cyber.events import EventSource, LogEvent
from liaison.cyber.readers.scos import (
    SCO,
    add_object,
    address,
    domain,
    file_object,
    header_fields,
    http_request,
    is_host_name,
    protocols,
    url_value,
)
from liaison.cyber.readers.times import epoch_micros, iso_micros

_UNSET = (None, "", "-")


def _time(value: object) -> int:
    if isinstance(value, str) and "-" in value:
        return iso_micros(value)
    return epoch_micros(value)


def _endpoints(record: dict[str, Any]) -> tuple[Any, Any]:
    """The originator and responder addresses (files.log of Zeek < 5 lists them as tx/rx hosts)."""
    source, target = record.get("id.orig_h"), record.get("id.resp_h")
    if source is None and record.get("tx_hosts"):
        source, target = record["tx_hosts"][0], (record.get("rx_hosts") or [None])[0]
    return source, target


def _traffic(objects: dict[str, SCO], record: dict[str, Any]) -> SCO | None:
    source, target = _endpoints(record)
    if source is None or target is None:
        return None
    objects["0"] = address(source)
    objects["1"] = address(target)
    traffic: SCO = {
        "type": "network-traffic", "src_ref": "0", "dst_ref": "1",
        "protocols": protocols(source, record.get("proto"), record.get("service")),
    }  # fmt: skip
    for field, prop in (
        ("id.orig_p", "src_port"), ("id.resp_p", "dst_port"),
        ("orig_bytes", "src_byte_count"), ("resp_bytes", "dst_byte_count"),
        ("orig_pkts", "src_packets"), ("resp_pkts", "dst_packets"),
    ):  # fmt: skip
        value = record.get(field)
        if isinstance(value, int) and value >= 0:
            traffic[prop] = value
    objects["2"] = traffic
    return traffic


def _dns(objects: dict[str, SCO], record: dict[str, Any]) -> None:
    name = record["query"]
    if not is_host_name(name):
        return
    resolved = []
    for answer in record.get("answers") or ():
        if is_host_name(answer):
            resolved.append(add_object(objects, domain(answer)))
        elif isinstance(answer, str) and answer and (answer[-1].isdigit() or ":" in answer):
            resolved.append(add_object(objects, address(answer)))
    queried: SCO = domain(name)
    if resolved:
        queried = {**queried, "resolves_to_refs": resolved}
    add_object(objects, queried)


def _http(objects: dict[str, SCO], traffic: SCO | None, record: dict[str, Any]) -> None:
    host, path = record.get("host"), record.get("uri")
    if is_host_name(host):
        add_object(objects, domain(host))
    if isinstance(host, str) and host not in _UNSET and isinstance(path, str) and path:
        add_object(
            objects, {"type": "url", "value": url_value(host, path, record.get("id.resp_p"))}
        )
    if traffic is None:
        return
    headers = header_fields((
        ("Host", host), ("User-Agent", record.get("user_agent")),
        ("Referer", record.get("referrer")),
    ))  # fmt: skip
    version = record.get("version")
    request = http_request(
        record.get("method"), path, f"http/{version}" if version not in _UNSET else None, headers
    )
    if request is not None:
        traffic["extensions"] = {"http-request-ext": request}


def _ssl(objects: dict[str, SCO], record: dict[str, Any]) -> None:
    name = record.get("server_name")
    if is_host_name(name):
        add_object(objects, domain(name))
    certificate: SCO = {"type": "x509-certificate"}
    for prop in ("subject", "issuer"):
        value = record.get(prop)
        if isinstance(value, str) and value not in _UNSET:
            certificate[prop] = value
    chain = record.get("cert_chain_fps")
    if isinstance(chain, list) and chain and isinstance(chain[0], str):
        certificate["hashes"] = {"SHA-256": chain[0].lower()}
    if len(certificate) > 1:
        add_object(objects, certificate)


def _files(objects: dict[str, SCO], record: dict[str, Any]) -> None:
    size = record.get("total_bytes")
    found = file_object(
        record.get("filename"), size if size is not None else record.get("seen_bytes"),
        (("MD5", record.get("md5")), ("SHA-1", record.get("sha1")),
         ("SHA-256", record.get("sha256"))),
        record.get("mime_type"),
    )  # fmt: skip
    if found is not None:
        add_object(objects, found)


def zeek_event(record: dict[str, Any], file: str, line: int) -> LogEvent | None:
    """The cyber-observables of one Zeek JSON record, or None when it shows none.

    Raises KeyError, TypeError or ValueError on a record not shaped like a Zeek log.
    """
    first = _time(record["ts"])
    objects: dict[str, SCO] = {}
    traffic = _traffic(objects, record)
    if "query" in record:
        _dns(objects, record)
    if "method" in record or "uri" in record:
        _http(objects, traffic, record)
    if "server_name" in record or "cert_chain_fps" in record:
        _ssl(objects, record)
    if "fuid" in record and ("md5" in record or "sha1" in record or "sha256" in record
                             or "filename" in record):  # fmt: skip
        _files(objects, record)
    if not objects:
        return None
    duration = record.get("duration")
    last = first + round(duration * 1_000_000) if isinstance(duration, int | float) else first
    return LogEvent(objects, first, last, EventSource(file, line))
