"""The LIKE / MATCHES prefilter of one path: an Aho-Corasick automaton over required literals.

Each operand contributes the literal every matching value must contain (`literals`). One pass
of the automaton over a value yields the literals it contains; only the operands behind those
literals then run their exact test. Operands with no usable literal are not indexed here: the
compiler leaves them to direct evaluation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import ahocorasick


class TextIndex:
    """LIKE / MATCHES comparisons on one path, found through their required literals."""

    __slots__ = ("_automaton", "_by_literal")

    def __init__(self) -> None:
        self._by_literal: dict[str, list[tuple[int, Callable[[Any], bool]]]] = {}
        self._automaton: Any = None

    def add(self, literal: str, comparison: int, test: Callable[[Any], bool]) -> None:
        """Check `test` (the comparison's exact predicate) on values that contain `literal`."""
        self._by_literal.setdefault(literal, []).append((comparison, test))

    def freeze(self) -> None:
        """Build the automaton once every literal is in."""
        automaton = ahocorasick.Automaton()
        for literal in self._by_literal:
            automaton.add_word(literal, literal)
        automaton.make_automaton()
        self._automaton = automaton

    def satisfied(self, value: Any) -> list[int]:
        """The comparisons that `value` satisfies (strings; binary values read as Latin-1)."""
        kind = type(value)
        if kind is str:
            text = value if value.isascii() else unicodedata.normalize("NFC", value)
        elif kind is bytes:
            text = value.decode("latin-1")
        else:
            return []
        found: list[int] = []
        seen: set[str] | None = None
        for _end, literal in self._automaton.iter(text):
            if seen is None:
                seen = {literal}
            elif literal in seen:
                continue
            else:
                seen.add(literal)
            found.extend(
                comparison for comparison, test in self._by_literal[literal] if test(value)
            )
        return found
