"""Fast, dependency-free parser for the STIX 2.1 Patterning language.

STIX 2.1 indicators carry their detection logic as a *pattern* string (STIX 2.1
specification, section 9 "STIX Patterning"), for example::

    [file:hashes.'SHA-256' = '...' AND file:name = 'x.exe']
        FOLLOWEDBY [network-traffic:dst_ref.value = '203.0.113.5']
        WITHIN 300 SECONDS

The OASIS reference implementation (``stix2-patterns``) validates patterns
with an ANTLR-generated parser, which is far too slow for bulk imports of
hundreds of thousands of indicators.  This module is a hand-written
replacement: one compiled master regular expression tokenizes the text and a
recursive-descent parser builds an immutable AST of frozen, slotted
dataclasses.  It uses only the standard library.

The accepted language is that of the reference grammar (``STIXPattern.g4``
for 2.1) plus the checks ``stix2patterns.validator.run_validator(pattern,
stix_version="2.1")`` performs after parsing, so that :func:`parse_pattern`
accepts a pattern exactly when the reference validator reports no errors.
Precedence, loosest first: ``FOLLOWEDBY``, observation ``OR``, observation
``AND``, then qualifiers (``WITHIN``, ``REPEATS``, ``START ... STOP``), which
are postfix, left-associative and may be chained in any order on a bracketed
observation or a parenthesized group.  Inside brackets ``AND`` binds tighter
than ``OR``.  All binary operators are left-associative and keywords are
case-sensitive (``true``/``false`` are lower case, everything else upper case).

Where the reference validator is looser than the specification text, or adds
checks of its own, this module follows the reference validator:

* ``==`` and ``<>`` are accepted as spellings of ``=`` and ``!=`` (the AST
  always holds ``=`` / ``!=``).
* ``/* ... */`` and ``// ...`` comments are accepted anywhere except before
  the first ``[`` (the reference's ``brackets_check`` rejects them there).
  Whitespace is the grammar's set, which includes several Unicode spaces.
* Object type names only have to match ``[A-Za-z_][A-Za-z0-9_-]*``:
  upper case, underscores and one- or two-character names are accepted.
* ``REPEATS 0 TIMES`` and ``WITHIN 0 SECONDS`` are accepted; the count and
  the duration only have to be unsigned (``+5`` and ``.5`` are fine).
* Timestamps are checked lexically only (month 01-12, day 01-31, hour 00-23,
  minute 00-59, second 00-60), so ``t'2021-02-30T00:00:00Z'`` is accepted.
  ``START`` is not required to be earlier than ``STOP``.
* ``IN ()`` (an empty set) is accepted.
* Values compared with a ``hashes`` dictionary entry are checked against the
  reference's per-algorithm regular expressions (MD5, SHA-1, SHA-256, ...,
  SSDEEP, WHIRLPOOL; the key is upper-cased and stripped of ``-`` and ``'``).
  As in the reference the check runs on the literal's source text with every
  ``'`` removed, so ``IN`` against a known hash algorithm is always rejected,
  non-string literals are checked by their digits, ``$`` tolerates a trailing
  newline, and MD6 only needs a 32-hex-digit prefix.
* A qualifier type may appear only once on a bracketed observation
  (``[...] WITHIN 1 SECONDS WITHIN 2 SECONDS`` is rejected), but may repeat on
  a parenthesized group (``([...]) WITHIN 1 SECONDS WITHIN 2 SECONDS``).

Two grammar-valid forms make the reference validator raise an exception
instead of answering; both are rejected here: a negative list index such as
``[-1]``, and an integer list index as the last step of a compared path that
goes through ``hashes`` (e.g. ``file:hashes[0] = '...'``).  Parentheses nested
deeper than the Python recursion limit allows (a couple of hundred levels) are
rejected too; the reference raises ``RecursionError`` at a similar depth.

``parse_pattern(text, strict=True)`` additionally enforces rules that the
specification states but the reference does not check: real calendar dates in
timestamps, object type names of 3-250 characters from ``a-z``, ``0-9`` and
``-``, ``REPEATS`` of at least 1 and ``WITHIN`` greater than 0.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "STAR",
    "BinaryLiteral",
    "Comparison",
    "ComparisonExpression",
    "ComparisonOp",
    "HexLiteral",
    "LiteralValue",
    "ObjectPath",
    "Observation",
    "ObservationExpression",
    "ObservationOp",
    "PathStep",
    "Pattern",
    "PatternSyntaxError",
    "Repeats",
    "StartStop",
    "TimestampLiteral",
    "Value",
    "Wildcard",
    "Within",
    "object_types",
    "parse_pattern",
]


class PatternSyntaxError(ValueError):
    """A pattern that the STIX 2.1 grammar or the reference checks reject.

    ``position`` is the 0-based character offset in the pattern text where the
    problem was detected and ``message`` describes it, so bulk importers can
    report exactly what is wrong with each rejected indicator.  The exception
    pickles cleanly, which matters when validation runs in worker processes.
    """

    def __init__(self, position: int, message: str) -> None:
        super().__init__(position, message)
        self.position = position
        self.message = message

    def __str__(self) -> str:
        return f"at position {self.position}: {self.message}"


class Wildcard(enum.Enum):
    """Marker for the ``[*]`` ("any element") list index in an object path.

    A distinct type keeps ``[*]`` apart from a dictionary key spelled ``'*'``.
    """

    STAR = "*"


STAR = Wildcard.STAR


@dataclass(frozen=True, slots=True)
class TimestampLiteral:
    """A ``t'...'`` literal; ``text`` is the RFC 3339 text between the quotes."""

    text: str


@dataclass(frozen=True, slots=True)
class HexLiteral:
    """An ``h'...'`` literal; ``text`` is the hex digits between the quotes."""

    text: str


@dataclass(frozen=True, slots=True)
class BinaryLiteral:
    """A ``b'...'`` literal; ``text`` is the base64 text between the quotes."""

    text: str


PathStep: TypeAlias = "str | int | Wildcard"
LiteralValue: TypeAlias = "str | int | float | bool | TimestampLiteral | HexLiteral | BinaryLiteral"
Value: TypeAlias = "LiteralValue | tuple[LiteralValue, ...] | None"


@dataclass(frozen=True, slots=True)
class ObjectPath:
    """An object path such as ``network-traffic:src_ref.value``.

    ``steps`` starts with the top-level property name, followed by dictionary
    keys / property names (``str``, quotes removed), list indices (``int``)
    and :data:`STAR` for ``[*]``.
    """

    object_type: str
    steps: tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """One comparison inside brackets, e.g. ``file:name NOT LIKE 'a%'``.

    ``operator`` is one of ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``,
    ``IN``, ``LIKE``, ``MATCHES``, ``ISSUBSET``, ``ISSUPERSET`` or
    ``EXISTS``; ``negated`` records a ``NOT`` prefix.  ``value`` is a tuple
    for ``IN`` and ``None`` for ``EXISTS``.
    """

    path: ObjectPath
    operator: str
    negated: bool
    value: Value


@dataclass(frozen=True, slots=True)
class ComparisonOp:
    """Two comparison expressions joined by ``AND`` or ``OR`` (``op``)."""

    op: str
    left: ComparisonExpression
    right: ComparisonExpression


@dataclass(frozen=True, slots=True)
class Observation:
    """A bracketed comparison expression: ``[ ... ]``."""

    expr: ComparisonExpression


@dataclass(frozen=True, slots=True)
class ObservationOp:
    """Two observation expressions joined by ``AND``, ``OR`` or ``FOLLOWEDBY``."""

    op: str
    left: ObservationExpression
    right: ObservationExpression


@dataclass(frozen=True, slots=True)
class Within:
    """``expr WITHIN <seconds> SECONDS``."""

    expr: ObservationExpression
    seconds: float


@dataclass(frozen=True, slots=True)
class Repeats:
    """``expr REPEATS <times> TIMES``."""

    expr: ObservationExpression
    times: int


@dataclass(frozen=True, slots=True)
class StartStop:
    """``expr START t'<start>' STOP t'<stop>'``; timestamps without ``t'...'``."""

    expr: ObservationExpression
    start: str
    stop: str


ComparisonExpression: TypeAlias = "Comparison | ComparisonOp"
ObservationExpression: TypeAlias = "Observation | ObservationOp | Within | Repeats | StartStop"


@dataclass(frozen=True, slots=True)
class Pattern:
    """A parsed pattern; ``expr`` is the root observation expression."""

    expr: ObservationExpression


# --------------------------------------------------------------------------
# Tokenizer.  Token kinds are short strings: punctuation, operators and
# keywords use their own spelling, everything else an upper-case tag.  The
# alternatives are ordered so that the first one to match is also the longest
# one, which is the rule the reference (ANTLR) lexer applies.

_STR = "STRING"
_INT = "INT"  # unsigned, optionally with '+'
_NINT = "NEGATIVE INT"
_FLOAT = "FLOAT"  # unsigned, optionally with '+'
_NFLOAT = "NEGATIVE FLOAT"
_TS = "TIMESTAMP"
_HEX = "HEX"
_BIN = "BINARY"
_BOOL = "BOOL"
_NAME = "NAME"  # identifier without '-'
_HNAME = "HYPHENATED NAME"
_BAD = "BAD"
_EOF = "EOF"

_TOKEN_RE = re.compile(
    r"""
    (?:[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+
      |/\*.*?\*/|//[^\r\n]*)*
    (?:
       (t'[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])
          T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?Z')
      |(h'(?:[0-9A-Fa-f]{2})*')
      |(b'(?:[A-Za-z0-9+/]{4})*
          (?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)')
      |('[^'\\]*(?:\\['\\][^'\\]*)*')
      |([A-Za-z_][A-Za-z0-9_-]*)
      |(-[0-9]*\.[0-9]+)
      |(\+?[0-9]*\.[0-9]+)
      |(-(?:0|[1-9][0-9]*))
      |(\+?(?:0|[1-9][0-9]*))
      |(<=|>=|<>|!=|==|[=<>:.,()\[\]*])
      |(.)
      |\Z
    )
    """,
    re.DOTALL | re.VERBOSE,
)
_G_NAME = 5
_G_PUNCT = 10
_GROUP_KINDS = ("", _TS, _HEX, _BIN, _STR, _NAME, _NFLOAT, _FLOAT, _NINT, _INT, "", _BAD)
_PUNCT_KINDS = {
    "<=": "<=", ">=": ">=", "<>": "!=", "!=": "!=", "==": "=", "=": "=", "<": "<", ">": ">",
    ":": ":", ".": ".", ",": ",", "(": "(", ")": ")", "[": "[", "]": "]", "*": "*",
}  # fmt: skip
_KEYWORDS = {
    word: word
    for word in (
        "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUPERSET", "ISSUBSET",
        "EXISTS", "LAST", "IN", "START", "STOP", "SECONDS", "WITHIN", "REPEATS", "TIMES",
    )
} | {"true": _BOOL, "false": _BOOL}  # fmt: skip

# The reference's brackets_check: only str.isspace() characters and '(' may
# precede the first '['.
_LEADING_RE = re.compile(r"[\s(]*")

_ORDER_OPERATORS = frozenset({"<", "<=", ">", ">="})
_STRING_OPERATORS = frozenset({"LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"})
_ORDERABLE = frozenset({_INT, _NINT, _FLOAT, _NFLOAT, _STR, _BIN, _HEX, _TS})
_PRIMITIVE = _ORDERABLE | {_BOOL}
_UNESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)

# Per-algorithm value checks of the reference validator, keyed by the hash
# name upper-cased with '-' and "'" removed.  re.match semantics are kept on
# purpose (see the module docstring for the MD6 and trailing-newline quirks).
_HASH_RES = {
    key: re.compile(rx)
    for key, rx in {
        "MD5": r"^[a-fA-F0-9]{32}$",
        "MD6": r"[a-fA-F0-9]{32}|\n    [a-fA-F0-9]{64}",
        "RIPEMD160": r"^[a-fA-F0-9]{40}$",
        "SHA1": r"^[a-fA-F0-9]{40}$",
        "SHA224": r"^[a-fA-F0-9]{56}$",
        "SHA256": r"^[a-fA-F0-9]{64}$",
        "SHA384": r"^[a-fA-F0-9]{96}$",
        "SHA512": r"^[a-fA-F0-9]{128}$",
        "SHA3224": r"^[a-fA-F0-9]{56}$",
        "SHA3256": r"^[a-fA-F0-9]{64}$",
        "SHA3384": r"^[a-fA-F0-9]{96}$",
        "SHA3512": r"^[a-fA-F0-9]{128}$",
        "SSDEEP": r"^[a-zA-Z0-9/+:.]{1,128}$",
        "WHIRLPOOL": r"^[a-fA-F0-9]{128}$",
    }.items()
}

_STRICT_TYPE_RE = re.compile(r"[a-z0-9-]{3,250}")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_LITERAL_PREFIXES = {"t": "timestamp", "h": "hex", "b": "binary"}


def _string_value(text: str) -> str:
    """Return the value of a string literal token (quotes and escapes removed)."""
    inner = text[1:-1]
    return _UNESCAPE_RE.sub(r"\1", inner) if "\\" in inner else inner


_CONVERTERS: dict[str, Callable[[str], LiteralValue]] = {
    _STR: _string_value,
    _INT: int,
    _NINT: int,
    _FLOAT: float,
    _NFLOAT: float,
    _BOOL: "true".__eq__,
    _TS: lambda text: TimestampLiteral(text[2:-1]),
    _HEX: lambda text: HexLiteral(text[2:-1]),
    _BIN: lambda text: BinaryLiteral(text[2:-1]),
}


def _is_calendar_date(timestamp: str) -> bool:
    """Tell whether the ``YYYY-MM-DD`` prefix of ``timestamp`` is a real date."""
    year, month, day = int(timestamp[:4]), int(timestamp[5:7]), int(timestamp[8:10])
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= _DAYS_IN_MONTH[month - 1] + leap


class _Parser:
    """Recursive-descent parser over the token arrays of one pattern."""

    __slots__ = ("i", "kinds", "starts", "strict", "texts")

    def __init__(self, text: str, strict: bool) -> None:
        kinds: list[str] = []
        texts: list[str] = []
        starts: list[int] = []
        for match in _TOKEN_RE.finditer(text):
            group = match.lastindex
            if group is None:  # only skipped whitespace/comments before the end
                break
            lexeme = match.group(group)
            if group == _G_NAME:
                kind = _KEYWORDS.get(lexeme) or (_HNAME if "-" in lexeme else _NAME)
            elif group == _G_PUNCT:
                kind = _PUNCT_KINDS[lexeme]
            else:
                kind = _GROUP_KINDS[group]
            kinds.append(kind)
            texts.append(lexeme)
            starts.append(match.start(group))
            if kind == _BAD:
                # Parsing fails at or before this token, so the rest is never
                # looked at; stopping also keeps runs of unterminated '/*' or
                # "'" (each rescanned to the end) from making tokenizing O(n^2).
                break
        kinds.append(_EOF)
        texts.append("")
        starts.append(len(text))
        self.kinds = kinds
        self.texts = texts
        self.starts = starts
        self.i = 0
        self.strict = strict

    # -- errors -------------------------------------------------------------

    def _error_at(self, index: int, message: str) -> PatternSyntaxError:
        """Build an error located at token ``index``."""
        return PatternSyntaxError(self.starts[index], message)

    def _unexpected(self, expected: str) -> PatternSyntaxError:
        """Build an error saying what was expected at the current token."""
        i = self.i
        kind, lexeme = self.kinds[i], self.texts[i]
        if kind == _EOF:
            return self._error_at(i, f"expected {expected}, found end of pattern")
        if kind == _BAD and lexeme == "'":
            return self._error_at(
                i, "malformed string literal (unterminated, or an escape other than \\' or \\\\)"
            )
        if kind == _BAD:
            return self._error_at(i, f"unexpected character {lexeme!r}")
        if (
            kind == _NAME
            and lexeme in _LITERAL_PREFIXES
            and self.texts[i + 1][:1] == "'"
            and self.starts[i + 1] == self.starts[i] + 1
        ):
            return self._error_at(i, f"malformed {_LITERAL_PREFIXES[lexeme]} literal")
        shown = lexeme if len(lexeme) <= 40 else lexeme[:37] + "..."
        return self._error_at(i, f"expected {expected}, found {shown!r}")

    def _expect(self, kind: str, expected: str) -> int:
        """Consume a token of ``kind`` and return its index, or raise."""
        i = self.i
        if self.kinds[i] != kind:
            raise self._unexpected(expected)
        self.i = i + 1
        return i

    # -- observation level --------------------------------------------------

    def pattern(self) -> Pattern:
        """pattern := followedBy EOF"""
        expr = self._followed_by()
        if self.kinds[self.i] != _EOF:
            raise self._unexpected("'AND', 'OR', 'FOLLOWEDBY', a qualifier or end of pattern")
        return Pattern(expr)

    def _followed_by(self) -> ObservationExpression:
        """followedBy := obsOr ('FOLLOWEDBY' obsOr)*"""
        left = self._observation_or()
        kinds = self.kinds
        while kinds[self.i] == "FOLLOWEDBY":
            self.i += 1
            left = ObservationOp("FOLLOWEDBY", left, self._observation_or())
        return left

    def _observation_or(self) -> ObservationExpression:
        """obsOr := obsAnd ('OR' obsAnd)*"""
        left = self._observation_and()
        kinds = self.kinds
        while kinds[self.i] == "OR":
            self.i += 1
            left = ObservationOp("OR", left, self._observation_and())
        return left

    def _observation_and(self) -> ObservationExpression:
        """obsAnd := qualified ('AND' qualified)*"""
        left = self._qualified()
        kinds = self.kinds
        while kinds[self.i] == "AND":
            self.i += 1
            left = ObservationOp("AND", left, self._qualified())
        return left

    def _qualified(self) -> ObservationExpression:
        """qualified := ('[' compOr ']' | '(' followedBy ')') qualifier*"""
        kinds = self.kinds
        kind = kinds[self.i]
        expr: ObservationExpression
        if kind == "[":
            self.i += 1
            expr = Observation(self._comparison_or())
            self._expect("]", "']'")
            seen: set[str] | None = set()
        elif kind == "(":
            self.i += 1
            expr = self._followed_by()
            self._expect(")", "')'")
            seen = None  # the reference only rejects repeats on [...] itself
        else:
            raise self._unexpected("'[' or '('")
        while (kind := kinds[self.i]) in ("WITHIN", "REPEATS", "START"):
            if seen is not None:
                if kind in seen:
                    raise self._error_at(self.i, f"duplicate {kind} qualifier on an observation")
                seen.add(kind)
            self.i += 1
            if kind == "WITHIN":
                expr = Within(expr, self._within_seconds())
                self._expect("SECONDS", "'SECONDS'")
            elif kind == "REPEATS":
                expr = Repeats(expr, self._repeat_count())
                self._expect("TIMES", "'TIMES'")
            else:
                start = self._timestamp()
                self._expect("STOP", "'STOP'")
                expr = StartStop(expr, start, self._timestamp())
        return expr

    def _within_seconds(self) -> float:
        """Consume the unsigned number of a WITHIN qualifier."""
        i = self.i
        if self.kinds[i] not in (_INT, _FLOAT):
            raise self._unexpected("a non-negative number of seconds")
        self.i = i + 1
        seconds = float(self.texts[i])
        if self.strict and seconds <= 0:
            raise self._error_at(i, "WITHIN needs a positive number of seconds")
        return seconds

    def _repeat_count(self) -> int:
        """Consume the unsigned integer of a REPEATS qualifier."""
        i = self._expect(_INT, "a non-negative integer")
        times = int(self.texts[i])
        if self.strict and times < 1:
            raise self._error_at(i, "REPEATS needs a positive integer")
        return times

    def _timestamp(self) -> str:
        """Consume a timestamp literal of START/STOP and return its text."""
        i = self._expect(_TS, "a timestamp literal t'YYYY-MM-DDTHH:MM:SS[.s]Z'")
        if self.strict:
            self._check_calendar_date(i)
        return self.texts[i][2:-1]

    def _check_calendar_date(self, i: int) -> None:
        """Strict mode: reject timestamp token ``i`` unless its date exists."""
        text = self.texts[i][2:-1]
        if not _is_calendar_date(text):
            raise self._error_at(i, f"{text!r} is not a real calendar date")

    # -- comparison level ---------------------------------------------------

    def _comparison_or(self) -> ComparisonExpression:
        """compOr := compAnd ('OR' compAnd)*"""
        left = self._comparison_and()
        kinds = self.kinds
        while kinds[self.i] == "OR":
            self.i += 1
            left = ComparisonOp("OR", left, self._comparison_and())
        return left

    def _comparison_and(self) -> ComparisonExpression:
        """compAnd := propTest ('AND' propTest)*"""
        left = self._prop_test()
        kinds = self.kinds
        while kinds[self.i] == "AND":
            self.i += 1
            left = ComparisonOp("AND", left, self._prop_test())
        return left

    def _prop_test(self) -> ComparisonExpression:
        """propTest := '(' compOr ')' | 'NOT'? 'EXISTS' path | path 'NOT'? op value"""
        kinds = self.kinds
        kind = kinds[self.i]
        if kind == "(":
            self.i += 1
            expr = self._comparison_or()
            self._expect(")", "')'")
            return expr
        if kind == "NOT":
            self.i += 1
            self._expect("EXISTS", "'EXISTS'")
            return Comparison(self._object_path(), "EXISTS", True, None)
        if kind == "EXISTS":
            self.i += 1
            return Comparison(self._object_path(), "EXISTS", False, None)
        path = self._object_path()
        path_end = self.i
        negated = kinds[self.i] == "NOT"
        if negated:
            self.i += 1
        op = kinds[self.i]
        value_index = self.i + 1
        value: Value
        if op == "=" or op == "!=":
            self.i = value_index
            value = self._literal(_PRIMITIVE, "a literal value")
        elif op in _ORDER_OPERATORS:
            self.i = value_index
            value = self._literal(_ORDERABLE, "a number, string, binary or timestamp literal")
        elif op == "IN":
            self.i = value_index
            value = self._set_literal()
        elif op in _STRING_OPERATORS:
            self.i = value_index
            value = self._literal((_STR,), "a string literal")
        else:
            raise self._unexpected("a comparison operator")
        if "hashes" in path.steps:
            self._check_hash(path, path_end, value_index)
        return Comparison(path, op, negated, value)

    def _object_path(self) -> ObjectPath:
        """path := type ':' (NAME | STRING) ('.' (NAME | STRING) | '[' index ']')*"""
        kinds, texts = self.kinds, self.texts
        i = self.i
        if kinds[i] != _NAME and kinds[i] != _HNAME:
            raise self._unexpected("an object type")
        object_type = texts[i]
        if self.strict and not _STRICT_TYPE_RE.fullmatch(object_type):
            raise self._error_at(
                i, f"object type {object_type!r} must be 3-250 characters of a-z, 0-9 and '-'"
            )
        self.i = i + 1
        self._expect(":", "':'")
        steps: list[PathStep] = [self._key("a property name")]
        while True:
            kind = kinds[self.i]
            if kind == ".":
                self.i += 1
                steps.append(self._key("a property name or quoted key"))
            elif kind == "[":
                i = self.i + 1
                kind = kinds[i]
                if kind == _INT:
                    steps.append(int(texts[i]))
                elif kind == "*":
                    steps.append(STAR)
                elif kind == _NINT:
                    raise self._error_at(i, "list index must not be negative")
                else:
                    self.i = i
                    raise self._unexpected("a list index or '*'")
                self.i = i + 1
                self._expect("]", "']'")
            else:
                return ObjectPath(object_type, tuple(steps))

    def _key(self, expected: str) -> str:
        """Consume a property name or a quoted key and return its value."""
        i = self.i
        kind = self.kinds[i]
        if kind == _NAME:
            self.i = i + 1
            return self.texts[i]
        if kind == _STR:
            self.i = i + 1
            return _string_value(self.texts[i])
        raise self._unexpected(expected)

    def _literal(self, allowed: frozenset[str] | tuple[str, ...], expected: str) -> LiteralValue:
        """Consume one literal whose kind is in ``allowed`` and convert it."""
        i = self.i
        kind = self.kinds[i]
        if kind not in allowed:
            raise self._unexpected(expected)
        self.i = i + 1
        if kind == _TS and self.strict:
            self._check_calendar_date(i)
        return _CONVERTERS[kind](self.texts[i])

    def _set_literal(self) -> tuple[LiteralValue, ...]:
        """set := '(' ')' | '(' literal (',' literal)* ')'"""
        self._expect("(", "'(' starting a set of values")
        kinds = self.kinds
        if kinds[self.i] == ")":
            self.i += 1
            return ()
        items = [self._literal(_PRIMITIVE, "a literal value")]
        while kinds[self.i] == ",":
            self.i += 1
            items.append(self._literal(_PRIMITIVE, "a literal value"))
        self._expect(")", "',' or ')'")
        return tuple(items)

    def _check_hash(self, path: ObjectPath, path_end: int, value_index: int) -> None:
        """Apply the reference validator's checks to a comparison on ``hashes``.

        ``path_end`` is the token index just past the object path and
        ``value_index`` the first token of the value, which has just been
        consumed (the value spans the tokens up to ``self.i``).
        """
        selector = path.steps[-1]
        if selector is STAR:
            return
        if isinstance(selector, int):
            raise self._error_at(  # path_end - 2: the index inside the final [...]
                path_end - 2, "a hash must be selected by algorithm name, not by list index"
            )
        value_text = "".join(self.texts[value_index : self.i]).replace("'", "")
        if not _hash_value_ok(selector, value_text):
            raise self._error_at(value_index, f"{value_text!r} is not a valid {selector} hash")


def _hash_value_ok(selector: str, value_text: str) -> bool:
    """The reference's check of a value compared with ``hashes.<selector>``."""
    check = _HASH_RES.get(selector.upper().replace("-", "").replace("'", ""))
    return check is None or check.match(value_text) is not None


# The commonest indicator shape, ``[type:prop.'key' = 'value']`` with single spaces and no
# escapes, is recognised by one regular expression; anything else goes to the full parser.
_NAME_STEP = r"[A-Za-z_][A-Za-z0-9_]*"
_QUOTED_STEP = r"'[^'\\]*'"
_SIMPLE_RE = re.compile(
    rf"\[([A-Za-z_][A-Za-z0-9_-]*):((?:{_NAME_STEP}|{_QUOTED_STEP})"
    rf"(?:\.(?:{_NAME_STEP}|{_QUOTED_STEP}))*) = '([^'\\]*)'\]"
)
_STEP_RE = re.compile(rf"({_NAME_STEP})|'([^'\\]*)'")


def _parse_simple(text: str, strict: bool) -> Pattern | None:
    """The AST of a one-comparison string-equality pattern, or None to use the full parser."""
    match = _SIMPLE_RE.fullmatch(text)
    if match is None:
        return None
    object_type, path, value = match.groups()
    if object_type in _KEYWORDS or (strict and not _STRICT_TYPE_RE.fullmatch(object_type)):
        return None
    if "'" in path:
        found = _STEP_RE.findall(path)
        steps = [name or key for name, key in found]
        names = [name for name, _ in found if name]
    else:
        steps = names = path.split(".")
    if any(name in _KEYWORDS for name in names):
        return None
    if "hashes" in steps and not _hash_value_ok(steps[-1], value):
        return None
    comparison = Comparison(ObjectPath(object_type, tuple(steps)), "=", False, value)
    return Pattern(Observation(comparison))


def parse_pattern(text: str, *, strict: bool = False) -> Pattern:
    """Parse a STIX 2.1 pattern into an immutable AST.

    The pattern is accepted exactly when the OASIS reference validator
    (``stix2patterns``, STIX 2.1 mode) accepts it, so indicators can be
    validated in bulk without the much slower ANTLR-based reference.  With
    ``strict=True`` the spec rules the reference leaves unchecked are enforced
    as well (see the module docstring).

    Raises :class:`PatternSyntaxError` with the offending position otherwise.
    """
    simple = _parse_simple(text, strict)
    if simple is not None:
        return simple
    leading = _LEADING_RE.match(text).end()  # type: ignore[union-attr]  # always matches
    if text[leading : leading + 1] != "[":
        raise PatternSyntaxError(
            leading,
            "expected '[' or '(' (only whitespace and '(' may precede the first '[')",
        )
    parser = _Parser(text, strict)
    try:
        return parser.pattern()
    except RecursionError:
        raise PatternSyntaxError(parser.starts[parser.i], "pattern is nested too deeply") from None


def object_types(pattern: Pattern) -> frozenset[str]:
    """Every object type a pattern's object paths name (``file`` in ``[file:name = 'x']``)."""
    found: set[str] = set()
    pending: list[ObservationExpression | ComparisonExpression] = [pattern.expr]
    while pending:
        expr = pending.pop()
        if isinstance(expr, Comparison):
            found.add(expr.path.object_type)
        elif isinstance(expr, ComparisonOp | ObservationOp):
            pending += (expr.left, expr.right)
        else:
            pending.append(expr.expr)
    return frozenset(found)
