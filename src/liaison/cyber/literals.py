"""The literal text every value matching a LIKE or MATCHES operand must contain.

The substring automaton finds, in one pass over a value, which operands' required literals it
contains; only those operands' regular expressions then run. The extraction is conservative: it
may answer None (no usable literal: the operand is checked against every value) but never a
literal that a matching value could lack.
"""

from __future__ import annotations

import unicodedata

MIN_LITERAL = 3

_QUANTIFIERS = frozenset("*?{")
_BREAKS = frozenset(".^$+)")


def like_literal(operand: str) -> str | None:
    """The longest run of plain characters between the `%` and `_` wildcards of a LIKE operand."""
    text = unicodedata.normalize("NFC", operand)
    runs = text.replace("_", "%").split("%")
    best = max(runs, key=len)
    return best if len(best) >= MIN_LITERAL else None


def _skip_class(regex: str, i: int) -> int:
    """The index just past the character class `[...]` that starts at `regex[i]`."""
    i += 1
    if i < len(regex) and regex[i] == "^":
        i += 1
    if i < len(regex) and regex[i] == "]":
        i += 1
    while i < len(regex) and regex[i] != "]":
        i += 2 if regex[i] == "\\" else 1
    return i + 1


def _skip_group(regex: str, i: int) -> int:
    """The index just past the group `( ... )` that starts at `regex[i]`."""
    depth = 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _skip_class(regex, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def regex_literal(regex: str) -> str | None:
    """The longest run of literal characters outside groups and classes of a MATCHES operand.

    Alternation anywhere or inline flags mean no literal; classes, groups, `.`, anchors and
    escapes such as `\\d` break a run; a character followed by `*`, `?` or `{` may be absent and
    is left out.
    """
    text = unicodedata.normalize("NFC", regex)
    if "|" in text or "(?" in text:
        return None
    runs: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and not text[i + 1].isalnum():
            run.append(text[i + 1])
            i += 2
            continue
        if char not in _BREAKS and char not in _QUANTIFIERS and char not in "\\[()":
            run.append(char)
            i += 1
            continue
        if char in _QUANTIFIERS and run:
            run.pop()
        runs.append("".join(run))
        run = []
        i = _SKIPS[char](text, i) if char in _SKIPS else i + 1
    runs.append("".join(run))
    best = max(runs, key=len)
    return best if len(best) >= MIN_LITERAL else None


def _skip_quantifier(regex: str, i: int) -> int:
    """The index just past a `{m,n}` quantifier (or past a lone `{` read as one)."""
    end = regex.find("}", i)
    return len(regex) if end == -1 else end + 1


def _skip_escape(regex: str, i: int) -> int:
    """The index past an escape such as `\\d`, `\\x41` or `\\N{...}`: with its letter, every
    letter, digit and brace that follows (some of them may belong to the escape)."""
    i += 2
    while i < len(regex) and (regex[i].isalnum() or regex[i] in "{}"):
        i += 1
    return i


_SKIPS = {"[": _skip_class, "(": _skip_group, "{": _skip_quantifier, "\\": _skip_escape}
