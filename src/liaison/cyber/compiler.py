"""Patterns in, lookup tables out: what the matcher runs.

Identical comparisons and identical observation expressions across all indicators are compiled
once. Each observation expression gets a *trigger*: the indexed comparisons of which at least
one must be found in an event for it to hold (an AND needs only one side's; an OR needs both
sides'), or, when there is no such set, the object types it tests (it is then evaluated on every
event with an object of those types). An observation that is a single indexed comparison needs
no evaluation at all: the index hit is the match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from liaison.cyber.automaton import TextIndex
from liaison.cyber.comparisons import CompiledComparison, IndexKind, compile_comparison
from liaison.cyber.index import EqualityIndex, PrefixIndex
from liaison.cyber.observations import Evaluator, both, either, leaf
from liaison.cyber.paths import plain_keys
from liaison.cyber.temporal import Both, Either, Leaf, Node, Repeats, Through, Within, all_nodes
from liaison.cyber.values import read_timestamp
from liaison.stix.patterns import (
    Comparison,
    ComparisonExpression,
    ComparisonOp,
    Observation,
    ObservationExpression,
    ObservationOp,
    PathStep,
    Pattern,
    StartStop,
)
from liaison.stix.patterns import Repeats as RepeatsExpr
from liaison.stix.patterns import Within as WithinExpr

Key = TypeVar("Key", int, str)


@dataclass(frozen=True, slots=True)
class Entry:
    """One loaded indicator: `order` is its place in load order (hits come out in it)."""

    order: int
    indicator_id: str
    pattern: str


@dataclass(eq=False, slots=True)
class PatternState:
    """A pattern that needs more than one observation or has qualifiers, with its partial
    matches; `entries` are the indicators that carry this exact pattern text."""

    entries: list[Entry]
    root: Node
    nodes: list[Node]


@dataclass(slots=True)
class PathReader:
    """The indexed comparisons on one (object type, path): how to read the path and where to
    look its values up. For a path of plain keys, `first` and `rest` are its keys (read with
    dictionary lookups); otherwise `first` is None and `steps` are walked. `single` marks a
    one-key path with only an equality table, which the matcher reads in the fewest steps."""

    steps: tuple[PathStep, ...]
    first: str | None
    rest: tuple[str, ...]
    equality: dict[object, tuple[int, ...]] | None = None
    prefix: PrefixIndex | None = None
    text: TextIndex | None = None
    text_only: frozenset[int] = frozenset()
    single: bool = False


@dataclass(slots=True)
class Tables:
    """Everything `Matcher` reads (see compiler module docstring for the terms)."""

    paths: list[tuple[PathStep, ...]]
    readers: dict[str, tuple[PathReader, ...]]
    type_triggers: dict[str, tuple[int, ...]]
    exact: dict[int, tuple[int, ...]]
    triggered: dict[int, tuple[int, ...]]
    evaluators: list[Evaluator | None]
    simple: dict[int, list[Entry]]
    stateful: dict[int, list[PatternState]]
    indicator_count: int


@dataclass(frozen=True, slots=True)
class _Trigger:
    """Indexed comparison ids (`found`) one of which an event must show, else `types`."""

    found: frozenset[int] | None
    types: frozenset[str]


@dataclass(slots=True)
class _Building:
    equality: EqualityIndex | None = None
    prefix: PrefixIndex | None = None
    text: TextIndex | None = None


@dataclass(slots=True)
class Compiler:
    """Accumulates parsed patterns (`add`), then builds the `Tables` (`finish`)."""

    _paths: dict[tuple[str, tuple[PathStep, ...]], int] = field(default_factory=dict)
    _comparisons: dict[Comparison, CompiledComparison] = field(default_factory=dict)
    _observations: dict[ComparisonExpression, int] = field(default_factory=dict)
    _evaluators: list[Evaluator | None] = field(default_factory=list)
    _indexes: dict[int, _Building] = field(default_factory=dict)
    _type_triggers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _exact: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _triggered: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _simple: dict[int, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    _by_text: dict[str, PatternState] = field(default_factory=dict)
    _stateful: dict[int, list[PatternState]] = field(default_factory=lambda: defaultdict(list))
    _count: int = 0

    def add(self, indicator_id: str, text: str, pattern: Pattern) -> None:
        """Compile one indicator's parsed pattern.

        Raises `re.error` (a MATCHES operand) or `ValueError` (a START/STOP date that does not
        exist, `WITHIN 0`, `REPEATS 0`) for what the parser accepts but matching cannot
        use; the indicator is not added then.
        """
        entry = Entry(self._count, indicator_id, text)
        known = self._by_text.get(text)
        if known is not None:
            known.entries.append(entry)
        elif isinstance(pattern.expr, Observation):
            self._simple[self._observation(pattern.expr.expr)].append(entry)
        else:
            root = self._node(pattern.expr, keep=False, horizon=None, windows=())
            state = PatternState([entry], root, all_nodes(root))
            for node in state.nodes:
                if isinstance(node, Leaf):
                    owners = self._stateful[node.observation]
                    if not owners or owners[-1] is not state:
                        owners.append(state)
            self._by_text[text] = state
        self._count += 1

    def finish(self) -> Tables:
        """The finished tables (the compiler is spent afterwards)."""
        paths = [steps for (_, steps) in self._paths]
        readers: dict[str, list[PathReader]] = defaultdict(list)
        for (object_type, steps), ident in self._paths.items():
            building = self._indexes.get(ident)
            if building is None:
                continue
            if building.text is not None:
                building.text.freeze()
            equality = building.equality.freeze() if building.equality is not None else None
            only_equality = building.prefix is None and building.text is None
            keys = plain_keys(steps)
            first, rest = (keys[0], keys[1:]) if keys else (None, ())
            text_only = frozenset(building.equality.text_only if building.equality else ())
            single = only_equality and first is not None and not rest
            reader = PathReader(
                steps, first, rest, equality, building.prefix, building.text, text_only, single
            )
            readers[object_type].append(reader)
        return Tables(
            paths=paths,
            readers={key: tuple(value) for key, value in readers.items()},
            type_triggers=_frozen(self._type_triggers),
            exact=_frozen(self._exact),
            triggered=_frozen(self._triggered),
            evaluators=self._evaluators,
            simple=dict(self._simple),
            stateful=dict(self._stateful),
            indicator_count=self._count,
        )

    # -- observation expressions ---------------------------------------------------------

    def _observation(self, expr: ComparisonExpression) -> int:
        """The id of an observation expression, compiling it on first sight."""
        known = self._observations.get(expr)
        if known is not None:
            return known
        ident = len(self._evaluators)
        if isinstance(expr, Comparison):
            comparison = self._comparison(expr)
            if comparison.kind is not IndexKind.DIRECT:
                self._exact[comparison.id].append(ident)
                self._evaluators.append(None)
                self._observations[expr] = ident
                return ident
        evaluator, trigger = self._expression(expr)
        self._evaluators.append(evaluator)
        if trigger.found is not None:
            for comparison_id in trigger.found:
                self._triggered[comparison_id].append(ident)
        else:
            for object_type in trigger.types:
                self._type_triggers[object_type].append(ident)
        self._observations[expr] = ident
        return ident

    def _expression(self, expr: ComparisonExpression) -> tuple[Evaluator, _Trigger]:
        """The evaluator of a comparison expression and its trigger."""
        if isinstance(expr, Comparison):
            comparison = self._comparison(expr)
            types = frozenset({comparison.object_type})
            if comparison.kind is IndexKind.DIRECT:
                return leaf(comparison), _Trigger(None, types)
            return leaf(comparison), _Trigger(frozenset({comparison.id}), types)
        assert isinstance(expr, ComparisonOp)
        left, left_trigger = self._expression(expr.left)
        right, right_trigger = self._expression(expr.right)
        types = left_trigger.types | right_trigger.types
        if expr.op == "AND":
            return both(left, right), _narrower(left_trigger, right_trigger)
        if left_trigger.found is not None and right_trigger.found is not None:
            return either(left, right), _Trigger(left_trigger.found | right_trigger.found, types)
        return either(left, right), _Trigger(None, types)

    def _comparison(self, expr: Comparison) -> CompiledComparison:
        """The compiled form of a comparison, shared by every pattern that has it."""
        known = self._comparisons.get(expr)
        if known is not None:
            return known
        key = (expr.path.object_type, expr.path.steps)
        path = self._paths.setdefault(key, len(self._paths))
        compiled = compile_comparison(expr, len(self._comparisons), path)
        self._index(compiled)
        self._comparisons[expr] = compiled
        return compiled

    def _index(self, comparison: CompiledComparison) -> None:
        """Enter an indexed comparison in its path's index."""
        if comparison.kind is IndexKind.DIRECT:
            return
        building = self._indexes.setdefault(comparison.path, _Building())
        if comparison.kind is IndexKind.EQUALITY:
            building.equality = building.equality or EqualityIndex()
            membership = comparison.membership
            for constant in comparison.constants:
                building.equality.add(constant, comparison.id, membership=membership)
        elif comparison.kind is IndexKind.PREFIX:
            assert comparison.block is not None
            building.prefix = building.prefix or PrefixIndex()
            building.prefix.add(comparison.block, comparison.id)
        else:
            assert comparison.literal is not None
            building.text = building.text or TextIndex()
            building.text.add(comparison.literal, comparison.id, comparison.test)

    # -- observation operators and qualifiers ---------------------------------------------

    def _node(
        self,
        expr: ObservationExpression,
        *,
        keep: bool,
        horizon: int | None,
        windows: tuple[tuple[int, int], ...],
    ) -> Node:
        """The state-machine node of an observation-level expression (see `temporal`)."""
        if isinstance(expr, Observation):
            ident = self._observation(expr.expr)
            return Leaf(keep=keep, horizon=horizon, observation=ident, windows=windows)
        if isinstance(expr, ObservationOp):
            combines = expr.op != "OR"
            left = self._node(expr.left, keep=combines, horizon=horizon, windows=windows)
            right = self._node(expr.right, keep=combines, horizon=horizon, windows=windows)
            if not combines:
                return Either(keep=keep, horizon=horizon, left=left, right=right)
            ordered = expr.op == "FOLLOWEDBY"
            return Both(keep=keep, horizon=horizon, left=left, right=right, ordered=ordered)
        if isinstance(expr, WithinExpr):
            if expr.seconds <= 0:
                raise ValueError("WITHIN needs a positive number of seconds")
            span = round(expr.seconds * 1_000_000)
            inner = span if horizon is None else min(horizon, span)
            child = self._node(expr.expr, keep=False, horizon=inner, windows=windows)
            return Within(keep=keep, horizon=horizon, child=child, span=span)
        if isinstance(expr, RepeatsExpr):
            if expr.times < 1:
                raise ValueError("REPEATS needs a positive number of times")
            child = self._node(expr.expr, keep=True, horizon=horizon, windows=windows)
            return Repeats(keep=keep, horizon=horizon, child=child, times=expr.times)
        assert isinstance(expr, StartStop)
        window = (_microseconds(expr.start), _microseconds(expr.stop))
        child = self._node(expr.expr, keep=False, horizon=horizon, windows=(*windows, window))
        return Through(keep=keep, horizon=horizon, child=child)


def _narrower(left: _Trigger, right: _Trigger) -> _Trigger:
    """The trigger of an AND: the side with indexed comparisons, the smaller set if both."""
    types = left.types | right.types
    candidates = [t.found for t in (left, right) if t.found is not None]
    if candidates:
        return _Trigger(min(candidates, key=len), types)
    return _Trigger(None, min((left.types, right.types), key=len))


def _microseconds(timestamp: str) -> int:
    """A START/STOP timestamp as microseconds since the epoch."""
    moment = read_timestamp(timestamp)
    if moment is None:
        raise ValueError(f"START/STOP timestamp {timestamp!r} is not a real date")
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def _frozen(table: dict[Key, list[int]]) -> dict[Key, tuple[int, ...]]:
    return {key: tuple(value) for key, value in table.items()}
