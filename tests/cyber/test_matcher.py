"""The matcher's parts (indexes, literals, networks), its API, problems and indicator selection."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.access.parties import add_party
from liaison.cyber.automaton import TextIndex
from liaison.cyber.events import EventSource, LogEvent
from liaison.cyber.index import EqualityIndex, PrefixIndex, equality_key
from liaison.cyber.indicators import compile_indicators, load_indicators
from liaison.cyber.literals import like_literal, regex_literal
from liaison.cyber.network import parse_network, within
from liaison.cyber.temporal import MAX_KEPT
from liaison.stix.timestamps import parse_timestamp_micros
from liaison.store.database import Database
from liaison.store.objects import Origin
from liaison.store.transfer import import_objects
from tests.factories import indicator

SECOND = 1_000_000
T0 = parse_timestamp_micros("2026-03-01T00:00:00Z")


def ind(ident: str, pattern: str, **extra: Any) -> dict[str, Any]:
    return {"type": "indicator", "id": f"indicator--{ident}", "pattern": pattern,
            "pattern_type": "stix", **extra}  # fmt: skip


def event(*objects: dict[str, Any], at: int = 0, line: int = 1, count: int = 1) -> LogEvent:
    keyed = {str(i): obj for i, obj in enumerate(objects)}
    return LogEvent(keyed, T0 + at * SECOND, T0 + at * SECOND, EventSource("log", line), count)


def ip(value: str) -> dict[str, Any]:
    return {"type": "ipv4-addr", "value": value}


# -- networks and the prefix index --------------------------------------------------------


def test_networks_ipv4_and_ipv6() -> None:
    assert parse_network("198.51.100.7") == (4, 0xC6336407, 32)
    assert parse_network("198.51.100.7/24") == (4, 0xC6336400, 24)
    assert parse_network("198.51.100.7", require_prefix=True) is None
    assert parse_network("198.51.100.0/0") is None
    assert parse_network("example.com") is None
    assert parse_network("2001:db8::1/32") == (6, 0x20010DB8 << 96, 32)
    assert within(parse_network("2001:db8:5::9"), parse_network("2001:db8::/32"))  # type: ignore[arg-type]
    assert not within(parse_network("2001:db9::1"), parse_network("2001:db8::/32"))  # type: ignore[arg-type]
    assert not within(parse_network("198.51.100.0/23"), parse_network("198.51.100.0/24"))  # type: ignore[arg-type]


def test_prefix_index_finds_every_containing_block() -> None:
    index = PrefixIndex()
    for ident, block in enumerate(["198.51.100.0/24", "198.51.0.0/16", "203.0.113.0/24",
                                   "198.51.100.7/32", "2001:db8::/32"]):  # fmt: skip
        index.add(parse_network(block, require_prefix=True), ident)  # type: ignore[arg-type]
    assert sorted(index.containing("198.51.100.7")) == [0, 1, 3]
    assert sorted(index.containing("198.51.100.8")) == [0, 1]
    assert sorted(index.containing("198.51.100.0/25")) == [0, 1]
    assert index.containing("198.51.0.0/8") == []
    assert index.containing("2001:db8:1::1") == [4]
    assert index.containing("192.0.2.1") == []
    assert index.containing("not an address") == []
    assert index.containing(42) == []
    assert len(index) == 5


def test_equality_keys_keep_types_apart() -> None:
    table = EqualityIndex()
    table.add("80", 0)
    table.add(80, 1)
    table.add(True, 2)
    frozen = table.freeze()
    assert frozen[equality_key("80")] == (0,)
    assert frozen[equality_key(80.0)] == (1,)
    assert frozen[equality_key(True)] == (2,)
    assert equality_key(1) != equality_key(True)
    assert frozen[equality_key(b"80")] == (0,)  # binary meets its Latin-1 string
    assert equality_key(["a"]) is None


# -- literals and the automaton -----------------------------------------------------------


@pytest.mark.parametrize(
    ("operand", "literal"),
    [
        ("https://dl-7.example.org/%", "https://dl-7.example.org/"),
        ("%.exe", ".exe"),
        ("a_c%", None),
        ("%_%", None),
    ],
)
def test_like_literal(operand: str, literal: str | None) -> None:
    assert like_literal(operand) == literal


@pytest.mark.parametrize(
    ("regex", "literal"),
    [
        ("^https?://upd-1\\.example\\.net/", "://upd-1.example.net/"),
        ("example\\.(com|org)", None),  # alternation anywhere: no literal
        ("(?i)invoice", None),  # inline flags: no literal
        ("[0-9]+abcd", "abcd"),
        ("abcd*", "abc"),
        ("\\x41BCDE", None),  # the escape's digits are not taken for literal text
        ("x{0,3}yzw", "yzw"),
        ("(group)tail", "tail"),
        ("\\d+\\.exe$", ".exe"),
    ],
)
def test_regex_literal(regex: str, literal: str | None) -> None:
    assert regex_literal(regex) == literal


def test_text_index_checks_only_candidates_and_exactly() -> None:
    calls: list[str] = []

    def starts(value: Any) -> bool:
        calls.append(value)
        return str(value).startswith("evil")

    index = TextIndex()
    index.add("evil", 0, starts)
    index.add("bad", 1, lambda value: True)
    index.freeze()
    assert index.satisfied("an evil and evil host") == []  # contains the literal, test fails
    assert calls == ["an evil and evil host"]  # tested once although the literal occurs twice
    assert index.satisfied("evil-bad") == [0, 1]
    assert index.satisfied("clean") == []
    assert calls == ["an evil and evil host", "evil-bad"]
    assert index.satisfied(b"bad") == [1]
    assert index.satisfied(7) == []


# -- problems and indicator selection -----------------------------------------------------


def test_unparseable_pattern_is_a_problem_with_id_and_position() -> None:
    matcher, problems = compile_indicators(
        [ind("a", "[ipv4-addr:value = '198.51.100.1'"), ind("b", "[ipv4-addr:value = '198.51.100.2']"),
         ind("c", "[url:value MATCHES '(unclosed']")],
        now=T0,
    )  # fmt: skip
    assert matcher.indicator_count == 1
    assert [(p.indicator_id, p.position) for p in problems] == [
        ("indicator--a", 33), ("indicator--c", None),  # 33: the end, where ']' is missing
    ]  # fmt: skip
    assert "regular expression" in problems[1].message
    assert str(problems[0]).startswith("indicator--a: pattern at position 33:")


def test_revoked_expired_and_other_pattern_types_are_left_out() -> None:
    pattern = "[ipv4-addr:value = '198.51.100.1']"
    matcher, problems = compile_indicators(
        [
            ind("live", pattern, valid_until="2026-03-01T00:00:01Z"),
            ind("expired", pattern, valid_until="2026-03-01T00:00:00Z"),
            ind("revoked", pattern, revoked=True),
            {**ind("sigma", "title: x"), "pattern_type": "sigma"},
        ],
        now=T0,
    )
    assert problems == []
    assert [hit.indicator_id for hit in matcher.match(event(ip("198.51.100.1")))] == [
        "indicator--live"
    ]


def test_load_indicators_takes_latest_versions_of_named_collections(db: Database) -> None:
    origin = Origin("ottawa", "ca")
    with db.session(write=True) as session:
        add_party(session, "ca")
    first = indicator(1)
    newer = indicator(
        1, modified="2026-02-01T00:00:00.000Z", pattern="[ipv4-addr:value = '203.0.113.9']"
    )
    revoked = indicator(2, modified="2026-02-01T00:00:00.000Z", revoked=True)
    expired = indicator(3, valid_until="2026-01-05T00:00:00.000Z")
    import_objects(
        db, "cyber", [first, newer, indicator(2), revoked, expired], origin=origin, create=True
    )
    import_objects(db, "other", [indicator(4)], origin=origin, create=True)
    import_objects(db, "unused", [indicator(5)], origin=origin, create=True)
    with db.session() as session:
        matcher, problems = load_indicators(session, ["cyber", "other"], T0)
    assert problems == []
    assert matcher.indicator_count == 2  # indicator 1 (newest version) and indicator 4
    assert matcher.match(event(ip("198.51.100.1"))) == []  # indicator 1's old pattern
    assert [h.indicator_id for h in matcher.match(event(ip("203.0.113.9")))] == [newer["id"]]
    assert [h.indicator_id for h in matcher.match(event(ip("198.51.100.4")))] == [
        indicator(4)["id"]
    ]
    assert matcher.match(event(ip("198.51.100.2"))) == []  # revoked
    assert matcher.match(event(ip("198.51.100.5"))) == []  # not loaded


# -- the Matcher API ----------------------------------------------------------------------


def test_hits_come_in_load_order_with_the_completing_event_last() -> None:
    matcher, _ = compile_indicators(
        [
            ind(
                "seq",
                "[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [domain-name:value = 'c2.example.org']",
            ),
            ind("dom", "[domain-name:value LIKE '%.example.org']"),
            ind("ip", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"),
        ],
        now=T0,
    )
    first = event(ip("198.51.100.1"), at=0, line=1)
    assert [h.indicator_id for h in matcher.match(first)] == ["indicator--ip"]
    second = event({"type": "domain-name", "value": "c2.example.org"}, at=5, line=2)
    hits = matcher.match(second)
    assert [h.indicator_id for h in hits] == ["indicator--seq", "indicator--dom"]
    assert hits[0].events == (first, second)
    assert hits[1].events == (second,)


def test_direct_only_patterns_are_found_by_type() -> None:
    matcher, problems = compile_indicators(
        [ind("big", "[file:size > 1000 AND file:name NOT = 'ok.txt']"),
         ind("anon", "[file:name NOT LIKE '%.txt' OR NOT EXISTS file:name]")],
        now=T0,
    )  # fmt: skip
    assert problems == []
    hits = matcher.match(event({"type": "file", "size": 4096, "name": "x.bin"}))
    assert [h.indicator_id for h in hits] == ["indicator--big", "indicator--anon"]
    assert matcher.match(event({"type": "file", "size": 4096, "name": "ok.txt"})) == []
    assert [h.indicator_id for h in matcher.match(event({"type": "file", "size": 1}))] == [
        "indicator--anon"
    ]
    assert matcher.match(event(ip("198.51.100.1"))) == []


def test_within_drops_partial_matches_outside_the_window() -> None:
    matcher, _ = compile_indicators(
        [
            ind(
                "w",
                "([ipv4-addr:value = '198.51.100.1'] AND [ipv4-addr:value = '198.51.100.2']) WITHIN 10 SECONDS",
            )
        ],
        now=T0,
    )
    for second in range(100):
        assert matcher.match(event(ip("198.51.100.1"), at=second)) == []
    state = next(iter(matcher._tables.stateful.values()))[0]  # the pattern's state
    kept = [len(node.kept) for node in state.nodes]
    assert max(kept) <= 11  # events of the last 10 seconds only
    assert [h.indicator_id for h in matcher.match(event(ip("198.51.100.2"), at=105))] == [
        "indicator--w"
    ]
    assert matcher.match(event(ip("198.51.100.2"), at=200)) == []


def test_state_without_window_is_capped() -> None:
    matcher, _ = compile_indicators(
        [
            ind(
                "f",
                "[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2']",
            )
        ],
        now=T0,
    )
    for second in range(MAX_KEPT * 3):
        matcher.match(event(ip("198.51.100.1"), at=second))
    state = next(iter(matcher._tables.stateful.values()))[0]
    assert max(len(node.kept) for node in state.nodes) == MAX_KEPT
    hits = matcher.match(event(ip("198.51.100.2"), at=MAX_KEPT * 3))
    assert len(hits) == 1 and len(hits[0].events) == 2


def test_repeats_counts_number_observed() -> None:
    matcher, _ = compile_indicators(
        [ind("r", "[ipv4-addr:value = '198.51.100.1'] REPEATS 3 TIMES")], now=T0
    )
    assert matcher.match(event(ip("198.51.100.1"), count=2)) == []
    hits = matcher.match(event(ip("198.51.100.1"), at=1, line=2))
    assert len(hits) == 1 and [e.source.line for e in hits[0].events] == [1, 2]


def test_cidr_tests_cover_ipv6_and_references() -> None:
    matcher, problems = compile_indicators(
        [
            ind("sub6", "[ipv6-addr:value ISSUBSET '2001:db8::/32']"),
            ind("sup6", "[ipv6-addr:value ISSUPERSET '2001:db8:0:1::5']"),
            ind("dst", "[network-traffic:dst_ref.value ISSUBSET '203.0.113.0/24']"),
            ind("any", "[domain-name:resolves_to_refs[*].value ISSUBSET '198.51.100.0/25']"),
        ],
        now=T0,
    )
    assert problems == []
    six = {"type": "ipv6-addr", "value": "2001:db8:0:1::/64"}
    assert [h.indicator_id for h in matcher.match(event(six))] == [
        "indicator--sub6",
        "indicator--sup6",
    ]
    assert matcher.match(event({"type": "ipv6-addr", "value": "2001:db9::1"})) == []
    flow = event(ip("198.51.100.9"), ip("203.0.113.5"),
                 {"type": "network-traffic", "src_ref": "0", "dst_ref": "1"})  # fmt: skip
    assert [h.indicator_id for h in matcher.match(flow)] == ["indicator--dst"]
    name = event(ip("198.51.100.200"), ip("198.51.100.9"),
                 {"type": "domain-name", "value": "c2.example.org", "resolves_to_refs": ["0", "1"]})  # fmt: skip
    assert [h.indicator_id for h in matcher.match(name)] == ["indicator--any"]


@pytest.mark.parametrize(
    ("pattern", "hits"),
    [
        ("[file:size = 80.0]", True),  # int and float compare as numbers
        ("[file:size = '80']", False),  # a string never equals a number
        ("[file:size NOT > 'abc']", False),  # incomparable: false even under NOT
        ("[file:size != 'abc']", True),  # unequal types are unequal
        ("[file:x_flag = 1]", False),  # booleans only equal booleans
        ("[file:x_flag IN (true)]", True),
        ("[file:name LIKE 'INV%']", False),  # LIKE is case-sensitive
        ("[file:name MATCHES '(?i)^inv']", True),
        ("[file:size NOT LIKE '8%']", False),  # LIKE on a number: false even under NOT
        ("[file:mtime > t'2026-01-01T00:00:00Z']", True),  # timestamps read from strings
        ("[file:payload_bin = h'4d5a']", True),  # *_bin properties compare as binary
        ("[file:payload_bin = 'MZ']", True),  # binary equals its Latin-1 string
        ("[file:payload_bin IN ('MZ')]", False),  # ... but is not a member of a string set
    ],
)
def test_comparison_typing_rules(pattern: str, hits: bool) -> None:
    matcher, problems = compile_indicators([ind("t", pattern)], now=T0)
    assert problems == []
    obj = {"type": "file", "size": 80, "x_flag": True, "name": "invoice.pdf",
           "mtime": "2026-02-01T10:00:00.5Z", "payload_bin": "TVo="}  # fmt: skip
    assert bool(matcher.match(event(obj))) is hits
