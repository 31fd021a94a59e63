"""Suricata `eve.json` records as STIX cyber-observables (docs/cyber.md has the mapping table).

Every record with an address pair gives `0` (source address), `1` (destination address) and `2`
(the network-traffic between them); the `flow`, `dns`, `http`, `tls` and `fileinfo` sections add
their objects after those. An event of one of those types carries its own section only; any other
type (`alert`, `anomaly`, …) may carry several, and each one present is mapped. Records without
an address or a mapped section (`stats`, …) give no event.

This is the hot path of `liaison match`, so it reads fields with plain `dict.get` and builds each
dictionary once, in one expression where it can (bench/readers.py measures it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from liaison.cyber.events import EventSource, LogEvent
from liaison.cyber.readers.scos import (
    SCO,
    add_object,
    address,
    domain,
    is_host_name,
    protocols,
    url_value,
)
from liaison.cyber.readers.times import iso_micros, stix_timestamp

_ADDRESS_TYPES = frozenset({"A", "AAAA"})
_UNSET = (None, "", "-")
_protocol_lists: dict[tuple[bool, object, object], list[str]] = {}
"""`protocols` lists by (IPv6 or not, proto, app_proto), shared by the events that have them."""


def _traffic(record: dict[str, Any], source: str) -> dict[str, SCO]:
    """`0` and `1`, the addresses, and `2`, the network-traffic between them."""
    target = record["dest_ip"]
    protocol, application = record.get("proto"), record.get("app_proto")
    key = (":" in source, protocol, application)
    listed = _protocol_lists.get(key)
    if listed is None:
        listed = protocols(source, protocol, application)
        if len(_protocol_lists) < 1024:
            _protocol_lists[key] = listed
    traffic: SCO = {"type": "network-traffic", "src_ref": "0", "dst_ref": "1", "protocols": listed}
    port = record.get("src_port")
    if type(port) is int:
        traffic["src_port"] = port
    port = record.get("dest_port")
    if type(port) is int:
        traffic["dst_port"] = port
    return {
        "0": {"type": "ipv6-addr" if ":" in source else "ipv4-addr", "value": source},
        "1": {"type": "ipv6-addr" if ":" in target else "ipv4-addr", "value": target},
        "2": traffic,
    }


def _flow(objects: dict[str, SCO], flow: dict[str, Any], record: dict[str, Any]) -> None:
    """Byte and packet counts of the flow, on its network-traffic."""
    traffic = objects.get("2")
    if traffic is None:
        return
    value = flow.get("bytes_toserver")
    if type(value) is int:
        traffic["src_byte_count"] = value
    value = flow.get("bytes_toclient")
    if type(value) is int:
        traffic["dst_byte_count"] = value
    value = flow.get("pkts_toserver")
    if type(value) is int:
        traffic["src_packets"] = value
    value = flow.get("pkts_toclient")
    if type(value) is int:
        traffic["dst_packets"] = value


def _dns(objects: dict[str, SCO], dns: dict[str, Any], record: dict[str, Any]) -> None:
    """The queried name, and what the answers resolve it to (A, AAAA and CNAME records)."""
    name = dns.get("rrname")
    if name is None:
        queries = dns.get("queries")
        name = queries[0].get("rrname") if queries else None
    if not is_host_name(name):
        return
    queried: SCO = domain(name)
    resolved = []
    for answer in dns.get("answers") or ():
        rrtype, rdata = answer.get("rrtype"), answer.get("rdata")
        if rrtype in _ADDRESS_TYPES and isinstance(rdata, str):
            resolved.append(add_object(objects, address(rdata)))
        elif rrtype == "CNAME" and is_host_name(rdata):
            resolved.append(add_object(objects, domain(rdata)))
    grouped = dns.get("grouped")
    if grouped:
        for rdata in (*grouped.get("A", ()), *grouped.get("AAAA", ())):
            resolved.append(add_object(objects, address(rdata)))
    if resolved:
        queried["resolves_to_refs"] = resolved
    add_object(objects, queried)


def _request(http: dict[str, Any], host: object, path: str) -> dict[str, Any] | None:
    """The `http-request-ext` of the request: method, target, version and headers."""
    method = http.get("http_method")
    if not (isinstance(method, str) and method):
        return None
    request: dict[str, Any] = {"request_method": method.lower(), "request_value": path}
    version = http.get("protocol")
    if isinstance(version, str) and version:
        request["request_version"] = version.lower()
    headers = {}
    for name, value in (
        ("Host", host), ("User-Agent", http.get("http_user_agent")),
        ("Referer", http.get("http_refer")), ("Content-Type", http.get("http_content_type")),
    ):  # fmt: skip
        if value not in _UNSET and isinstance(value, str):
            headers[name] = value
    if headers:
        request["request_header"] = headers
    return request


def _http(objects: dict[str, SCO], http: dict[str, Any], record: dict[str, Any]) -> None:
    """The host as a domain, the URL, and the request on the network-traffic."""
    host, path = http.get("hostname"), http.get("url")
    if is_host_name(host):
        add_object(objects, domain(host))
    if not (isinstance(path, str) and path):
        return
    if isinstance(host, str) and host:
        url = url_value(host, path, record.get("dest_port"))
        add_object(objects, {"type": "url", "value": url})
    traffic = objects.get("2")
    request = _request(http, host, path) if traffic is not None else None
    if traffic is not None and request is not None:
        traffic["extensions"] = {"http-request-ext": request}


def _tls(objects: dict[str, SCO], tls: dict[str, Any], record: dict[str, Any]) -> None:
    """The SNI as a domain, and the server certificate."""
    sni = tls.get("sni")
    if is_host_name(sni):
        add_object(objects, domain(sni))
    certificate: SCO = {"type": "x509-certificate"}
    fingerprint = tls.get("fingerprint")
    if isinstance(fingerprint, str) and fingerprint:
        certificate["hashes"] = {"SHA-1": fingerprint.replace(":", "").lower()}
    for field, prop in (
        ("subject", "subject"),
        ("issuerdn", "issuer"),
        ("serial", "serial_number"),
    ):
        value = tls.get(field)
        if isinstance(value, str) and value:
            certificate[prop] = value
    if len(certificate) == 1:
        return
    for field, prop in (("notbefore", "validity_not_before"), ("notafter", "validity_not_after")):
        value = tls.get(field)
        stamp = stix_timestamp(value) if isinstance(value, str) else None
        if stamp is not None:
            certificate[prop] = stamp
    add_object(objects, certificate)


def _fileinfo(objects: dict[str, SCO], info: dict[str, Any], record: dict[str, Any]) -> None:
    """The transferred file: name (last path segment), size, and the hashes Suricata computed."""
    hashes = {}
    for field, algorithm in (("md5", "MD5"), ("sha1", "SHA-1"), ("sha256", "SHA-256")):
        value = info.get(field)
        if value and isinstance(value, str):
            hashes[algorithm] = value.lower()
    found: SCO = {"type": "file", "hashes": hashes} if hashes else {"type": "file"}
    name = info.get("filename")
    if isinstance(name, str) and name:
        found["name"] = name.rpartition("/")[2] or name
    elif not hashes:
        return
    size = info.get("size")
    if type(size) is int and size >= 0:
        found["size"] = size
    add_object(objects, found)


Section = Callable[[dict[str, SCO], dict[str, Any], dict[str, Any]], None]
_MAPPERS: dict[str, Section] = {
    "flow": _flow, "dns": _dns, "http": _http, "tls": _tls, "fileinfo": _fileinfo,
}  # fmt: skip
_OWN_SECTION = frozenset({"flow", "dns", "http", "tls"})
"""Event types that carry their own section and no other."""


def suricata_event(record: dict[str, Any], file: str, line: int) -> LogEvent | None:
    """The cyber-observables of one eve.json record, or None when it shows none.

    Raises KeyError, TypeError or ValueError on a record that is not shaped like eve.json.
    """
    stamp = record["timestamp"]
    time = first = iso_micros(stamp)
    source = record.get("src_ip")
    objects = _traffic(record, source) if source is not None else {}
    kind = record.get("event_type")
    if kind in _OWN_SECTION:
        section = record.get(kind)
        if section is not None:
            _MAPPERS[kind](objects, section, record)
    else:
        for name, mapper in _MAPPERS.items():
            section = record.get(name)
            if section is not None:
                mapper(objects, section, record)
    if kind == "flow":
        flow = record.get("flow")
        start = flow.get("start") if flow else None
        if isinstance(start, str) and start != stamp:
            first = min(iso_micros(start), time)
    if not objects:
        return None
    return LogEvent(objects, first, time, EventSource(file, line))
