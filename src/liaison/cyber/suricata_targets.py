"""Which STIX patterns become Suricata rules, and what each one looks for.

A pattern is exportable when it is a disjunction (comparison `OR`, or observation `OR` without
qualifiers) of plain equality (`=`) and `IN` tests of string values on these paths:

| path | target |
|---|---|
| `ipv4-addr:value`, `ipv6-addr:value` | `ip` (either direction) |
| `network-traffic:src_ref.value` / `dst_ref.value` | `ip-src` / `ip-dst` |
| `domain-name:value` | `domain` |
| `url:value` (http:// only) | `url` |
| `file:hashes.MD5` / `'SHA-1'` / `'SHA-256'` | `md5` / `sha1` / `sha256` |

Two conjunctions are exportable too, both common in MISP exports: `network-traffic:X_ref.type =
'ipv4-addr'` (or `ipv6-addr`) beside the `X_ref.value` test it qualifies, and `file:name = 'N'
AND file:hashes.H = 'V'` (one rule testing the file's name and hash). Anything else (other `AND`s,
`FOLLOWEDBY`, qualifiers, `NOT`, other operators or paths) needs state or logic that a set of
independent Suricata rules cannot express faithfully; `Unexportable` says why.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from liaison.stix.patterns import (
    Comparison,
    ComparisonExpression,
    Observation,
    ObservationExpression,
    ObservationOp,
    PathStep,
    PatternSyntaxError,
    parse_pattern,
)

IP_TARGETS = ("ip", "ip-src", "ip-dst")
HASH_TARGETS = ("md5", "sha1", "sha256")
_HASH_KEYS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256"}
_ADDRESS_PATHS: dict[tuple[str, tuple[PathStep, ...]], str] = {
    ("ipv4-addr", ("value",)): "ip",
    ("ipv6-addr", ("value",)): "ip",
    ("network-traffic", ("src_ref", "value")): "ip-src",
    ("network-traffic", ("dst_ref", "value")): "ip-dst",
}
_DOMAIN_RE = re.compile(
    r"(?=.{1,253}$)(?:(?!-)[a-z0-9_-]{1,63}(?<!-)\.)*(?!-)[a-z0-9_-]{1,63}(?<!-)"
)
_URL_PATH_RE = re.compile(r"[\x21-\x7e]*")
_REF_TYPES = {"ipv4-addr": 4, "ipv6-addr": 6}
_QUALIFIERS = {"Within": "WITHIN", "Repeats": "REPEATS", "StartStop": "START/STOP"}


class Unexportable(ValueError):
    """A pattern that has no faithful Suricata rule; the message says why."""


@dataclass(slots=True)
class Targets:
    """What an exportable pattern looks for: target name to its values, in pattern order."""

    values: dict[str, list[str]] = field(default_factory=dict)
    named_hashes: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, target: str, value: str) -> None:
        """Add one value (once) to a target."""
        found = self.values.setdefault(target, [])
        if value not in found:
            found.append(value)


def _address(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise Unexportable(f"'{value}' is not an IP address or CIDR") from None
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def _domain(value: str) -> str:
    name = value.lower().rstrip(".")
    if not _DOMAIN_RE.fullmatch(name):
        raise Unexportable(f"'{value}' is not an ASCII domain name")
    return name


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() != "http":
        raise Unexportable(
            f"'{value}' is not an http:// URL (Suricata sees no path of encrypted or other traffic)"
        )
    if not parts.hostname or not _DOMAIN_RE.fullmatch(parts.hostname.rstrip(".")):
        raise Unexportable(f"'{value}' has no ASCII host name")
    if not _URL_PATH_RE.fullmatch(parts.path + parts.query):
        raise Unexportable(f"'{value}' has spaces or non-ASCII characters in its path")
    return value


def _hash_target(comparison: Comparison) -> str | None:
    path = comparison.path
    if path.object_type != "file" or len(path.steps) != 2 or path.steps[0] != "hashes":
        return None
    key = path.steps[1]
    return _HASH_KEYS.get(key.upper().replace("-", "")) if isinstance(key, str) else None


def _target(comparison: Comparison) -> str:
    path = comparison.path
    key = (path.object_type, path.steps)
    if key in _ADDRESS_PATHS:
        return _ADDRESS_PATHS[key]
    if key == ("domain-name", ("value",)):
        return "domain"
    if key == ("url", ("value",)):
        return "url"
    target = _hash_target(comparison)
    if target is None:
        steps = ".".join(str(step) for step in path.steps)
        raise Unexportable(f"no Suricata rule for {path.object_type}:{steps}")
    return target


def _normalised(target: str, value: str) -> str:
    if target in IP_TARGETS:
        return _address(value)
    if target == "domain":
        return _domain(value)
    if target == "url":
        return _url(value)
    return value.lower()


def _comparison(comparison: Comparison, targets: Targets) -> None:
    if comparison.negated or comparison.operator not in ("=", "IN"):
        negation = "NOT " if comparison.negated else ""
        raise Unexportable(f"operator {negation}{comparison.operator} (only = and IN export)")
    target = _target(comparison)
    values = comparison.value if isinstance(comparison.value, tuple) else (comparison.value,)
    for value in values:
        if not isinstance(value, str):
            raise Unexportable(f"{target} compared with a non-string value")
        targets.add(target, _normalised(target, value))


def _conjuncts(expr: ComparisonExpression) -> list[Comparison]:
    if isinstance(expr, Comparison):
        return [expr]
    if expr.op == "AND":
        return _conjuncts(expr.left) + _conjuncts(expr.right)
    raise Unexportable("OR inside AND in an observation")


def _ref_version(comparison: Comparison) -> tuple[str, int] | None:
    """(ref, IP version) of a `network-traffic:X_ref.type = 'ipvN-addr'` test, else None."""
    steps = comparison.path.steps
    if (comparison.path.object_type, len(steps), comparison.operator, comparison.negated) != (
        "network-traffic", 2, "=", False,
    ) or steps[1] != "type" or steps[0] not in ("src_ref", "dst_ref"):  # fmt: skip
        return None
    version = _REF_TYPES.get(comparison.value) if isinstance(comparison.value, str) else None
    return None if version is None else (str(steps[0]), version)


def _traffic(ref: str) -> tuple[str, tuple[PathStep, ...]]:
    """The path key of `network-traffic:<ref>.value`."""
    return ("network-traffic", (ref, "value"))


def _plain(comparison: Comparison) -> str | None:
    """The value of a non-negated `=` test of a string, else None."""
    equal = comparison.operator == "=" and not comparison.negated
    return comparison.value if equal and isinstance(comparison.value, str) else None


def _conjunction(parts: list[Comparison], targets: Targets) -> None:
    """`X_ref.type` tests beside their `X_ref.value` test, or a file's name and one hash."""
    typed = {ref_version for c in parts if (ref_version := _ref_version(c)) is not None}
    rest = [c for c in parts if _ref_version(c) is None]
    for ref, version in typed:
        values = [c for c in rest if (c.path.object_type, c.path.steps) == _traffic(ref)]
        if not values:
            raise Unexportable(f"AND of network-traffic:{ref}.type without {ref}.value")
        sub = Targets()
        for comparison in values:
            _comparison(comparison, sub)
        addresses = sub.values[_ADDRESS_PATHS[_traffic(ref)]]
        if any(ipaddress.ip_network(value).version != version for value in addresses):
            raise Unexportable(f"network-traffic:{ref}.type contradicts its value")
    if len(rest) == 1:
        _comparison(rest[0], targets)
        return
    names = [c for c in rest if c.path.object_type == "file" and c.path.steps == ("name",)]
    hashes = [c for c in rest if _hash_target(c) is not None]
    if len(rest) == 2 and len(names) == len(hashes) == 1:
        name, digest, algorithm = _plain(names[0]), _plain(hashes[0]), _hash_target(hashes[0])
        if name is not None and digest is not None and algorithm is not None:
            targets.named_hashes.append((algorithm, name, digest.lower()))
            return
    raise Unexportable("AND inside an observation (all tests must hold in one object)")


def _comparisons(expr: ComparisonExpression, targets: Targets) -> None:
    if isinstance(expr, Comparison):
        _comparison(expr, targets)
    elif expr.op == "OR":
        _comparisons(expr.left, targets)
        _comparisons(expr.right, targets)
    else:
        _conjunction(_conjuncts(expr), targets)


def _observations(expr: ObservationExpression, targets: Targets) -> None:
    if isinstance(expr, Observation):
        _comparisons(expr.expr, targets)
    elif isinstance(expr, ObservationOp) and expr.op == "OR":
        _observations(expr.left, targets)
        _observations(expr.right, targets)
    elif isinstance(expr, ObservationOp):
        raise Unexportable(f"observation operator {expr.op} (needs state across events)")
    else:
        qualifier = _QUALIFIERS[type(expr).__name__]
        raise Unexportable(f"qualifier {qualifier} (needs state across events)")


def pattern_targets(pattern: str) -> Targets:
    """What `pattern` looks for, or Unexportable saying why it has no Suricata rule."""
    try:
        parsed = parse_pattern(pattern)
    except PatternSyntaxError as exc:
        raise Unexportable(f"pattern does not parse ({exc})") from None
    targets = Targets()
    _observations(parsed.expr, targets)
    return targets
