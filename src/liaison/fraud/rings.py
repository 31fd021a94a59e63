"""Fraud rings: groups of applications tied by hub values and identities, ranked by risk.

`find_rings(columns, clusters)` builds the graph of `liaison.fraud.rings_graph`, takes its
connected components (a component larger than `max_ring` is split into communities by igraph's
multilevel modularity method, so one shared hotel cannot weld a city into one ring), keeps those
with at least `min_size` applications of at least two identities, scores each by the risk
signals below and returns those scoring at least `min_score`, best first:

| signal | what | weight |
|---|---|---|
| document-many-identities | a passport or national id used by ≥ 2 identities | 3 (+1 per more identity, ≤ 6) |
| identity-many-documents | an identity holding ≥ 3 passport and national id numbers | 1 per identity (≤ 3) |
| shared-bank-account | an account used by ≥ 2 identities | 2 (+0.5 per more identity, ≤ 5) |
| shared-contact | a phone, e-mail, address or employer of ≥ 3 identities | 1 (+0.25 per more, ≤ 3) |
| agent-refusals | a flagged agent (too many refusals; `rings_graph`) | 3 (+1 per 5 refusals, ≤ 6) |
| velocity | ≥ 3 identities applying within `window_days` | 1 (+0.5 per more application, ≤ 3) |
| refusals | ≥ 3 refusals, at least half the ring | 2 |

Each reason keeps the value it is about (`evidence`) for the officer's console; what is shared
(`liaison.fraud.rings_share`) carries only the signal, the kind of attribute and the counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import igraph as ig
import numpy as np
import numpy.typing as npt

from liaison.fraud.rings_graph import (
    DOCUMENT_KINDS,
    AgentRecord,
    Columns,
    Graph,
    GraphParams,
    Hub,
    agent_records,
    build_graph,
    cluster_identities,
    fallback_identities,
    hub_keys,
)


@dataclass(frozen=True, slots=True)
class RingParams:
    """What counts as a ring and how rings are scored (module doc)."""

    graph: GraphParams = field(default_factory=GraphParams)
    min_size: int = 3
    min_score: float = 10.0
    max_ring: int = 200
    window_days: int = 30


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a ring is flagged; `evidence` holds the values concerned (never shared)."""

    signal: str
    kind: str | None
    count: int
    weight: float
    text: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ring:
    """A ranked ring: its member rows and application ids, identities, reasons and score."""

    rows: tuple[int, ...]
    application_ids: tuple[str, ...]
    identities: int
    reasons: tuple[Reason, ...]
    shared_kinds: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    outcomes: dict[str, int]

    @property
    def score(self) -> float:
        """The sum of the reasons' weights."""
        return round(sum(reason.weight for reason in self.reasons), 2)

    @property
    def key(self) -> str:
        """16 hex digits naming the ring by its members (stable across runs)."""
        joined = "\n".join(sorted(self.application_ids)).encode()
        return hashlib.sha256(joined).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RingReport:
    """The rings found, and the counts behind them."""

    rings: list[Ring]
    applications: int
    hubs: int
    ignored: dict[str, int]
    flagged_agents: int
    base_refusal_rate: float


def _components(graph: Graph, params: RingParams) -> list[list[int]]:
    g = ig.Graph(n=graph.n, edges=graph.edges)
    found: list[list[int]] = []
    for members in g.connected_components():
        if len(members) <= params.max_ring:
            found.append(list(members))
            continue
        sub = g.induced_subgraph(members)
        for community in sub.community_multilevel():
            found.append([members[i] for i in community])
    return found


def _capped(base: float, step: float, extra: int, cap: float) -> float:
    return min(cap, base + step * max(extra, 0))


def _hub_reasons(hubs: list[Hub], identities: npt.NDArray[np.int64]) -> list[Reason]:
    per: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for hub in hubs:
        count = len({int(identities[row]) for row in hub.rows})
        if hub.kind in DOCUMENT_KINDS and count >= 2:
            per["document-many-identities", hub.kind].append((count, hub.value))
        elif hub.kind == "bank_account" and count >= 2:
            per["shared-bank-account", hub.kind].append((count, hub.value))
        elif hub.kind not in ("agent", *DOCUMENT_KINDS, "bank_account") and count >= 3:
            per["shared-contact", hub.kind].append((count, hub.value))
    reasons = []
    rules = {"document-many-identities": (3.0, 1.0, 2, 6.0), "shared-bank-account": (2.0, 0.5, 2, 5.0),
             "shared-contact": (1.0, 0.25, 3, 3.0)}  # fmt: skip
    for (signal, kind), found in sorted(per.items()):
        base, step, floor, cap = rules[signal]
        weight = min(cap * 2, sum(_capped(base, step, c - floor, cap) for c, _ in found))
        most = max(c for c, _ in found)
        label = kind.replace("_", " ")
        text = f"{len(found)} {label} value(s) shared by up to {most} identities"
        evidence = tuple(value for _, value in found)
        reasons.append(Reason(signal, kind, most, round(weight, 2), text, evidence))
    return reasons


