"""One observation expression (`[ ... ]`) against one event: which root objects satisfy it.

As in the reference matcher, a comparison is satisfied by the objects of its type (the *root*
objects, before any reference is followed) of which at least one selected value passes the
test; `AND` keeps the root objects both sides share, `OR` those of either side, and the
observation holds when some root object is left. So `[file:name = 'a' AND file:size = 1]` needs
one file with both properties.

Indexed comparisons read their root objects from what the indexes found for the event (`found`);
direct ones are tested here, on the objects of their type only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from liaison.cyber.comparisons import CompiledComparison, IndexKind
from liaison.cyber.paths import Objects, walk
from liaison.stix.patterns import PathStep

_NONE: frozenset[str] = frozenset()


class EventView:
    """What evaluating observations needs of one event, computed at most once each."""

    __slots__ = ("_by_type", "found", "objects", "paths")

    def __init__(
        self,
        objects: Objects,
        found: dict[int, set[str]],
        paths: list[tuple[PathStep, ...]],
    ) -> None:
        self.objects = objects
        self.found = found
        self.paths = paths
        self._by_type: dict[str, list[tuple[str, Mapping[str, Any]]]] | None = None

    def of_type(self, object_type: str) -> list[tuple[str, Mapping[str, Any]]]:
        """The (key, object) pairs of the event's objects of `object_type`."""
        if self._by_type is None:
            by_type: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
            for key, obj in self.objects.items():
                by_type.setdefault(obj.get("type", ""), []).append((key, obj))
            self._by_type = by_type
        return self._by_type.get(object_type, [])

    def direct(self, comparison: CompiledComparison) -> frozenset[str]:
        """The root objects satisfying a direct comparison."""
        steps = self.paths[comparison.path]
        roots = []
        for key, obj in self.of_type(comparison.object_type):
            values = walk(obj, steps, self.objects)
            if comparison.exists:
                passed = bool(values) != comparison.negated
            else:
                test = comparison.test
                passed = any(test(value) for value in values)
            if passed:
                roots.append(key)
        return frozenset(roots)


Evaluator = Callable[[EventView], "frozenset[str] | set[str]"]


def leaf(comparison: CompiledComparison) -> Evaluator:
    """The evaluator of one comparison."""
    if comparison.kind is IndexKind.DIRECT:
        return lambda view: view.direct(comparison)
    ident = comparison.id
    return lambda view: view.found.get(ident, _NONE)


def both(left: Evaluator, right: Evaluator) -> Evaluator:
    """`left AND right`: root objects satisfying both (the right side skipped when none)."""

    def evaluate(view: EventView) -> frozenset[str] | set[str]:
        roots = left(view)
        return roots & right(view) if roots else _NONE

    return evaluate


def either(left: Evaluator, right: Evaluator) -> Evaluator:
    """`left OR right`: root objects satisfying either side."""
    return lambda view: left(view) | right(view)
