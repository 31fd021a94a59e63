"""Suricata rules for STIX indicators whose patterns test addresses, domains, URLs or file hashes.

Each exportable indicator (see `suricata_targets`) gets a block of `SID_BLOCK` consecutive sids
starting at `SID_FIRST + slot * SID_BLOCK`, where the slot is the first 64 bits of the SHA-256 of
its id modulo `SID_SLOTS`: sids 1,000,000,000 to 1,999,999,999, the same for an indicator in every
export. Two indicators whose ids fall in the same slot are rare (about 50 pairs among 100,000
indicators, one in 200 exports of 1,000); the one later in id order then takes the next free slot.
An indicator's rules are numbered within its block in a fixed order (addresses, then each domain,
URL and hash algorithm); one that needs more than `SID_BLOCK` rules is skipped.

One rule per target: an address list (`ip` either way, source or destination); for a domain, exact
matches of `dns.query`, `tls.sni` and `http.host`; for an http:// URL, `http.host` and the raw
request URI (`http.uri.raw`); for file hashes, `filemd5`/`filesha1`/`filesha256` with the hashes in
a list file named `<hash_dir>/<sid>.<algorithm>` (no `file.data` inspection: Suricata hashes the
files it extracts). `msg` carries the indicator's name, `metadata` its id.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from liaison.cyber.suricata_targets import HASH_TARGETS, Targets, Unexportable, pattern_targets

SID_FIRST = 1_000_000_000
SID_BLOCK = 10
SID_SLOTS = 100_000_000
_SAFE = frozenset(string.ascii_letters + string.digits + " !#$%&'()*+,-./:<=>?@[]^_`{}~")
_EXACT = ("startswith", "endswith")
_ADDRESS_HEADERS = {
    "ip": "ip any any <> {} any",
    "ip-src": "ip {} any -> any any",
    "ip-dst": "ip any any -> {} any",
}
_DOMAIN_BUFFERS = (
    ("dns", "dns.query", True),
    ("tls", "tls.sni", True),
    ("http", "http.host", False),
)


@dataclass(frozen=True, slots=True)
class HashList:
    """A hash list file a rule names: its path relative to the rules and its hashes."""

    name: str
    hashes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """One Suricata rule of an indicator, with the hash list it reads, if any."""

    sid: int
    indicator_id: str
    text: str
    hash_list: HashList | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An indicator left out of the export and why."""

    indicator_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of an export, the indicators they cover and those skipped."""

    rules: list[Rule]
    indicators: int
    skipped: list[Skipped]


@dataclass(frozen=True, slots=True)
class _Draft:
    """A rule before it has a sid: header, options and, for hashes, the algorithm and values."""

    header: str
    options: tuple[str, ...]
    label: str
    algorithm: str | None = None
    hashes: tuple[str, ...] = ()


def content(text: str) -> str:
    """`text` as a quoted Suricata content string; unsafe bytes written as |hex|."""
    parts = [chr(byte) if chr(byte) in _SAFE else f"|{byte:02X}|" for byte in text.encode()]
    return '"' + "".join(parts) + '"'


def message(text: str) -> str:
    """`text` as a quoted Suricata msg: ASCII, one line, `\\`, `"` and `;` escaped."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    clean = clean.encode("ascii", "replace").decode("ascii")[:200]
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"').replace(";", "\\;") + '"'


def _drafts(targets: Targets) -> list[_Draft]:
    drafts = []
    for target, header in _ADDRESS_HEADERS.items():
        if target in targets.values:
            addresses = "[" + ",".join(targets.values[target]) + "]"
            drafts.append(_Draft(header.format(addresses), (), target))
    for domain in targets.values.get("domain", []):
        for proto, buffer, nocase in _DOMAIN_BUFFERS:
            options = (buffer, f"content:{content(domain)}", *(("nocase",) if nocase else ()))
            drafts.append(_Draft(f"{proto} any any -> any any", options + _EXACT, buffer))
    for url in targets.values.get("url", []):
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        options = (
            "http.host", f"content:{content((parts.hostname or '').rstrip('.'))}", *_EXACT,
            "http.uri.raw", f"content:{content(target)}", *_EXACT,
        )  # fmt: skip
        drafts.append(_Draft("http any any -> any any", options, "url"))
    for algorithm in HASH_TARGETS:
        if algorithm in targets.values:
            values = tuple(targets.values[algorithm])
            drafts.append(
                _Draft("ip any any -> any any", (), f"file{algorithm}", algorithm, values)
            )
    for algorithm, name, digest in targets.named_hashes:
        options = ("file.name", f"content:{content(name)}", *_EXACT)
        label = f"file.name and file{algorithm}"
        drafts.append(_Draft("ip any any -> any any", options, label, algorithm, (digest,)))
    return drafts


def _rule(indicator: Mapping[str, object], draft: _Draft, sid: int, hash_dir: str) -> Rule:
    options = list(draft.options)
    hash_list = None
    if draft.algorithm is not None:
        hash_list = HashList(f"{hash_dir}/{sid}.{draft.algorithm}", draft.hashes)
        options.append(f"file{draft.algorithm}:{hash_list.name}")
    name = str(indicator.get("name") or indicator["id"])
    text = (
        f"alert {draft.header} (msg:{message(f'liaison {name} ({draft.label})')}; "
        + "".join(f"{option}; " for option in options)
        + f"metadata:liaison_indicator {indicator['id']}; sid:{sid}; rev:1;)"
    )
    return Rule(sid, str(indicator["id"]), text, hash_list)


def sid_slot(indicator_id: str) -> int:
    """The preferred sid block of an indicator (before collisions are resolved)."""
    digest = hashlib.sha256(indicator_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % SID_SLOTS


def _exportable(indicator: Mapping[str, object], hash_dir: str | None) -> list[_Draft]:
    if indicator.get("pattern_type") != "stix":
        raise Unexportable(f"pattern_type {indicator.get('pattern_type')!r} is not stix")
    drafts = _drafts(pattern_targets(str(indicator.get("pattern", ""))))
    if hash_dir is None and any(draft.algorithm for draft in drafts):
        raise Unexportable("file hashes need --output: their lists are files beside the rules")
    if len(drafts) > SID_BLOCK:
        raise Unexportable(f"needs {len(drafts)} rules, more than the {SID_BLOCK} of a sid block")
    return drafts


def build_rules(indicators: Sequence[Mapping[str, object]], *, hash_dir: str | None) -> RuleSet:
    """The rules of `indicators`; hash rules name lists under `hash_dir` (None: hashes skipped)."""
    rules: list[Rule] = []
    skipped: list[Skipped] = []
    taken: set[int] = set()
    exported = 0
    for indicator in sorted(indicators, key=lambda obj: str(obj["id"])):
        try:
            drafts = _exportable(indicator, hash_dir)
        except Unexportable as exc:
            skipped.append(Skipped(str(indicator["id"]), str(exc)))
            continue
        slot = sid_slot(str(indicator["id"]))
        while slot in taken:
            slot = (slot + 1) % SID_SLOTS
        taken.add(slot)
        exported += 1
        first = SID_FIRST + slot * SID_BLOCK
        rules += [
            _rule(indicator, draft, first + n, hash_dir or "") for n, draft in enumerate(drafts)
        ]
    return RuleSet(rules, exported, skipped)
