"""The application graph fraud rings are found in: identities, hub values and their edges.

Vertices are applications. Two applications are joined when they carry the same **hub value**:
a normalised phone, e-mail, address (with its postcode), bank account, passport or national id
number, employer, or agent, shared by applications of enough *distinct identities*. The rules,
and why:

- Values are counted by identity, not by application: one person re-applying five times with
  the same phone is not a ring. Identities come from `liaison fraud dedupe` clusters when given;
  otherwise applications with the same date of birth and the same name, passport or national id
  are taken as one person (`fallback_identities`).
- A document (passport, national id) or a bank account is a hub from **2** identities: two
  people on one passport or one account is already a signal. A phone, e-mail, address or
  employer needs **3**: couples and households legitimately share them.
- E-mail hubs are reasons inside a ring but join nothing: free-mail addresses made of a common
  name (harpreet.kaur@…) are shared by unrelated people often enough, in the generated data as
  in real registers, to weld households and strangers into false rings.
- Placeholders ('none', '0000000', 'n/a', too short) are not values, and a value carried by more
  than `hub_limit` applications (a big employer, a hotel, a call centre) is generic: it joins
  nothing and is reported as ignored.
- An agent legitimately files many applications, so an agent joins its applications only when it
  is **flagged**: its refusals are too many for the base refusal rate (one-sided binomial tail
  below `alpha` divided by the number of agents, a Bonferroni bound, and at least 3 refusals).
- Of one identity's applications carrying a hub value, the hub joins those tied to another hub
  as well (all of them when none is): a ring member's own unrelated filings with the same
  passport stay out of the ring.
- Two applications of one identity are joined when both touch a hub of at least 3 identities:
  resolved identity links the rings a person takes part in, without pulling in the person's
  unrelated filings (or the account the person shares with a spouse).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from liaison.fraud.clk import normalise

Columns = Mapping[str, Sequence[str | None]]
HUB_KINDS: dict[str, int] = {
    "passport_number": 2, "national_id": 2, "bank_account": 2, "phone": 3, "email": 3,
    "address": 3, "employer": 3,
}  # fmt: skip
"""Each hub kind and the distinct identities a value needs to count."""
IDENTITY_LINK_MIN = 3
"""Applications of one identity are joined when each touches a hub of this many identities."""
SIGNAL_ONLY = frozenset({"email"})
"""Kinds whose hubs are reasons inside a ring but join no applications (module doc)."""
DOCUMENT_KINDS = ("passport_number", "national_id")
_PLACEHOLDERS = frozenset({"", "none", "na", "nil", "null", "unknown", "test", "noemail", "xxx"})
_REPEATED = re.compile(r"^(.)\1*$")


@dataclass(frozen=True, slots=True)
class GraphParams:
    """Tunable limits of the graph (module doc)."""

    hub_limit: int = 100
    alpha: float = 0.01
    min_agent_refusals: int = 3


def _code(value: str | None, minimum: int) -> str | None:
    text = normalise(value or "", "code")
    return None if len(text) < minimum or _REPEATED.match(text) or text in _PLACEHOLDERS else text


def _phone(value: str | None) -> str | None:
    digits = normalise(value or "", "digits")[-10:]
    return None if len(digits) < 7 or _REPEATED.match(digits) else digits


def _email(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    local, _, domain = text.partition("@")
    return None if not domain or local in _PLACEHOLDERS else text


def _text(value: str | None) -> str | None:
    text = normalise(value or "", "text")
    return None if text in _PLACEHOLDERS else text


def hub_keys(columns: Columns, kind: str) -> list[str | None]:
    """The normalised value of `kind` for every application (None: no usable value)."""
    n = len(columns["application_id"])
    none: list[str | None] = [None] * n

    def column(name: str) -> Sequence[str | None]:
        return columns.get(name, none)

    if kind in ("passport_number", "national_id", "bank_account"):
        return [_code(v, 5) for v in column(kind)]
    if kind == "phone":
        return [_phone(v) for v in column("phone")]
    if kind == "email":
        return [_email(v) for v in column("email")]
    if kind == "address":
        places = zip(column("address"), column("postcode"), column("city"), strict=True)
        keys = []
        for street, postcode, city in places:
            text = _text(street)
            where = _code(postcode, 3) or _text(city)
            keys.append(f"{text}|{where}" if text and where else None)
        return keys
    return [_text(v) for v in column(kind)]


def groups(keys: Sequence[str | None]) -> dict[str, list[int]]:
    """Row numbers per key (None keys left out)."""
    found: dict[str, list[int]] = defaultdict(list)
    for row, key in enumerate(keys):
        if key is not None:
            found[key].append(row)
    return found


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, rows: list[int]) -> None:
        root = self.find(rows[0])
        for row in rows[1:]:
            self.parent[self.find(row)] = root


def _skeleton(given: str | None, family: str | None) -> str | None:
    """A name's tokens in any order, each reduced to its consonants with repeats collapsed, so
    transliteration variants agree (Harpreet / Harpriet → hrprt, Mohammed / Muhammad → mhmd)."""
    tokens = normalise(f"{given or ''} {family or ''}", "name").split()
    skeletons = sorted(_REPEATS.sub(r"\1", _VOWELS.sub("", t[0] + t[1:])) for t in tokens)
    return " ".join(skeletons) or None


_VOWELS = re.compile(r"(?<!^)[aeiouy]")
_REPEATS = re.compile(r"(.)\1+")


def fallback_identities(columns: Columns) -> npt.NDArray[np.int64]:
    """An identity number per application when no dedupe clusters are given: applications are
    one person when two of date of birth, name skeleton (`_skeleton`), passport and national id
    agree."""
    n = len(columns["application_id"])
    none: list[str | None] = [None] * n
    keys: list[list[str | None]] = [
        [normalise(v or "", "date") or None for v in columns.get("date_of_birth", none)],
        [_skeleton(g, f) for g, f in zip(columns.get("given_name", none), columns.get("family_name", none), strict=True)],
        hub_keys(columns, "passport_number"),
        hub_keys(columns, "national_id"),
    ]  # fmt: skip
    sets = _UnionFind(n)
    for first in range(len(keys)):
        for second in range(first + 1, len(keys)):
            pairs = zip(keys[first], keys[second], strict=True)
            joined = [f"{a}|{b}" if a and b else None for a, b in pairs]
            for rows in groups(joined).values():
                sets.union(rows)
    return np.array([sets.find(row) for row in range(n)], dtype=np.int64)


def cluster_identities(columns: Columns, clusters: Mapping[str, str]) -> npt.NDArray[np.int64]:
    """An identity number per application from dedupe clusters (`id → cluster_id`); an
    application missing from them is an identity of its own."""
    numbers: dict[str, int] = {}
    ids = columns["application_id"]
    out = np.empty(len(ids), dtype=np.int64)
    for row, app in enumerate(ids):
        key = clusters.get(str(app), f"\x00{row}")
        out[row] = numbers.setdefault(key, len(numbers))
    return out


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    logs = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
        + i * math.log(p) + (n - i) * math.log1p(-p)
        for i in range(k, n + 1)
    ]  # fmt: skip
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(x - top) for x in logs))


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """One agent's filings and refusals, and whether they are too many refusals."""

    rows: list[int]
    refused: int
    flagged: bool


