"""Seeded generator of pattern × event-sequence cases for checking the matcher against stix2-matcher.

Patterns come from a small grammar over a few SCO types (paths with references, list indices,
`[*]` and hash keys; every comparison operator, NOT, AND/OR inside brackets; observation AND,
OR, FOLLOWEDBY; WITHIN, REPEATS, START/STOP). Events draw their values from the same pools, so
about half the cases match. Synthetic documentation values only.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from liaison.cyber.events import EventSource, LogEvent

BASE = datetime(2026, 1, 1, tzinfo=UTC)

IPV4 = ["198.51.100.1", "198.51.100.7", "198.51.100.200", "203.0.113.5", "192.0.2.44"]
IPV4_BLOCKS = [
    "198.51.100.0/24",
    "198.51.100.0/25",
    "203.0.113.0/24",
    "192.0.2.0/28",
    "198.51.0.0/16",
]
IPV6 = ["2001:db8::1", "2001:db8:0:1::5", "2001:db8:ffff::9"]
IPV6_BLOCKS = ["2001:db8::/32", "2001:db8::/64", "2001:db8:0:1::/64"]
DOMAINS = [
    "example.com",
    "www.example.com",
    "c2.example.org",
    "mail.example.net",
    "cdn.example.org",
]
URLS = [
    "https://www.example.com/index.html",
    "http://c2.example.org/gate.php?id=7",
    "https://cdn.example.org/payload.bin",
    "http://mail.example.net/login",
]
NAMES = ["invoice.pdf", "setup.exe", "Report.docx", "payload.bin", "ünïcode.txt"]
HASHES = [f"{n:064x}" for n in (0xA1, 0xB2, 0xC3, 0xD4)]
MD5S = [f"{n:032x}" for n in (0x11, 0x22, 0x33)]
SUBJECTS = ["Invoice overdue", "Meeting notes", "Your parcel", "re: invoice"]
EMAILS = ["alice@example.com", "bob@example.org", "carol@example.net"]
PROTOCOLS = ["tcp", "udp", "http", "tls", "dns"]
ARGS = ["-enc", "powershell", "/c", "whoami", "-nop"]
PROCESS_NAMES = ["cmd.exe", "powershell.exe", "svchost.exe"]
PORTS = [22, 53, 80, 443, 8080]
SIZES = [0, 512, 1024, 4096, 65536]
STAMPS = [
    "2025-12-31T23:00:00Z",
    "2026-01-01T00:00:00Z",
    "2026-01-01T00:00:30.5Z",
    "2026-02-01T12:00:00Z",
]
PAYLOADS = [b"MZ\x90\x00", b"hello world", b"ABC\xff"]

STRING_OPS = ["=", "!=", "IN", "LIKE", "MATCHES", "<", ">", "<=", ">="]
NUMBER_OPS = ["=", "!=", "<", "<=", ">", ">=", "IN"]
ADDRESS_OPS = ["=", "!=", "IN", "ISSUBSET", "ISSUBSET", "ISSUPERSET", "LIKE", "MATCHES"]


def quote(text: str) -> str:
    """A STIX string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(frozen=True)
class Domain:
    """The values of one kind of property and the operators that make sense on them."""

    pool: list[Any]
    operators: list[str]


DOMAIN = {
    "ip4": Domain(IPV4, ADDRESS_OPS),
    "ip6": Domain(IPV6, ["=", "!=", "IN", "LIKE", "MATCHES"]),  # the oracle's CIDR is IPv4 only
    "domain": Domain(DOMAINS, STRING_OPS),
    "url": Domain(URLS, STRING_OPS),
    "name": Domain(NAMES, STRING_OPS),
    "hash": Domain(HASHES, ["=", "!="]),
    "md5": Domain(MD5S, ["=", "!="]),
    "subject": Domain(SUBJECTS, STRING_OPS),
    "email": Domain(EMAILS, STRING_OPS),
    "protocol": Domain(PROTOCOLS, ["=", "!=", "IN", "LIKE"]),
    "arg": Domain(ARGS, STRING_OPS),
    "pname": Domain(PROCESS_NAMES, STRING_OPS),
    "port": Domain(PORTS, NUMBER_OPS),
    "size": Domain(SIZES, NUMBER_OPS),
    "bool": Domain([True, False], ["=", "!="]),
    "stamp": Domain(STAMPS, ["=", "!=", "<", ">", ">=", "IN"]),
    "binary": Domain(PAYLOADS, ["=", "!=", "MATCHES", "<"]),
}

