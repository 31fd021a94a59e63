"""How one comparison's constant meets one value taken from an observed object.

STIX 2.1 §9 defines the operators; where it is silent (mixed types, values the operator cannot
apply to) we follow the OASIS `stix2-matcher`, the reference the test suite checks us against:

* `=`/`!=` compare numbers with numbers (int and float alike), strings with strings, booleans
  with booleans, binary with binary, and binary with a string whose characters are all below
  U+0100 (read as Latin-1 bytes); any other pair is unequal.
* Ordering compares numbers, strings, binary (and binary with such a string) and timestamps; an
  incomparable pair is false whether or not the test is negated.
* A timestamp constant reads a string value as an RFC 3339 timestamp.
* `LIKE`, `MATCHES`, `ISSUBSET` and `ISSUPERSET` are false for values they do not apply to
  (non-strings, strings that are not addresses), negated or not; `LIKE` and `MATCHES` compare
  NFC-normalised text.

A value the reference would reject with an error (an unreadable timestamp or address) makes the
comparison false here: one malformed log field must not stop a whole run.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from liaison.cyber.network import parse_network, within
from liaison.stix.patterns import BinaryLiteral, HexLiteral, LiteralValue, TimestampLiteral

Predicate = Callable[[Any], bool]

_TIMESTAMP_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z")
_NUMBER = (int, float)


def python_literal(literal: LiteralValue) -> Any:
    """A pattern constant as the Python value comparisons use (bytes, datetime, ...)."""
    if isinstance(literal, TimestampLiteral):
        return read_timestamp(literal.text)
    if isinstance(literal, HexLiteral):
        return binascii.a2b_hex(literal.text)
    if isinstance(literal, BinaryLiteral):
        return base64.standard_b64decode(literal.text)
    return literal


def read_timestamp(text: str) -> datetime | None:
    """An RFC 3339 UTC timestamp (digits past microseconds dropped), or None if `text` is not
    one."""
    match = _TIMESTAMP_RE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        return None


def _latin1(text: str) -> bytes | None:
    """`text` as bytes when every character is below U+0100 (the spec's binary/string rule)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


def equal(value: Any, constant: Any) -> bool:
    """`value = constant` under the matcher's typing rules (see the module docstring)."""
    if isinstance(constant, datetime) and isinstance(value, str):
        value = read_timestamp(value)
    kind, other = type(value), type(constant)
    if kind is other:
        return bool(value == constant) if kind in _EQUAL_SAME else False
    if _is_number(value) and _is_number(constant):
        return bool(value == constant)
    if kind is bytes and other is str:
        return bool(_latin1(constant) == value)
    if kind is str and other is bytes:
        return bool(_latin1(value) == constant)
    return False


_EQUAL_SAME = frozenset({int, float, str, bool, bytes, datetime})


def order(value: Any, constant: Any) -> int | None:
    """-1, 0 or 1 as `value` sorts before, with or after `constant`; None when their types do
    not compare. Raises ValueError for a string that meets binary but is not Latin-1 (the spec
    makes that comparison false, so true under NOT, unlike an incomparable type)."""
    if isinstance(constant, datetime) and isinstance(value, str):
        value = read_timestamp(value)
    kind, other = type(value), type(constant)
    if (kind is other and kind in _ORDER_SAME) or (_is_number(value) and _is_number(constant)):
        return (value > constant) - (value < constant)  # type: ignore[no-any-return]
    if kind is bytes and other is str:
        constant = _latin1(constant)
    elif kind is str and other is bytes:
        value = _latin1(value)
    else:
        return None
    if value is None or constant is None:
        raise ValueError("a string with characters past U+00FF does not compare with binary")
    return (value > constant) - (value < constant)  # type: ignore[no-any-return]


_ORDER_SAME = frozenset({int, float, str, bytes, datetime})

_ORDER_TESTS: dict[str, Callable[[int], bool]] = {
    "<": lambda result: result < 0,
    "<=": lambda result: result <= 0,
    ">": lambda result: result > 0,
    ">=": lambda result: result >= 0,
}


def like_regex(like: str) -> re.Pattern[str]:
    """The regular expression of a LIKE operand: `%` any run, `_` any one character."""
    parts = ["^"]
    for char in unicodedata.normalize("NFC", like):
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    parts.append("$")
    return re.compile("".join(parts))


def nfc(text: str) -> str:
    """`text` in Unicode normal form C (ASCII text, the common case, as it is)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def predicate(operator: str, negated: bool, constant: Any) -> Predicate:
    """The test one comparison applies to each value its object path selects.

    `constant` is the pattern's value already made Python (`python_literal`); for `IN` a tuple.
    """
    build = _BUILDERS[operator]
    return build(constant, negated, operator)


def _equality(constant: Any, negated: bool, operator: str) -> Predicate:
    flip = negated != (operator == "!=")
    return lambda value: equal(value, constant) != flip


def _ordering(constant: Any, negated: bool, operator: str) -> Predicate:
    test = _ORDER_TESTS[operator]

    def compare(value: Any) -> bool:
        try:
            result = order(value, constant)
        except ValueError:
            return negated
        return result is not None and test(result) != negated

    return compare


def _membership(constant: Any, negated: bool, operator: str) -> Predicate:
    members = frozenset(constant)
    timestamps = any(isinstance(member, datetime) for member in members)

    def contains(value: Any) -> bool:
        if timestamps and isinstance(value, str):
            value = read_timestamp(value)
        try:
            found = value in members
        except TypeError:  # lists and dicts are in no set
            found = False
        return found != negated

    return contains


def _like(constant: Any, negated: bool, operator: str) -> Predicate:
    regex: list[re.Pattern[str]] = []  # compiled on first use: most operands never meet a value

    def like(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if not regex:
            regex.append(like_regex(constant))
        return (regex[0].match(nfc(value)) is not None) != negated

    return like


def _matches(constant: Any, negated: bool, operator: str) -> Predicate:
    text = unicodedata.normalize("NFC", constant)
    regex = re.compile(text)  # here, so that a bad operand is reported when loading

    def matches(value: Any) -> bool:
        if isinstance(value, str):
            return (regex.search(nfc(value)) is not None) != negated
        if isinstance(value, bytes):
            binary_regex = _binary_regex(text)
            return binary_regex is not None and (binary_regex.search(value) is not None) != negated
        return False

    return matches


@functools.lru_cache(maxsize=256)
def _binary_regex(text: str) -> re.Pattern[bytes] | None:
    """The operand as a regular expression over bytes (for binary values), when it is one."""
    binary = _latin1(text)
    if binary is None:
        return None
    try:
        return re.compile(binary)
    except re.error:  # e.g. a \\u escape, which only text patterns know
        return None


def _subset(constant: Any, negated: bool, operator: str) -> Predicate:
    container = parse_network(constant, require_prefix=True)

    def subset(value: Any) -> bool:
        if container is None or not isinstance(value, str):
            return False
        inner = parse_network(value)
        if inner is None:
            return False
        return within(inner, container) != negated

    return subset


def _superset(constant: Any, negated: bool, operator: str) -> Predicate:
    inner = parse_network(constant)

    def superset(value: Any) -> bool:
        if inner is None or not isinstance(value, str):
            return False
        container = parse_network(value, require_prefix=True)
        if container is None:
            return False
        return within(inner, container) != negated

    return superset


_BUILDERS: dict[str, Callable[[Any, bool, str], Predicate]] = {
    "=": _equality,
    "!=": _equality,
    "<": _ordering,
    "<=": _ordering,
    ">": _ordering,
    ">=": _ordering,
    "IN": _membership,
    "LIKE": _like,
    "MATCHES": _matches,
    "ISSUBSET": _subset,
    "ISSUPERSET": _superset,
}
