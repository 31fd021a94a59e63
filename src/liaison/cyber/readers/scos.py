"""Building blocks shared by the log readers: STIX cyber-observable dictionaries and object keys.

What a reader builds is read-only by contract (`LogEvent.objects` is a `Mapping`), so objects
that repeat, such as `network-traffic` `protocols` lists, may be shared between events.
"""

from __future__ import annotations

from typing import Any, TypeGuard

KEYS = tuple(str(index) for index in range(64))
"""Object keys of an observed-data's `objects`: `KEYS[n]` is `str(n)` without the call."""
SCO = dict[str, Any]


def add_object(objects: dict[str, SCO], obj: SCO) -> str:
    """Add `obj` under the next free key of `objects`; return the key."""
    count = len(objects)
    key = KEYS[count] if count < len(KEYS) else str(count)
    objects[key] = obj
    return key


def address(value: str) -> dict[str, str]:
    """The `ipv4-addr` or `ipv6-addr` object of an address (IPv6 when it holds a colon)."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"'{value}' is not an IP address")
    return {"type": "ipv6-addr" if ":" in value else "ipv4-addr", "value": value}


def is_host_name(value: object) -> TypeGuard[str]:
    """Whether a host field names a domain (not an IP literal, not empty): a domain's last label
    is never all digits, and only IPv6 literals hold a colon."""
    return (
        isinstance(value, str)
        and bool(value)
        and value != "-"
        and not value[-1].isdigit()
        and ":" not in value
        and value[-1] != "]"
    )


def domain(value: str) -> dict[str, str]:
    """The `domain-name` object of a host name (lower-cased, trailing dot dropped)."""
    return {"type": "domain-name", "value": value.rstrip(".").lower()}


def protocols(address_value: str, transport: object, application: object) -> list[str]:
    """`network-traffic.protocols`, outermost first: `ipv4`/`ipv6`, then the transport (`tcp`),
    then the application protocol when the sensor named one (`http`)."""
    found = ["ipv6" if ":" in address_value else "ipv4"]
    if isinstance(transport, str) and transport:
        found.append(transport.lower())
    if isinstance(application, str) and application not in ("", "-", "failed", "unknown"):
        found.extend(part.lower() for part in application.split(","))
    return found


def url_value(host: str, path: str, port: object, scheme: str = "http") -> str:
    """The URL an HTTP request asked for: `path` itself when absolute (a proxy request), else
    scheme, host, the port unless it is the scheme's default, and the path."""
    if "://" in path[:12]:
        return path
    default = 443 if scheme == "https" else 80
    netloc = host if port in (None, default) or not isinstance(port, int) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"


def http_request(
    method: object, target: object, version: object, headers: dict[str, str]
) -> dict[str, Any] | None:
    """The `http-request-ext` of a network-traffic object, or None without method and target."""
    if not (isinstance(method, str) and method and isinstance(target, str) and target):
        return None
    request: dict[str, Any] = {"request_method": method.lower(), "request_value": target}
    if isinstance(version, str) and version and version != "-":
        request["request_version"] = version.lower()
    if headers:
        request["request_header"] = headers
    return request


def header_fields(pairs: tuple[tuple[str, object], ...]) -> dict[str, str]:
    """HTTP headers from (name, value) pairs, leaving out the values a log left empty."""
    return {
        name: value for name, value in pairs if isinstance(value, str) and value not in ("", "-")
    }


def file_object(
    name: object, size: object, hashes: tuple[tuple[str, object], ...], mime_type: object = None
) -> dict[str, Any] | None:
    """A `file` object from a name (its last path segment), size, hashes and MIME type; None when
    there is neither a name nor a hash."""
    found: dict[str, Any] = {"type": "file"}
    digests = {
        algorithm: value.lower()
        for algorithm, value in hashes
        if isinstance(value, str) and value not in ("", "-")
    }
    if digests:
        found["hashes"] = digests
    if isinstance(name, str) and name not in ("", "-"):
        found["name"] = name.rpartition("/")[2] or name
    if len(found) == 1:
        return None
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        found["size"] = size
    if isinstance(mime_type, str) and "/" in mime_type:
        found["mime_type"] = mime_type
    return found