# (object type, path text, value domain)
PATHS: list[tuple[str, str, str]] = [
    ("ipv4-addr", "value", "ip4"),
    ("ipv6-addr", "value", "ip6"),
    ("domain-name", "value", "domain"),
    ("domain-name", "resolves_to_refs[*].value", "ip4"),
    ("domain-name", "resolves_to_refs[0].value", "ip4"),
    ("url", "value", "url"),
    ("file", "name", "name"),
    ("file", "size", "size"),
    ("file", "hashes.'SHA-256'", "hash"),
    ("file", "hashes.MD5", "md5"),
    ("file", "mtime", "stamp"),
    ("network-traffic", "src_ref.value", "ip4"),
    ("network-traffic", "dst_ref.value", "ip4"),
    ("network-traffic", "dst_port", "port"),
    ("network-traffic", "src_port", "port"),
    ("network-traffic", "protocols[*]", "protocol"),
    ("network-traffic", "protocols[0]", "protocol"),
    ("email-message", "subject", "subject"),
    ("email-message", "is_multipart", "bool"),
    ("email-message", "from_ref.value", "email"),
    ("email-message", "to_refs[*].value", "email"),
    ("process", "name", "pname"),
    ("process", "pid", "size"),
    ("process", "arguments[*]", "arg"),
    ("process", "arguments[1]", "arg"),
    ("artifact", "payload_bin", "binary"),
]
TYPES = sorted({object_type for object_type, _, _ in PATHS})


