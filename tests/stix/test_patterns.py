"""Tests for the hand-written STIX 2.1 pattern parser (liaison.stix.patterns).

The corpora below are generated from small building blocks (object paths,
literals of every kind, comparison operators, qualifiers and a list of
targeted defects) rather than written out one pattern at a time.  Every
pattern in both corpora is also fed to the OASIS reference validator
(``stix2patterns``), and the parser must agree with it on every one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stix2patterns.validator import run_validator

from liaison.stix import patterns
from liaison.stix.patterns import (
    STAR,
    BinaryLiteral,
    Comparison,
    ComparisonExpression,
    ComparisonOp,
    HexLiteral,
    LiteralValue,
    ObjectPath,
    Observation,
    ObservationOp,
    Pattern,
    PatternSyntaxError,
    Repeats,
    StartStop,
    TimestampLiteral,
    Within,
    object_types,
    parse_pattern,
)

# --------------------------------------------------------------------------
# Building blocks

PLAIN_PATHS = (
    "ipv4-addr:value",
    "file:name",
    "network-traffic:src_ref.value",
    "network-traffic:dst_port",
    "email-message:to_refs[0].value",
    "file:extensions.'windows-pebinary-ext'.sections[*].entropy",
    "windows-registry-key:values[*].name",
    "process:arguments[+1]",
    "x-acme-widget:'quoted first'",
    "user-account:extensions.'unix-account-ext'.groups[2]",
)

STRINGS = ("'198.51.100.7'", "''", "'it\\'s'", "'back\\\\slash'", "'two words'")
INTS = ("0", "42", "-7", "+3")
FLOATS = ("1.5", "-0.25", ".5", "+2.0")
BOOLS = ("true", "false")
TIMESTAMPS = (
    "t'2016-01-20T12:31:12Z'",
    "t'2016-01-20T12:31:12.123456Z'",
    "t'2016-12-31T23:59:60Z'",
)
HEXES = ("h'ff00'", "h''", "h'DEADbeef'")
BINARIES = ("b'AAAA'", "b'dGVzdA=='", "b'YWI='")
ORDERABLE = STRINGS + INTS + FLOATS + TIMESTAMPS + HEXES + BINARIES
PRIMITIVE = ORDERABLE + BOOLS

VALID_HASHES = {
    "MD5": hashlib.md5(b"").hexdigest(),
    "'SHA-1'": hashlib.sha1(b"").hexdigest(),
    "'SHA-256'": hashlib.sha256(b"").hexdigest(),
    "'SHA-512'": hashlib.sha512(b"").hexdigest(),
    "'SHA3-256'": hashlib.sha3_256(b"").hexdigest(),
    "SSDEEP": "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
    "'x-custom-algo'": "anything goes",
}

QUALIFIERS = (
    "WITHIN 300 SECONDS",
    "WITHIN 1.5 SECONDS",
    "WITHIN .5 SECONDS",
    "REPEATS 5 TIMES",
    "REPEATS +2 TIMES",
    "START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
)

A = "[ipv4-addr:value = '198.51.100.1']"
B = "[domain-name:value = 'example.com']"
C = "[file:size > 1024]"
D = "[network-traffic:dst_port IN (80, 443)]"


def _cycle(items: tuple[str, ...], n: int) -> list[str]:
    """Return ``n`` items, cycling through ``items``."""
    return [items[i % len(items)] for i in range(n)]


def _comparisons() -> Iterable[str]:
    """Comparison expressions covering every operator, NOT form and literal kind."""
    for path, value in zip(_cycle(PLAIN_PATHS, len(PRIMITIVE)), PRIMITIVE, strict=True):
        yield f"{path} = {value}"
        yield f"{path} NOT != {value}"
    for op, value in zip(("<", "<=", ">", ">="), ORDERABLE, strict=False):
        yield f"file:size {op} {value}"
        yield f"file:size NOT {op} {value}"
    for op, path, value in zip(
        _cycle(("<", "<=", ">", ">="), 8), _cycle(PLAIN_PATHS, 8), ORDERABLE[8:], strict=False
    ):
        yield f"{path} {op} {value}"
    sets = ("()", "('a')", "(80, 443)", f"({', '.join(PRIMITIVE)})", "(true,false)")
    for path, values in zip(PLAIN_PATHS, sets, strict=False):
        yield f"{path} IN {values}"
        yield f"{path} NOT IN {values}"
    for op in ("LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"):
        yield f"file:name {op} 'a%'"
        yield f"network-traffic:src_ref.value NOT {op} '198.51.100.0/24'"
    for path in PLAIN_PATHS[:5]:
        yield f"EXISTS {path}"
        yield f"NOT EXISTS {path}"
    for key, value in VALID_HASHES.items():
        yield f"file:hashes.{key} = '{value}'"
    yield "file:hashes.MD5 = 12345678901234567890123456789012"  # digits are hex too
    yield "artifact:hashes[*] = 'not checked'"
    yield "EXISTS file:hashes.MD5"  # EXISTS values are not hash-checked


def _valid_patterns() -> list[str]:
    comparisons = list(_comparisons())
    patterns = [f"[{c}]" for c in comparisons]
    # Boolean structure inside brackets.
    c1, c2, c3 = comparisons[0], comparisons[5], comparisons[12]
    patterns += [
        f"[{c1} AND {c2}]",
        f"[{c1} OR {c2}]",
        f"[{c1} OR {c2} AND {c3}]",
        f"[({c1} OR {c2}) AND {c3}]",
        f"[(({c1}))]",
        f"[{c1} AND ({c2} OR ({c3} AND {c1}))]",
        f"[NOT EXISTS file:name OR ({c1})]",
    ]
    # Observation operators, precedence and nesting.
    for op in ("AND", "OR", "FOLLOWEDBY"):
        patterns += [f"{A} {op} {B}", f"({A} {op} {B}) {op} {C}", f"{A} {op} ({B} {op} {C})"]
    patterns += [
        f"{A} AND {B} OR {C} FOLLOWEDBY {D}",
        f"(({A} AND {B}) OR {C}) FOLLOWEDBY {D}",
        f"{A} FOLLOWEDBY ({B} OR ({C} AND {D}))",
        f"((({A})))",
        f"(({A} OR {B}))",
    ]
    # Qualifiers on an observation, on groups, chained, and mixed with operators.
    for qualifier in QUALIFIERS:
        patterns += [f"{A} {qualifier}", f"({A} AND {B}) {qualifier}"]
    for first, second in zip(QUALIFIERS, QUALIFIERS[3:] + QUALIFIERS[:3], strict=True):
        patterns.append(f"{A} {first} {second}")
    patterns += [
        f"{A} {QUALIFIERS[0]} {QUALIFIERS[3]} {QUALIFIERS[5]}",
        f"({A} {QUALIFIERS[0]}) {QUALIFIERS[0]}",
        f"({A}) {QUALIFIERS[0]} {QUALIFIERS[1]}",  # repeats allowed on a group
        f"{A} {QUALIFIERS[3]} AND {B} {QUALIFIERS[0]}",
        f"({A} FOLLOWEDBY {B}) {QUALIFIERS[0]} OR {C} {QUALIFIERS[5]}",
        f"{A} REPEATS 0 TIMES",  # the reference accepts zero (see module docstring)
        f"{A} WITHIN 0 SECONDS",
        f"{A} START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'",
    ]
    # Lexical variety: spacing, comments, alternative spellings, odd names.
    patterns += [
        "[ipv4-addr:value='198.51.100.1']",
        "[file:size>1]AND[file:size<9]",
        f"{A}WITHIN 5SECONDS",
        "[file:size = 1AND file:size = 2]",
        f"  (\t{A}\n)  ",
        f"{A} /* block\ncomment */ AND // line comment\n {B}",
        f"{A} // trailing comment",
        f"{A}\u00a0AND\u3000{B}",
        "[file:name == 'a' OR file:name <> 'b']",
        "[File_Name:Value = 1]",
        "[a:b = 1]",
        "[x-:y = 1]",
        "[file:'name' = 'x']",
        "[file:x.'*' = 1]",
        "[file:x.'AND' = 1]",
        "[file:name = t'2016-02-30T00:00:00Z']",  # lexically valid: no calendar check
        "[file:name = t'0000-01-01T00:00:00Z']",
    ]
    return patterns


def _with(template: str, fills: Iterable[str]) -> list[str]:
    """Substitute each fill into ``template`` at ``{}``."""
    return [template.format(fill) for fill in fills]


def _invalid_patterns() -> list[str]:
    bad_timestamps = (
        "2016-13-01T00:00:00Z",
        "2016-00-01T00:00:00Z",
        "2016-01-00T00:00:00Z",
        "2016-01-32T00:00:00Z",
        "2016-01-01T24:00:00Z",
        "2016-01-01T00:60:00Z",
        "2016-01-01T00:00:61Z",
        "2016-01-01T00:00:00",
        "2016-01-01T00:00:00z",
        "2016-01-01 00:00:00Z",
        "2016-01-01T00:00:00+00:00",
        "16-01-01T00:00:00Z",
        "2016-01-01T00:00Z",
        "2016-01-01T00:00:00.Z",
    )
    bad_literals = (
        "'unterminated",
        "'bad \\n escape'",
        "'a''b'",
        "h'abc'",
        "h'zz'",
        "b''",
        "b'A==='",
        "b'AAAAA'",
        "1e5",
        "01",
        "1.",
        "0x10",
        "TRUE",
        "True",
        "t'2016-01-01T00:00:00Z",
        "",
    )
    bad_types = ("ipv4 addr", "AND", "true", "1file", "-file", "'file'", "file.x", "", "fi$le")
    bad_paths = (
        "file:",
        "file",
        "file:name-x",
        "file:name.",
        "file:name..x",
        "file:name[",
        "file:name[]",
        "file:name[x]",
        "file:name[1.5]",
        "file:name[01]",
        "file:name[-1]",  # the reference raises on negative indices
        "file:AND",
        "file:x.true",
        "file:x.'unterminated",
        "file:hashes[0]",  # the reference raises on an index selecting a hash
    )
    bad_comparisons = (
        "file:name =~ 'x'",
        "file:name LIKES 'x'",
        "file:name like 'x'",
        "file:name ! = 'x'",
        "file:name = = 'x'",
        "file:name IN 'x'",
        "file:name IN ('a' 'b')",
        "file:name IN ('a',)",
        "file:name IN (('a'))",
        "file:name LIKE 1",
        "file:name MATCHES true",
        "file:name ISSUBSET t'2016-01-01T00:00:00Z'",
        "file:name > true",
        "file:name NOT",
        "file:name NOT NOT = 'x'",
        "NOT file:name = 'x'",
        "file:name =",
        "EXISTS",
        "EXISTS 'x'",
        "file:name EXISTS",
        "NOT EXISTS",
        "file:name = 'a' AND",
        "AND file:name = 'a'",
        "file:name = 'a' and file:size = 1",
        "(file:name = 'a'",
        "file:name = 'a')",
        "file:name = 'a' file:size = 1",
        "file:name LAST 5",
        "()",
    )
    bad_hashes = (
        "file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427'",
        "file:hashes.'SHA-256' = 'not a hash'",
        "file:hashes.'SHA-1' = 'da39a3ee'",
        "file:hashes.SSDEEP = '3:a b:c'",
        f"file:hashes.MD5 IN ('{VALID_HASHES['MD5']}')",
        "file:hashes.MD5 LIKE '%'",
        "file:hashes.'sha-512' = h'00'",
    )
    bad_qualifiers = (
        "WITHIN SECONDS",
        "WITHIN 5",
        "WITHIN 5 MINUTES",
        "WITHIN -5 SECONDS",
        "WITHIN 'five' SECONDS",
        "within 5 seconds",
        "REPEATS TIMES",
        "REPEATS 2",
        "REPEATS 2.5 TIMES",
        "REPEATS -1 TIMES",
        "START t'2016-01-01T00:00:00Z'",
        "START t'2016-01-01T00:00:00Z' STOP",
        "STOP t'2016-01-01T00:00:00Z' START t'2016-02-01T00:00:00Z'",
        "START '2016-01-01T00:00:00Z' STOP t'2016-02-01T00:00:00Z'",
        "WITHIN 5 SECONDS WITHIN 6 SECONDS",
        "REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES",
        f"{QUALIFIERS[5]} {QUALIFIERS[5]}",
    )
    bad_structure = (
        "",
        "   ",
        "file:name = 'a'",
        "[file:name = 'a'",
        "file:name = 'a']",
        "[]",
        "[[file:name = 'a']]",
        "[file:name = 'a']]",
        f"({A}",
        f"{A})",
        f"{A} AND",
        f"{A} and {B}",
        f"{A} FOLLOWEDBY",
        f"{A} {B}",
        f"{A} followedby {B}",
        f"{A} AND AND {B}",
        f"{A} ()",
        "()",
        f"/* leading comment */ {A}",
        f"( // leading comment\n{A})",
        f"{A} /* unterminated",
        f"{A} @",
        f"{A};",
        f"{A} garbage",
        f"{A}\x1c",
        f"WITHIN 5 SECONDS {A}",
        f"{A} AND WITHIN 5 SECONDS",
    )
    return (
        _with("[file:name = t'{}']", bad_timestamps)
        + _with("[file:size > 0] START t'{}' STOP t'2017-01-01T00:00:00Z'", bad_timestamps[:4])
        + _with("[file:name = {}]", bad_literals)
        + _with("[{}:value = 'x']", bad_types)
        + _with("[{} = 'x']", bad_paths)
        + _with("[{}]", bad_comparisons + bad_hashes)
        + _with(A + " {}", bad_qualifiers)
        + list(bad_structure)
    )


VALID = _valid_patterns()
INVALID = _invalid_patterns()


def _reference_accepts(pattern: str) -> bool:
    """The OASIS verdict: no errors reported (an exception counts as rejection)."""
    try:
        return not run_validator(pattern, stix_version="2.1")
    except Exception:
        return False


def _accepts(pattern: str) -> bool:
    try:
        parse_pattern(pattern)
    except PatternSyntaxError:
        return False
    return True


# --------------------------------------------------------------------------
# Corpus tests


def test_corpus_sizes_and_uniqueness() -> None:
    assert len(VALID) >= 150
    assert len(INVALID) >= 100
    assert len(set(VALID)) == len(VALID)
    assert len(set(INVALID)) == len(INVALID)


@pytest.mark.parametrize("pattern", VALID)
def test_valid_pattern_parses(pattern: str) -> None:
    assert isinstance(parse_pattern(pattern), Pattern)


@pytest.mark.parametrize("pattern", INVALID)
def test_invalid_pattern_is_rejected(pattern: str) -> None:
    with pytest.raises(PatternSyntaxError) as info:
        parse_pattern(pattern)
    assert 0 <= info.value.position <= len(pattern)


@pytest.mark.parametrize("pattern", VALID + INVALID)
def test_agrees_with_reference_validator(pattern: str) -> None:
    assert _accepts(pattern) == _reference_accepts(pattern)


@pytest.mark.parametrize(
    "pattern", ["[file:name[-1] = 'x']", "[file:hashes[0] = 'x']", "[a:b.hashes.c[+3] = 1]"]
)
def test_reference_raises_where_we_reject(pattern: str) -> None:
    """Grammar-valid patterns on which the reference crashes are rejected."""
    with pytest.raises(AttributeError):  # its inspector calls a method on None / an int
        run_validator(pattern, stix_version="2.1")
    assert not _accepts(pattern)


_ATOMS = (
    "[", "]", "(", ")", "'", "\\", ":", ".", ",", " ", "\n", "a", "x-y", "file", "AND", "OR",
    "NOT", "EXISTS", "t", "h", "b", "'2020-01-01T00:00:00Z'", "'aa'", "'AA=='", "=", "!", "<",
    ">", "*", "-", "+", "0", "5", ".5", "/*", "*/", "//", "WITHIN", "SECONDS", "REPEATS",
    "TIMES", "START", "STOP", "FOLLOWEDBY", "IN", "LIKE", "true", "hashes", "MD5", "\u00a0",
)  # fmt: skip
_fragments = st.lists(st.sampled_from(_ATOMS), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(["[", "[a:b = 1]", "[file:", "(["]), body=_fragments)
def test_random_fragments_agree_with_reference(prefix: str, body: str) -> None:
    pattern = prefix + body
    assert _accepts(pattern) == _reference_accepts(pattern)


@given(st.text())
def test_arbitrary_text_only_raises_pattern_syntax_error(text: str) -> None:
    try:
        parse_pattern(text)
    except PatternSyntaxError as exc:
        assert 0 <= exc.position <= len(text)


# --------------------------------------------------------------------------
# Error positions (hand-checked)


@pytest.mark.parametrize(
    ("pattern", "position", "message"),
    [
        # '[' 0, 'ipv4-addr' 1-9, ':' 10, 'value' 11-15, '=' 17, the string 19-27.
        ("[ipv4-addr:value = '1.2.3.4'", 28, "expected ']'"),
        # '[file:name = 'a']' is 0-16, 'WITHIN' 18-23, 'SECONDS' starts at 25.
        ("[file:name = 'a'] WITHIN SECONDS", 25, "non-negative number of seconds"),
        ("[file:name = t'2016-13-01T00:00:00Z']", 13, "malformed timestamp literal"),
        ("[file:name = 'abc]", 13, "malformed string literal"),
        ("[file:name = 'a'] @", 18, "unexpected character '@'"),
        # The second WITHIN starts after '[x:size > 0] WITHIN 5 SECONDS ' (30 chars).
        ("[x:size > 0] WITHIN 5 SECONDS WITHIN 6 SECONDS", 30, "duplicate WITHIN"),
        ("[file:hashes.MD5 = 'x']", 19, "not a valid MD5 hash"),
        ("[file:hashes[0] = 'x']", 13, "not by list index"),
        ("[file:name[-1] = 'x']", 11, "must not be negative"),
        ("   file:name = 'x'", 3, "expected '[' or '('"),
        ("([a:b = 1] AND [a:c = 2]", 24, "expected ')', found end of pattern"),
        ("[a:b = 1 AND a:c LIKE 5]", 22, "expected a string literal, found '5'"),
        ("[a:b = 1] FOLLOWEDBY [a:c IN 'x']", 29, "expected '(' starting a set"),
    ],
)
def test_error_position(pattern: str, position: int, message: str) -> None:
    with pytest.raises(PatternSyntaxError) as info:
        parse_pattern(pattern)
    assert info.value.position == position
    assert message in info.value.message
    assert str(info.value) == f"at position {position}: {info.value.message}"


def test_error_is_a_picklable_value_error() -> None:
    with pytest.raises(PatternSyntaxError, match=r"^at position 28: expected '\]'") as info:
        parse_pattern("[ipv4-addr:value = '1.2.3.4'")
    assert isinstance(info.value, ValueError)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.position, copy.message, str(copy)) == (
        info.value.position,
        info.value.message,
        str(info.value),
    )


# --------------------------------------------------------------------------
# AST shape


def _cmp(obj_type: str, *steps: str | int, value: LiteralValue = 1) -> Comparison:
    return Comparison(ObjectPath(obj_type, tuple(steps)), "=", False, value)


def _comparisons_of(pattern: str) -> list[Comparison]:
    """The comparisons of a one-observation pattern, in source order."""
    ast = parse_pattern(pattern)
    assert isinstance(ast.expr, Observation)
    pending: list[ComparisonExpression] = [ast.expr.expr]
    found = []
    while pending:
        node = pending.pop()
        if isinstance(node, Comparison):
            found.append(node)
        else:
            pending += [node.right, node.left]
    return found


def test_simple_pattern_ast() -> None:
    assert parse_pattern("[ipv4-addr:value = '198.51.100.7']") == Pattern(
        Observation(_cmp("ipv4-addr", "value", value="198.51.100.7"))
    )


def test_object_path_steps() -> None:
    entropy, ref, odd = _comparisons_of(
        "[file:extensions.'windows-pebinary-ext'.sections[*].entropy NOT > 7.5"
        " AND network-traffic:src_ref.value = 'x' AND a:b[+2].'*'.'it\\'s' = 1]"
    )
    assert entropy == Comparison(
        ObjectPath("file", ("extensions", "windows-pebinary-ext", "sections", STAR, "entropy")),
        ">",
        True,
        7.5,
    )
    assert ref.path == ObjectPath("network-traffic", ("src_ref", "value"))
    assert STAR not in odd.path.steps  # a quoted '*' key is not the [*] wildcard
    assert odd.path.steps == ("b", 2, "*", "it's")


def test_operators_and_negation() -> None:
    found = _comparisons_of(
        "[a:b == 1 OR a:b <> 1 OR a:b NOT LIKE 'x%' OR NOT EXISTS a:c OR a:d ISSUBSET '10.0.0.0/8']"
    )
    assert [(c.operator, c.negated, c.value) for c in found] == [
        ("=", False, 1),
        ("!=", False, 1),
        ("LIKE", True, "x%"),
        ("EXISTS", True, None),
        ("ISSUBSET", False, "10.0.0.0/8"),
    ]


def test_literal_values() -> None:
    (comparison,) = _comparisons_of(
        "[a:b IN ('s\\'q\\\\', 1, -2, +3, 1.5, -.5, true, false, h'ff', b'AA==',"
        " t'2016-01-20T12:31:12.5Z')]"
    )
    assert comparison.value == (
        "s'q\\",
        1,
        -2,
        3,
        1.5,
        -0.5,
        True,
        False,
        HexLiteral("ff"),
        BinaryLiteral("AA=="),
        TimestampLiteral("2016-01-20T12:31:12.5Z"),
    )
    assert isinstance(comparison.value, tuple)
    assert [type(v) for v in comparison.value[:7]] == [str, int, int, int, float, float, bool]


def test_comparison_precedence_and_grouping() -> None:
    b, c, d = _cmp("a", "b"), _cmp("a", "c"), _cmp("a", "d")
    ast = parse_pattern("[a:b = 1 OR a:c = 1 AND a:d = 1]")
    assert ast.expr == Observation(ComparisonOp("OR", b, ComparisonOp("AND", c, d)))
    ast = parse_pattern("[(a:b = 1 OR a:c = 1) AND a:d = 1]")
    assert ast.expr == Observation(ComparisonOp("AND", ComparisonOp("OR", b, c), d))
    ast = parse_pattern("[a:b = 1 AND a:c = 1 AND a:d = 1]")
    assert ast.expr == Observation(ComparisonOp("AND", ComparisonOp("AND", b, c), d))


def test_observation_precedence_and_qualifiers() -> None:
    b, c, d, e = (Observation(_cmp("a", x)) for x in "bcde")
    ast = parse_pattern("[a:b = 1] OR [a:c = 1] AND [a:d = 1] FOLLOWEDBY [a:e = 1]")
    assert ast.expr == ObservationOp(
        "FOLLOWEDBY", ObservationOp("OR", b, ObservationOp("AND", c, d)), e
    )
    ast = parse_pattern("[a:b = 1] AND [a:c = 1] WITHIN 5 SECONDS")
    assert ast.expr == ObservationOp("AND", b, Within(c, 5.0))
    ast = parse_pattern("([a:b = 1] AND [a:c = 1]) WITHIN 2.5 SECONDS REPEATS +3 TIMES")
    assert ast.expr == Repeats(Within(ObservationOp("AND", b, c), 2.5), 3)
    ast = parse_pattern(
        "[a:b = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'"
        " FOLLOWEDBY [a:c = 1]"
    )
    assert ast.expr == ObservationOp(
        "FOLLOWEDBY", StartStop(b, "2016-06-01T00:00:00Z", "2016-07-01T00:00:00.5Z"), c
    )
    within = parse_pattern("[a:b = 1] WITHIN 300 SECONDS").expr
    assert isinstance(within, Within)
    assert type(within.seconds) is float


def test_ast_is_immutable_and_hashable() -> None:
    ast = parse_pattern("[a:b IN (1, 2)] REPEATS 2 TIMES")
    assert hash(ast) == hash(parse_pattern("[a:b IN (1, 2)] REPEATS 2 TIMES"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ast.expr = ast.expr  # type: ignore[misc]


# --------------------------------------------------------------------------
# Strict mode: specification rules the reference leaves unchecked


@pytest.mark.parametrize(
    ("pattern", "position", "message"),
    [
        ("[file:name = t'2021-02-29T00:00:00Z']", 13, "not a real calendar date"),
        ("[file:name = 1] START t'2021-04-31T00:00:00Z' STOP t'2022-01-01T00:00:00Z'", 22, "real"),
        ("[File:name = 'x']", 1, "object type 'File'"),
        ("[ab:name = 'x']", 1, "object type 'ab'"),
        ("[file:name = 'x'] REPEATS 0 TIMES", 26, "positive integer"),
        ("[file:name = 'x'] WITHIN 0.0 SECONDS", 25, "positive number"),
    ],
)
def test_strict_mode_rejects_what_the_reference_accepts(
    pattern: str, position: int, message: str
) -> None:
    assert _reference_accepts(pattern)
    assert _accepts(pattern)
    with pytest.raises(PatternSyntaxError) as info:
        parse_pattern(pattern, strict=True)
    assert info.value.position == position
    assert message in info.value.message


def test_strict_mode_accepts_real_dates_and_type_names() -> None:
    pattern = (
        "[x-custom-type:when = t'2024-02-29T23:59:60Z' AND file:size IN (t'2000-02-29T00:00:00Z')]"
        " START t'2016-12-31T00:00:00Z' STOP t'2017-01-31T00:00:00Z' WITHIN .5 SECONDS"
    )
    assert parse_pattern(pattern, strict=True) == parse_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "types"),
    [
        ("[file:name = 'x.exe']", {"file"}),
        (
            "[file:name = 'a' OR url:value = 'b'] AND [ipv4-addr:value = '1.2.3.4']",
            {"file", "url", "ipv4-addr"},
        ),
        (
            "([x-acme-widget:size > 3] FOLLOWEDBY [file:size < 9]) WITHIN 5 SECONDS REPEATS 2 TIMES",
            {"x-acme-widget", "file"},
        ),
        ("[IPv4_Addr:value = '1']", {"IPv4_Addr"}),
    ],
)
def test_object_types(pattern: str, types: set[str]) -> None:
    assert object_types(parse_pattern(pattern)) == types


def test_object_types_of_a_long_chain_does_not_recurse() -> None:
    pattern = "[" + " AND ".join(f"file:size = {n}" for n in range(5000)) + "]"
    assert object_types(parse_pattern(pattern)) == {"file"}


SIMPLE_PATTERNS = [
    "[ipv4-addr:value = '198.51.100.7']",
    "[domain-name:value = 'c2.example']",
    "[file:hashes.'SHA-256' = '" + "ab" * 32 + "']",
    "[file:hashes.MD5 = '" + "0f" * 16 + "']",
    "[x-custom_type:extensions.'x-ext'.field_name = '']",
    "[url:'value' = 'https://example.com/a.b?c=d']",
    "[email-message:from_ref.value = 'someone@example.com']",
]
NOT_SIMPLE_PATTERNS = [
    "[file:hashes.'SHA-256' = 'not a hash']",  # rejected by the full parser
    "[file:AND = 'x']",  # a keyword is not a property name
    "[true:value = 'x']",
    "[file:name = 'it\\'s']",  # escapes go to the full parser
    "[file:name  = 'x']",
    "[file:name = 'x'] ",
    "[file:foo-bar = 'x']",
]


@pytest.mark.parametrize("text", SIMPLE_PATTERNS)
def test_simple_fast_path_builds_the_full_parsers_tree(text: str) -> None:
    fast = patterns._parse_simple(text, strict=False)
    assert fast is not None
    assert fast == patterns._Parser(text, strict=False).pattern()
    assert run_validator(text, stix_version="2.1") == []


@pytest.mark.parametrize("text", NOT_SIMPLE_PATTERNS)
def test_other_patterns_bypass_the_fast_path(text: str) -> None:
    assert patterns._parse_simple(text, strict=False) is None
    accepted = not run_validator(text, stix_version="2.1")
    try:
        parse_pattern(text)
    except PatternSyntaxError:
        assert not accepted
    else:
        assert accepted


def test_fast_path_honours_strict_type_names() -> None:
    assert patterns._parse_simple("[File:name = 'x']", strict=True) is None
    with pytest.raises(PatternSyntaxError):
        parse_pattern("[File:name = 'x']", strict=True)