def agent_records(columns: Columns, params: GraphParams) -> tuple[dict[str, AgentRecord], float]:
    """Every agent's record and the base refusal rate of decided applications."""
    outcomes = list(columns.get("outcome", [None] * len(columns["application_id"])))
    decided = [o for o in outcomes if o in ("approved", "refused")]
    base = sum(o == "refused" for o in decided) / len(decided) if decided else 0.0
    by_agent = groups(hub_keys(columns, "agent"))
    limit = params.alpha / max(len(by_agent), 1)
    records = {}
    for agent, rows in by_agent.items():
        refused = sum(outcomes[row] == "refused" for row in rows)
        tail = binomial_tail(refused, len(rows), base)
        flagged = refused >= params.min_agent_refusals and tail <= limit
        records[agent] = AgentRecord(rows, refused, flagged)
    return records, base


@dataclass(frozen=True, slots=True)
class Hub:
    """A value that joins applications: its kind, the value (kept local), rows and identities."""

    kind: str
    value: str
    rows: list[int]
    identities: int


@dataclass(slots=True)
class Graph:
    """The hubs, the edges they and identities make, and what was left out as generic."""

    n: int
    identities: npt.NDArray[np.int64]
    hubs: list[Hub] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)


def _star(rows: list[int]) -> list[tuple[int, int]]:
    return [(rows[0], row) for row in rows[1:]]


def _attached(rows: list[int], identities: npt.NDArray[np.int64], ties: Counter[int]) -> list[int]:
    """The rows a hub joins: of each identity's applications carrying the value, those tied to
    another hub as well, or all of them when none is."""
    by_identity: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_identity[int(identities[row])].append(row)
    kept: list[int] = []
    for own in by_identity.values():
        tied = [row for row in own if ties[row] > 1]
        kept += tied or own
    return sorted(kept)


def build_graph(
    columns: Columns,
    identities: npt.NDArray[np.int64],
    agents: Mapping[str, AgentRecord],
    params: GraphParams,
) -> Graph:
    """The application graph (module doc)."""
    graph = Graph(len(columns["application_id"]), identities)
    for kind, needed in HUB_KINDS.items():
        for value, rows in groups(hub_keys(columns, kind)).items():
            distinct = len({int(identities[row]) for row in rows})
            if distinct < needed:
                continue
            if len(rows) > params.hub_limit:
                graph.ignored[kind] = graph.ignored.get(kind, 0) + 1
                continue
            graph.hubs.append(Hub(kind, value, rows, distinct))
    for agent, record in agents.items():
        if record.flagged:
            distinct = len({int(identities[row]) for row in record.rows})
            graph.hubs.append(Hub("agent", agent, record.rows, distinct))
    joining = [hub for hub in graph.hubs if hub.kind not in SIGNAL_ONLY]
    ties = Counter(row for hub in joining for row in hub.rows)
    touched: set[int] = set()
    for hub in joining:
        rows = _attached(hub.rows, identities, ties)
        graph.edges += _star(rows)
        if hub.identities >= IDENTITY_LINK_MIN:
            touched.update(rows)
    by_identity: dict[int, list[int]] = defaultdict(list)
    for row in sorted(touched):
        by_identity[int(identities[row])].append(row)
    for rows in by_identity.values():
        graph.edges += _star(rows)
    return graph