class Generator:
    """Draws cases from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.cidr_values = False

    # -- constants -------------------------------------------------------------------

    def literal(self, domain: str, value: Any) -> str:
        """A pattern literal for a domain value (sometimes of another type, to test typing)."""
        rng = self.rng
        if domain in ("port", "size"):
            return (
                rng.choice([str(value), f"{value}.0", quote(str(value))])
                if rng.random() < 0.2
                else str(value)
            )
        if domain == "bool":
            return "true" if value else "false"
        if domain == "stamp":
            return f"t'{value}'"
        if domain == "binary":
            if rng.random() < 0.5:
                return f"h'{value.hex()}'"
            return f"b'{base64.b64encode(value).decode()}'"
        return quote(str(value))

    def value(self, domain: str) -> Any:
        """A value of the domain, mostly from its pool."""
        rng = self.rng
        if domain == "ip4" and rng.random() < 0.3:
            return rng.choice(IPV4_BLOCKS)
        if domain == "ip6" and rng.random() < 0.3:
            return rng.choice(IPV6_BLOCKS)
        if domain in ("port", "size") and rng.random() < 0.3:
            return rng.randint(0, 70000)
        return rng.choice(DOMAIN[domain].pool)

    def like(self, text: str) -> str:
        """A LIKE operand derived from a value: part replaced by % or a character by _."""
        rng = self.rng
        if rng.random() < 0.15:
            return rng.choice(["%", "%.example.%", "%example%", "____", "%.exe"])
        if len(text) < 3:
            return text + "%"
        cut = rng.randint(1, len(text) - 1)
        choice = rng.randint(0, 3)
        if choice == 0:
            return text[:cut] + "%"
        if choice == 1:
            return "%" + text[cut:]
        if choice == 2:
            return text[:cut] + "_" + text[cut + 1 :]
        return "%" + text[cut : cut + 3] + "%"

    def regex(self, text: str) -> str:
        """A MATCHES operand derived from a value."""
        rng = self.rng
        pool = [
            "^" + _escape(text[: rng.randint(1, max(1, len(text)))]),
            _escape(text[len(text) // 2 :]) + "$",
            "example\\.(com|org)",
            "[0-9]+",
            "^(www|cdn)\\.",
            "\\.exe$",
            "invoice",
            "(?i)INVOICE",
            "a+b?c*",
            ".*",
            "^198\\.51\\.100\\.[0-9]{1,3}$",
            _escape(text),
        ]
        return rng.choice(pool)

    def comparison(self, object_type: str) -> str:
        """One comparison on a random path of `object_type`."""
        rng = self.rng
        _, path, domain = rng.choice([p for p in PATHS if p[0] == object_type])
        op = rng.choice(DOMAIN[domain].operators)
        negated = "NOT " if rng.random() < 0.15 else ""
        value = self.value(domain)
        if op == "IN":
            members = {self.literal(domain, self.value(domain)) for _ in range(rng.randint(1, 3))}
            if domain in ("port", "size"):
                members = {str(int(float(m.strip("'")))) for m in members}
            operand = "(" + ", ".join(sorted(members)) + ")"
        elif op == "LIKE":
            operand = quote(self.like(str(value)))
        elif op == "MATCHES":
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            operand = quote(self.regex(text))
        elif op == "ISSUBSET":
            operand = quote(rng.choice(IPV4_BLOCKS if domain == "ip4" else IPV6_BLOCKS))
        elif op == "ISSUPERSET":
            self.cidr_values = True
            pool = IPV4 + IPV4_BLOCKS if domain == "ip4" else IPV6 + IPV6_BLOCKS
            operand = quote(rng.choice(pool))
        else:
            operand = self.literal(domain, value)
        return f"{object_type}:{path} {negated}{op} {operand}"

    def comparison_expression(self, depth: int = 0) -> tuple[str, set[str]]:
        """A bracket's content: 1-3 comparisons with AND / OR, mostly on one type."""
        rng = self.rng
        object_type = rng.choice(TYPES)
        types = {object_type}
        if rng.random() < 0.07:
            # stix2-matcher has no EXISTS of its own: it answers a lone, positive one right and
            # fails on the rest, so only that form is compared (the others: test_matcher.py).
            _, path, _ = rng.choice([p for p in PATHS if p[0] == object_type])
            return f"EXISTS {object_type}:{path}", types
        text = self.comparison(object_type)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            other = object_type if rng.random() < 0.85 else rng.choice(TYPES)
            types.add(other)
            op = rng.choice(["AND", "OR"])
            right = self.comparison(other)
            text = f"({text}) {op} {right}" if rng.random() < 0.3 else f"{text} {op} {right}"
        return text, types

    def observation_expression(self, depth: int, types: set[str]) -> str:
        """A pattern body: observations joined by AND / OR / FOLLOWEDBY, with qualifiers."""
        rng = self.rng
        compound = depth < 2 and rng.random() >= 0.45
        if compound:
            op = rng.choice(["AND", "OR", "FOLLOWEDBY"])
            left = self.observation_expression(depth + 1, types)
            right = self.observation_expression(depth + 1, types)
            text = f"({left} {op} {right})"
        else:
            inner, seen = self.comparison_expression()
            types |= seen
            text = f"[{inner}]"
        roll = rng.random()
        if roll < (0.3 if compound else 0.08):  # WITHIN tests something only over several events
            text = f"{text} WITHIN {rng.choice([1, 2, 4, 8, 30])} SECONDS"
        elif roll < 0.42:
            text = f"{text} REPEATS {rng.choice([1, 2, 3])} TIMES"
        elif roll < 0.5:
            start = BASE + timedelta(seconds=rng.choice([-10, 0, 4, 9]))
            stop = start + timedelta(seconds=rng.choice([1, 5, 12, 60]))
            text = f"{text} START t'{_stamp(start)}' STOP t'{_stamp(stop)}'"
        return text

    # -- events ------------------------------------------------------------------------

    def objects(self, wanted: set[str]) -> dict[str, dict[str, Any]]:
        """One event's objects: mostly the types the pattern tests, sometimes others."""
        rng = self.rng
        objects: dict[str, dict[str, Any]] = {}
        chosen = [t for t in wanted if rng.random() < 0.85] or [rng.choice(TYPES)]
        if rng.random() < 0.3:
            chosen.append(rng.choice(TYPES))
        for object_type in chosen:
            for _ in range(rng.choice([1, 1, 1, 2])):
                BUILDERS[object_type](self, objects)
        return objects

    def add(self, objects: dict[str, dict[str, Any]], obj: dict[str, Any]) -> str:
        key = str(len(objects))
        objects[key] = obj
        return key

    def ip4(self, objects: dict[str, dict[str, Any]]) -> str:
        pool = IPV4_BLOCKS if self.cidr_values else IPV4 + IPV4[:2] + IPV4_BLOCKS[:1]
        return self.add(objects, {"type": "ipv4-addr", "value": self.rng.choice(pool)})

    def maybe(self, obj: dict[str, Any], name: str, make: Callable[[], Any]) -> None:
        if self.rng.random() < 0.85:
            obj[name] = make()

    def events(self, wanted: set[str]) -> list[LogEvent]:
        """1-4 events in first_observed order."""
        rng = self.rng
        events = []
        moment = BASE + timedelta(seconds=rng.choice([-5, 0, 3]))
        for line in range(1, rng.randint(1, 4) + 1):
            fraction = 250_000 if rng.random() < 0.15 else 0  # mostly whole seconds: exact ties
            moment += timedelta(seconds=rng.choice([0, 1, 2, 4, 8]), microseconds=fraction)
            first = _micros(moment)
            last = first + rng.choice([0, 0, 1, 3]) * 1_000_000
            count = rng.choice([1, 1, 1, 2, 3])
            events.append(
                LogEvent(self.objects(wanted), first, last, EventSource("case", line), count)
            )
        return events

    def pattern(self) -> tuple[str, set[str]]:
        """One pattern and the object types it tests (events should mostly show those)."""
        self.cidr_values = False
        types: set[str] = set()
        return self.observation_expression(0, types), types


