"""Observation operators and qualifiers over the event stream: each pattern's partial matches.

A *binding* is a set of events (with multiplicity) that satisfies a sub-expression. For every
event, each node computes the new bindings that include that event, bottom-up, from its
children's new bindings and the bindings its children kept from earlier events; the pattern has
a hit when its root gets one. This finds every match the OASIS `stix2-matcher` would find among
the events seen so far, with its rules:

* an event stands for `number_observed` observations: a binding may use it that many times, and
  no more (so `[a] AND [a]` needs two observations);
* `A FOLLOWEDBY B`: the latest `first_observed` of A's events is at most the earliest
  `last_observed` of B's;
* `WITHIN n SECONDS`: the latest `first_observed` is at most the earliest `last_observed` plus n
  (a window of n seconds can touch every event's interval);
* `START s STOP t`: every event's interval meets [s, t) (`first_observed` < t, `last_observed`
  ≥ s). This is a test on each event alone, so it is applied where events enter (the leaves);
* `REPEATS n TIMES`: n bindings of the sub-expression that together respect multiplicity.

State is bounded: only nodes under AND, FOLLOWEDBY or REPEATS keep bindings; under a WITHIN a
binding is dropped once the newest `first_observed` seen is past its window (exact when events
arrive in `first_observed` order, as logs do); and each node keeps at most `MAX_KEPT`, the
newest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from liaison.cyber.events import LogEvent

MAX_KEPT = 64


@dataclass(frozen=True, slots=True)
class Binding:
    """Events satisfying a sub-expression (`serials` parallel to `events`, repeats allowed)."""

    serials: tuple[int, ...]
    events: tuple[LogEvent, ...]
    latest_first: int
    earliest_last: int

    def ordered_events(self) -> tuple[LogEvent, ...]:
        """The distinct events of the binding in the order they were seen."""
        return tuple(
            event for _, event in sorted(dict(zip(self.serials, self.events, strict=True)).items())
        )


def join(left: Binding, right: Binding) -> Binding | None:
    """The union of two bindings, or None when it would use an event too often."""
    if not set(left.serials).isdisjoint(right.serials):
        serials = left.serials + right.serials
        events = dict(zip(serials, left.events + right.events, strict=True))
        uses = Counter(serials)
        if any(count > events[serial].number_observed for serial, count in uses.items()):
            return None
    return Binding(
        left.serials + right.serials,
        left.events + right.events,
        max(left.latest_first, right.latest_first),
        min(left.earliest_last, right.earliest_last),
    )


@dataclass(slots=True)
class Step:
    """The event being matched, as the nodes see it."""

    serial: int
    event: LogEvent
    matched: set[int]
    watermark: int


@dataclass(eq=False, slots=True)
class Node:
    """A node of a pattern's observation tree.

    `keep` is set when an ancestor combines this node's bindings with later ones; `horizon` is
    the smallest WITHIN (microseconds) above it, past which kept bindings are useless.
    """

    keep: bool = False
    horizon: int | None = None
    kept: list[Binding] = field(default_factory=list)
    fresh: list[Binding] = field(default_factory=list)

    def advance(self, step: Step) -> list[Binding]:
        """The new bindings that include `step`'s event (remembered until `commit`)."""
        self.fresh = self.compute(step)
        return self.fresh

    def compute(self, step: Step) -> list[Binding]:
        """This node's rule; see the subclasses."""
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        """The operand nodes."""
        return ()

    def commit(self, watermark: int) -> None:
        """Keep this event's bindings (if needed) and drop those that can no longer complete."""
        if self.keep:
            kept = self.kept + self.fresh
            if self.horizon is not None:
                horizon = self.horizon
                kept = [b for b in kept if watermark - b.earliest_last <= horizon]
            self.kept = kept[-MAX_KEPT:]
        self.fresh = []


