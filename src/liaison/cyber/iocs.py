"""One indicator of compromise, a kind and a value, as a STIX 2.1 pattern with a stable id.

Flat IOC lists (CSV exports of task forces, feeds) name a kind (`ipv4`, `domain`, `sha256`, …) and
a value. `parse_ioc` checks the value and normalises it (lower-case hex and domains, compressed
IPv6, canonical CIDR), so that the same IOC written two ways is one indicator: its id is a UUIDv5
of the kind and the normalised value under `IOC_NAMESPACE`. The pattern quotes the value as a STIX
string literal (`'` and `\\` escaped).
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

# Fixed for good: the ids of every indicator imported from an IOC list derive from it.
IOC_NAMESPACE = uuid.UUID("6f1c3e2a-8d4b-5a7e-9c10-2b3d4e5f6a71")

_PATHS = {
    "ipv4": "ipv4-addr:value",
    "ipv6": "ipv6-addr:value",
    "domain": "domain-name:value",
    "url": "url:value",
    "email": "email-addr:value",
    "md5": "file:hashes.MD5",
    "sha1": "file:hashes.'SHA-1'",
    "sha256": "file:hashes.'SHA-256'",
    "filename": "file:name",
}
IOC_TYPES = tuple(_PATHS)
_HASH_DIGITS = {"md5": 32, "sha1": 40, "sha256": 64}
_HEX_RE = re.compile(r"[0-9a-f]+")
_LABEL_RE = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL_RE = re.compile(r"([^@\s]+)@([^@\s]+)")


@dataclass(frozen=True, slots=True)
class Ioc:
    """A checked IOC: its kind (one of `IOC_TYPES`) and normalised value."""

    kind: str
    value: str

    @property
    def pattern(self) -> str:
        """The STIX pattern that matches exactly this IOC."""
        return f"[{_PATHS[self.kind]} = {stix_string(self.value)}]"

    @property
    def indicator_id(self) -> str:
        """The indicator id every import of this IOC gets, so re-imports are idempotent."""
        return f"indicator--{uuid.uuid5(IOC_NAMESPACE, f'{self.kind}:{self.value}')}"


def stix_string(value: str) -> str:
    """`value` as a STIX pattern string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _address(kind: str, value: str) -> str:
    version = 4 if kind == "ipv4" else 6
    label = f"IPv{version}"
    try:
        if "/" in value:
            network = ipaddress.ip_network(value, strict=True)
            text = str(network)
        else:
            network = ipaddress.ip_network(value)
            text = str(network.network_address)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not an {label} address or CIDR ({exc})") from None
    if network.version != version:
        raise ValueError(f"'{value}' is an IPv{network.version} address, not {label}")
    return text


def _domain(value: str) -> str:
    try:
        name = value.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"'{value}' is not a domain name") from None
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise ValueError(f"'{value}' is not a domain name")
    return name


def _url(value: str) -> str:
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc or " " in value:
        raise ValueError(f"'{value}' is not an absolute URL (scheme://host/…)")
    return value


def _email(value: str) -> str:
    match = _EMAIL_RE.fullmatch(value)
    if match is None:
        raise ValueError(f"'{value}' is not an email address")
    return f"{match[1]}@{_domain(match[2])}"


def _hash(kind: str, value: str) -> str:
    digits = value.lower()
    if len(digits) != _HASH_DIGITS[kind] or not _HEX_RE.fullmatch(digits):
        raise ValueError(f"'{value}' is not an {kind.upper()} ({_HASH_DIGITS[kind]} hex digits)")
    return digits


def _filename(value: str) -> str:
    if "/" in value or "\\" in value:
        raise ValueError(f"'{value}' is a path, not a file name")
    return value


def parse_ioc(kind: str, value: str) -> Ioc:
    """The checked, normalised IOC; ValueError naming the problem when the value does not fit."""
    kind = kind.strip().lower()
    if kind not in _PATHS:
        raise ValueError(f"unknown IOC type '{kind}' (use {', '.join(IOC_TYPES)})")
    value = value.strip()
    if not value:
        raise ValueError("empty value")
    if _CONTROL_RE.search(value):
        raise ValueError("value contains control characters")
    if kind in ("ipv4", "ipv6"):
        value = _address(kind, value)
    elif kind == "domain":
        value = _domain(value)
    elif kind == "url":
        value = _url(value)
    elif kind == "email":
        value = _email(value)
    elif kind in _HASH_DIGITS:
        value = _hash(kind, value)
    else:
        value = _filename(value)
    return Ioc(kind, value)
