"""One comparison of a pattern, compiled: its path, its exact test, and the index that finds it.

A comparison is *indexed* when a lookup can list the values that satisfy it: `=` and `IN` on
strings or numbers (hash table), CIDR `ISSUBSET` (prefix index), `LIKE` / `MATCHES` with a
required literal (substring automaton). Negations, `!=`, ordering, `ISSUPERSET`, `EXISTS` and
operands without a usable literal are *direct*: tested only on events where the rest of their
observation makes them worth testing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from liaison.cyber.literals import like_literal, regex_literal
from liaison.cyber.network import Network, parse_network
from liaison.cyber.values import Predicate, predicate, python_literal
from liaison.stix.patterns import Comparison, LiteralValue


class IndexKind(enum.Enum):
    """Where a comparison is found for a value."""

    EQUALITY = "equality"
    PREFIX = "prefix"
    TEXT = "text"
    DIRECT = "direct"


@dataclass(frozen=True, slots=True)
class CompiledComparison:
    """A comparison ready to run: `id` is unique per distinct comparison among all patterns.

    `constants` are the hash keys (for EQUALITY), `block` the CIDR block (PREFIX), `literal` the
    required substring (TEXT). `exists` marks `EXISTS` tests, which look at whether the path
    selects anything rather than at the values; `membership` marks `IN`.
    """

    id: int
    object_type: str
    path: int
    kind: IndexKind
    test: Predicate
    negated: bool = False
    exists: bool = False
    membership: bool = False
    constants: tuple[Any, ...] = ()
    block: Network | None = None
    literal: str | None = None


_HASHABLE = (str, int, float)


def _hashable_constants(values: tuple[LiteralValue, ...]) -> bool:
    """Whether `IN` members can go into the equality table: all strings (Python's `in` would
    let `true` meet `1`, which the table keeps apart)."""
    return all(isinstance(value, str) for value in values)


def compile_comparison(comparison: Comparison, ident: int, path: int) -> CompiledComparison:
    """Compile `comparison` (its object path already registered as `path`).

    Raises `re.error` for a MATCHES operand Python cannot compile.
    """
    op, negated, value = comparison.operator, comparison.negated, comparison.value
    object_type = comparison.path.object_type
    if op == "EXISTS":
        return CompiledComparison(
            ident, object_type, path, IndexKind.DIRECT, _always, negated, exists=True
        )
    if op == "IN":
        assert isinstance(value, tuple)
        constant: Any = tuple(python_literal(item) for item in value)
    else:
        assert value is not None and not isinstance(value, tuple)
        constant = python_literal(value)
    test = predicate(op, negated, constant)
    kind, constants, block, literal = _placement(op, negated, value, constant)
    return CompiledComparison(
        ident, object_type, path, kind, test, negated,
        membership=op == "IN", constants=constants, block=block, literal=literal,
    )  # fmt: skip


def _placement(
    op: str, negated: bool, value: Any, constant: Any
) -> tuple[IndexKind, tuple[Any, ...], Network | None, str | None]:
    """Which index finds a comparison, with what it is entered under (see the module doc)."""
    direct: tuple[IndexKind, tuple[Any, ...], Network | None, str | None]
    direct = (IndexKind.DIRECT, (), None, None)
    if negated:
        return direct
    if op == "=" and isinstance(value, _HASHABLE):
        return IndexKind.EQUALITY, (constant,), None, None
    if op == "IN" and _hashable_constants(value):
        return IndexKind.EQUALITY, constant, None, None
    if op == "ISSUBSET":
        block = parse_network(value, require_prefix=True)
        return direct if block is None else (IndexKind.PREFIX, (), block, None)
    if op in ("LIKE", "MATCHES"):
        literal = like_literal(value) if op == "LIKE" else regex_literal(value)
        return direct if literal is None else (IndexKind.TEXT, (), None, literal)
    return direct


def _always(value: Any) -> bool:
    return True
