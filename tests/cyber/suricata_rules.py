"""A strict parser of the Suricata rules liaison writes, to check their syntax in tests.

It accepts exactly the subset the exporter may produce: `alert` rules over ip/dns/tls/http with
address lists, and the options listed in `OPTIONS`, each terminated by `;`, with quoted strings
whose escapes and |hex| runs are well formed. Anything else fails with the reason.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

RULE_RE = re.compile(
    r"alert (?P<proto>ip|dns|tls|http) (?P<src>\S+) (?P<sport>any) (?P<dir>->|<>) "
    r"(?P<dst>\S+) (?P<dport>any) \((?P<body>.*)\)"
)
OPTION_RE = re.compile(r'(?P<key>[a-z0-9_.]+)(?::(?P<value>"(?:[^"\\;]|\\["\\;])*"|[^";]+))?; ?')
CONTENT_RE = re.compile(r'"(?:[\x20-\x7e](?<![";\\|])|\|(?:[0-9A-F]{2} ?)+\|)*"')
OPTIONS = {
    "msg", "content", "nocase", "startswith", "endswith", "dns.query", "tls.sni", "http.host",
    "http.uri.raw", "file.name", "filemd5", "filesha1", "filesha256", "metadata", "sid", "rev",
}  # fmt: skip


@dataclass(frozen=True)
class ParsedRule:
    """A rule split into its header fields and (keyword, value) options in order."""

    proto: str
    src: str
    direction: str
    dst: str
    options: list[tuple[str, str | None]]

    def value(self, key: str) -> str | None:
        """The value of the first option named `key`."""
        return next(value for name, value in self.options if name == key)

    def values(self, key: str) -> list[str | None]:
        """The values of every option named `key`."""
        return [value for name, value in self.options if name == key]


def _addresses(spec: str) -> None:
    if spec == "any":
        return
    assert spec.startswith("[") and spec.endswith("]"), spec
    for item in spec[1:-1].split(","):
        ipaddress.ip_network(item)


def parse_rule(line: str) -> ParsedRule:
    """Parse one rule line, failing on anything outside the exporter's subset."""
    match = RULE_RE.fullmatch(line)
    assert match is not None, f"not a rule: {line}"
    _addresses(match["src"])
    _addresses(match["dst"])
    body, position, options = match["body"], 0, []
    while position < len(body):
        option = OPTION_RE.match(body, position)
        assert option is not None, f"bad option at {body[position:]!r}"
        assert option["key"] in OPTIONS, option["key"]
        options.append((option["key"], option["value"]))
        position = option.end()
    keys = [key for key, _ in options]
    assert keys[0] == "msg" and keys[-2:] == ["sid", "rev"], keys
    for key, value in options:
        if key == "content":
            assert value is not None and CONTENT_RE.fullmatch(value), value
    sid = options[-2][1]
    assert sid is not None and sid.isdigit()
    return ParsedRule(match["proto"], match["src"], match["dir"], match["dst"], options)