def _escape(text: str) -> str:
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in text)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _network_traffic(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
    rng = gen.rng
    obj: dict[str, Any] = {"type": "network-traffic", "src_ref": gen.ip4(objects)}
    if rng.random() < 0.9:
        obj["dst_ref"] = gen.ip4(objects)
    gen.maybe(obj, "dst_port", lambda: rng.choice(PORTS))
    gen.maybe(obj, "src_port", lambda: rng.randint(1024, 65535))
    gen.maybe(obj, "protocols", lambda: rng.sample(PROTOCOLS, rng.randint(1, 3)))
    gen.add(objects, obj)


def _domain(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
    rng = gen.rng
    obj: dict[str, Any] = {"type": "domain-name", "value": rng.choice(DOMAINS)}
    if rng.random() < 0.6:
        obj["resolves_to_refs"] = [gen.ip4(objects) for _ in range(rng.randint(1, 2))]
    gen.add(objects, obj)


def _file(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
    rng = gen.rng
    obj: dict[str, Any] = {"type": "file"}
    gen.maybe(obj, "name", lambda: rng.choice(NAMES))
    gen.maybe(obj, "size", lambda: rng.choice(SIZES))
    hashes = {}
    if rng.random() < 0.8:
        hashes["SHA-256"] = rng.choice(HASHES)
    if rng.random() < 0.4:
        hashes["MD5"] = rng.choice(MD5S)
    if hashes:
        obj["hashes"] = hashes
    gen.maybe(obj, "mtime", lambda: rng.choice(STAMPS))
    gen.add(objects, obj)


def _email(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
    rng = gen.rng
    obj: dict[str, Any] = {"type": "email-message", "is_multipart": rng.random() < 0.5}
    gen.maybe(obj, "subject", lambda: rng.choice(SUBJECTS))
    if rng.random() < 0.8:
        obj["from_ref"] = gen.add(objects, {"type": "email-addr", "value": rng.choice(EMAILS)})
    if rng.random() < 0.7:
        obj["to_refs"] = [
            gen.add(objects, {"type": "email-addr", "value": rng.choice(EMAILS)})
            for _ in range(rng.randint(1, 2))
        ]
    gen.add(objects, obj)


def _process(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
    rng = gen.rng
    obj: dict[str, Any] = {"type": "process"}
    gen.maybe(obj, "pid", lambda: rng.choice(SIZES))
    gen.maybe(obj, "name", lambda: rng.choice(PROCESS_NAMES))
    gen.maybe(obj, "arguments", lambda: rng.sample(ARGS, rng.randint(1, 3)))
    gen.add(objects, obj)


def _simple(
    object_type: str, pool: list[str]
) -> Callable[[Generator, dict[str, dict[str, Any]]], None]:
    def build(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
        gen.add(objects, {"type": object_type, "value": gen.rng.choice(pool)})

    return build


def _address(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
    gen.ip4(objects)


def _artifact(gen: Generator, objects: dict[str, dict[str, Any]]) -> None:
    payload = gen.rng.choice(PAYLOADS)
    gen.add(objects, {"type": "artifact", "payload_bin": base64.b64encode(payload).decode()})


BUILDERS: dict[str, Callable[[Generator, dict[str, dict[str, Any]]], None]] = {
    "network-traffic": _network_traffic,
    "domain-name": _domain,
    "file": _file,
    "email-message": _email,
    "process": _process,
    "ipv4-addr": _address,
    "ipv6-addr": _simple("ipv6-addr", IPV6 + IPV6_BLOCKS[:1]),
    "url": _simple("url", URLS),
    "artifact": _artifact,
}