@dataclass(eq=False, slots=True)
class Leaf(Node):
    """One observation expression; `windows` are the START/STOP intervals above it."""

    observation: int = 0
    windows: tuple[tuple[int, int], ...] = ()

    def compute(self, step: Step) -> list[Binding]:
        if self.observation not in step.matched:
            return []
        event = step.event
        first, last = event.first_observed, event.last_observed
        for start, stop in self.windows:
            if not (start < stop and first < stop and last >= start):
                return []
        return [Binding((step.serial,), (event,), first, last)]


@dataclass(eq=False, slots=True)
class Either(Node):
    """Observation `OR`: a binding of either side."""

    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def compute(self, step: Step) -> list[Binding]:
        return self.left.advance(step) + self.right.advance(step)


@dataclass(eq=False, slots=True)
class Both(Node):
    """Observation `AND` (and, with `ordered`, `FOLLOWEDBY`): one binding of each side."""

    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)
    ordered: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def compute(self, step: Step) -> list[Binding]:
        new_left, new_right = self.left.advance(step), self.right.advance(step)
        if not new_left and not new_right:
            return []
        pairs = [(a, b) for a in new_left for b in self.right.kept]
        pairs += [(a, b) for a in self.left.kept for b in new_right]
        pairs += [(a, b) for a in new_left for b in new_right]
        found: list[Binding] = []
        for a, b in pairs:
            if self.ordered and a.latest_first > b.earliest_last:
                continue
            joined = join(a, b)
            if joined is not None:
                found.append(joined)
                if len(found) >= MAX_KEPT:
                    break
        return found


@dataclass(eq=False, slots=True)
class Within(Node):
    """`WITHIN`: bindings whose events fit one window of `span` microseconds."""

    child: Node = field(default_factory=Node)
    span: int = 0

    def children(self) -> tuple[Node, ...]:
        return (self.child,)

    def compute(self, step: Step) -> list[Binding]:
        span = self.span
        return [b for b in self.child.advance(step) if b.latest_first - b.earliest_last <= span]


@dataclass(eq=False, slots=True)
class Through(Node):
    """A node that passes its child's bindings on (`START ... STOP`, checked at the leaves)."""

    child: Node = field(default_factory=Node)

    def children(self) -> tuple[Node, ...]:
        return (self.child,)

    def compute(self, step: Step) -> list[Binding]:
        return self.child.advance(step)


@dataclass(eq=False, slots=True)
class Repeats(Node):
    """`REPEATS n TIMES`: n bindings of the child, at least one of them new."""

    child: Node = field(default_factory=Node)
    times: int = 1

    def children(self) -> tuple[Node, ...]:
        return (self.child,)

    def compute(self, step: Step) -> list[Binding]:
        new = self.child.advance(step)
        if not new or self.times <= 1:
            return new
        pool = new + self.child.kept
        found: list[Binding] = []
        for index, first in enumerate(new):
            self._extend(pool, index, first, self.times - 1, found)
            if len(found) >= MAX_KEPT:
                break
        return found

    def _extend(
        self, pool: list[Binding], start: int, partial: Binding, missing: int, found: list[Binding]
    ) -> None:
        """Add to `found` the completions of `partial` by `missing` more bindings of `pool[start:]`
        (a multiset: a binding may be taken again where multiplicity allows)."""
        if missing == 0:
            found.append(partial)
            return
        for index in range(start, len(pool)):
            joined = join(partial, pool[index])
            if joined is not None:
                self._extend(pool, index, joined, missing - 1, found)
                if len(found) >= MAX_KEPT:
                    return


def all_nodes(root: Node) -> list[Node]:
    """Every node of a tree, children before parents."""
    order: list[Node] = []
    pending: list[tuple[Node, bool]] = [(root, False)]
    while pending:
        node, expanded = pending.pop()
        if expanded:
            order.append(node)
            continue
        pending.append((node, True))
        pending.extend((child, False) for child in reversed(node.children()))
    return order