def _document_reasons(
    rows: list[int], identities: npt.NDArray[np.int64], docs: dict[int, set[str]]
) -> list[Reason]:
    holders = sorted(
        {int(identities[row]) for row in rows if len(docs.get(int(identities[row]), ())) >= 3}
    )
    if not holders:
        return []
    most = max(len(docs[h]) for h in holders)
    text = f"{len(holders)} identities each hold several documents (up to {most})"
    return [
        Reason(
            "identity-many-documents", "passport_number", len(holders), min(3.0, len(holders)), text
        )
    ]


def _agent_reasons(hubs: list[Hub], agents: Mapping[str, AgentRecord], base: float) -> list[Reason]:
    reasons = []
    for hub in hubs:
        if hub.kind == "agent":
            record = agents[hub.value]
            weight = _capped(3.0, 0.2, record.refused, 6.0)
            text = (f"an agent with {record.refused} refusals in {len(record.rows)} applications "
                    f"(base refusal rate {base:.0%})")  # fmt: skip
            reasons.append(
                Reason("agent-refusals", "agent", record.refused, weight, text, (hub.value,))
            )
    return reasons


def _velocity(
    rows: list[int], dates: list[str | None], identities: npt.NDArray[np.int64], window: int
) -> list[Reason]:
    dated = sorted((date.fromisoformat(d), int(identities[r])) for r in rows if (d := dates[r]))
    best = (0, 0)
    start = 0
    for end in range(len(dated)):
        while (dated[end][0] - dated[start][0]).days > window:
            start += 1
        span = dated[start : end + 1]
        best = max(best, (len({i for _, i in span}), len(span)))
    people, count = best
    if people < 3:
        return []
    text = f"{count} applications by {people} identities within {window} days"
    return [Reason("velocity", None, count, _capped(1.0, 0.5, count - 3, 3.0), text)]


def _refusals(outcomes: Counter[str]) -> list[Reason]:
    refused, total = outcomes.get("refused", 0), sum(outcomes.values())
    if refused >= 3 and refused * 2 >= total:
        return [
            Reason("refusals", None, refused, 2.0, f"{refused} of {total} applications refused")
        ]
    return []


def find_rings(
    columns: Columns, clusters: Mapping[str, str] | None = None, params: RingParams | None = None
) -> RingReport:
    """The rings among the applications given column by column (module doc)."""
    params = params or RingParams()
    n = len(columns["application_id"])
    none: list[str | None] = [None] * n
    identities = cluster_identities(columns, clusters) if clusters else fallback_identities(columns)
    agents, base = agent_records(columns, params.graph)
    graph = build_graph(columns, identities, agents, params.graph)
    hubs_of: dict[int, list[Hub]] = defaultdict(list)
    for hub in graph.hubs:
        for row in hub.rows:
            hubs_of[row].append(hub)
    docs: dict[int, set[str]] = defaultdict(set)
    for kind in DOCUMENT_KINDS:
        for row, key in enumerate(hub_keys(columns, kind)):
            if key:
                docs[int(identities[row])].add(f"{kind}:{key}")
    dates = list(columns.get("application_date", none))
    outcomes_col = list(columns.get("outcome", none))
    ids = columns["application_id"]
    rings = []
    for rows in _components(graph, params):
        people = len({int(identities[row]) for row in rows})
        if len(rows) < params.min_size or people < 2:
            continue
        member_set = set(rows)
        hubs = list({id(h): h for row in rows for h in hubs_of[row]}.values())
        hubs = [
            Hub(h.kind, h.value, [r for r in h.rows if r in member_set], h.identities) for h in hubs
        ]
        outcomes = Counter(o for row in rows if (o := outcomes_col[row]))
        reasons = (_hub_reasons(hubs, identities) + _document_reasons(rows, identities, docs)
                   + _agent_reasons(hubs, agents, base) + _velocity(rows, dates, identities, params.window_days)
                   + _refusals(outcomes))  # fmt: skip
        ring_dates = sorted(d for row in rows if (d := dates[row]))
        ring = Ring(
            tuple(sorted(rows)), tuple(str(ids[row]) for row in sorted(rows)), people,
            tuple(reasons), tuple(sorted({h.kind for h in hubs})),
            ring_dates[0] if ring_dates else None, ring_dates[-1] if ring_dates else None,
            dict(outcomes),
        )  # fmt: skip
        if ring.score >= params.min_score:
            rings.append(ring)
    rings.sort(key=lambda r: (-r.score, r.application_ids))
    flagged = sum(record.flagged for record in agents.values())
    return RingReport(rings, n, len(graph.hubs), graph.ignored, flagged, base)
