"""Exchange figures: what the work plan is judged by ("quicker to share information").

- **Objects shared each way**, per counterpart party, pillar and month (UTC), counted as distinct
  object ids. *Sent*: objects this node's party originated (not received from a peer), in
  collections a counterpart party may read, that the visibility policy shows that party's peer
  node (so not what `release.require_evaluation` holds back from peers), by the month they were
  stored. *Received*: objects received from a peer (`received_from` set), by the
  party that originated them and the month they arrived. The pillar is the collection's `pillar`
  (`other` when it has none). The exchange collection (RFIs and other workflow objects) is left
  out: those are not intelligence.
- **RFIs by state**, and how many are overdue, over every RFI the node's party asked or was asked.
- **Time to acknowledge and to answer**, per pillar: count, median and 90th percentile (nearest
  rank) in seconds, from sending to the first acknowledgement (an answer acknowledges) and to the
  answer, over RFIs that got there. Both nodes fold the same RFI objects, so they agree.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer, collection_access
from liaison.exchange.collection import EXCHANGE_COLLECTION
from liaison.exchange.rfi_model import RfiStatus, State
from liaison.exchange.rfi_store import counterpart_viewer, load_exchange
from liaison.stix.timestamps import micros_to_datetime, now_micros, parse_timestamp_micros
from liaison.store.models import Collection, CollectionGrant, StixObject

OTHER = "other"


def month_of(micros: int) -> str:
    """The UTC month (`YYYY-MM`) of a time in microseconds since the epoch."""
    return f"{micros_to_datetime(micros):%Y-%m}"


def month_starts(first: int, last: int) -> list[tuple[int, str]]:
    """(first microsecond, `YYYY-MM`) of every UTC month from `first`'s to `last`'s."""
    moment = micros_to_datetime(first).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts: list[tuple[int, str]] = []
    while True:
        start = int(moment.timestamp()) * 1_000_000
        if start > last:
            return starts
        starts.append((start, f"{moment:%Y-%m}"))
        moment = moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)


def _month(column: Any, first: int, last: int) -> Any:
    """SQL for the `YYYY-MM` month of `column` (microseconds) between `first` and `last`: a
    CASE over month boundaries, so the grouping runs in the database on either backend."""
    starts = month_starts(first, last)
    branches = [(column >= start, literal(label)) for start, label in reversed(starts[1:])]
    return case(*branches, else_=literal(starts[0][1])) if branches else literal(starts[0][1])


def _pillar(collections: Sequence[Collection]) -> Any:
    """SQL for the pillar of a row's collection (`other` when the collection has none)."""
    return case(
        {collection.id: literal(collection.pillar or OTHER) for collection in collections},
        value=StixObject.collection_id,
        else_=literal(OTHER),
    )


def _tally(
    session: Session,
    party: Any,
    collections: Sequence[Collection],
    where: Any,
    time: Any,
    direction: str,
) -> list[dict[str, Any]]:
    """Distinct object ids matching `where`, per party, pillar and month of `time`.

    Rows are counted in the database; an id stored more than once (several versions, or copies
    in several collections) is then counted once per group by a second, precise count over
    those ids alone, which spares the distinct count over every row (a sort of all their ids).
    """
    first, last = session.execute(select(func.min(time), func.max(time)).where(where)).one()
    if first is None:
        return []
    pillar, month = _pillar(collections), _month(time, first, last)
    groups = (party, pillar, month)
    counts: dict[tuple[str, str, str], int] = {
        (who, kind, when): count
        for who, kind, when, count in session.execute(
            select(*groups, func.count()).where(where).group_by(*groups)
        )
    }
    repeated = list(
        session.scalars(
            select(StixObject.id)
            .where(StixObject.collection_id.in_([c.id for c in collections]))
            .group_by(StixObject.id)
            .having(func.count() > 1)
        )
    )
    for start in range(0, len(repeated), 500):
        chunk = repeated[start : start + 500]
        extra = session.execute(
            select(*groups, func.count() - func.count(func.distinct(StixObject.id)))
            .where(where, StixObject.id.in_(chunk))
            .group_by(*groups)
        )
        for who, kind, when, surplus in extra:
            counts[(who, kind, when)] -= surplus
    return [
        {"direction": direction, "party": who, "pillar": kind, "month": when, "objects": count}
        for (who, kind, when), count in sorted(counts.items())
    ]


def _shared_collections(session: Session) -> list[Collection]:
    return list(session.scalars(select(Collection).where(Collection.name != EXCHANGE_COLLECTION)))


def objects_sent(
    session: Session, own_party: str, *, require_evaluation: bool
) -> list[dict[str, Any]]:
    """Objects this party originated that each counterpart party may see, by pillar and month.

    Seen as the counterpart's peer node sees them (`counterpart_viewer`, with the node's
    `release.require_evaluation`), so what is held back from peers is not counted as sent.
    """
    collections = _shared_collections(session)
    readable: dict[str, list[Collection]] = defaultdict(list)
    for collection in collections:
        readers = session.scalars(
            select(CollectionGrant.party).where(
                CollectionGrant.collection_id == collection.id,
                CollectionGrant.can_read.is_(True),
                CollectionGrant.party != own_party,
            )
        )
        for party in readers:
            readable[party].append(collection)
    rows: list[dict[str, Any]] = []
    for party in sorted(readable):
        viewer = counterpart_viewer(party, require_evaluation=require_evaluation)
        visible = or_(*(
            and_(
                StixObject.collection_id == collection.id,
                collection_access(session, viewer, collection).clause(viewer),
            )
            for collection in readable[party]
        ))  # fmt: skip
        where = and_(
            visible, StixObject.origin_party == own_party, StixObject.received_from.is_(None)
        )
        rows += _tally(session, literal(party), collections, where, StixObject.date_added, "sent")
    return rows


def objects_received(session: Session, own_party: str) -> list[dict[str, Any]]:
    """Objects received from peers, by originating party, pillar and month of arrival."""
    collections = _shared_collections(session)
    if not collections:
        return []
    where = and_(
        StixObject.collection_id.in_([collection.id for collection in collections]),
        StixObject.received_from.is_not(None),
        StixObject.origin_party != own_party,
    )
    arrived = func.coalesce(StixObject.received_at, 0)
    return _tally(session, StixObject.origin_party, collections, where, arrived, "received")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of non-empty `values` (share in (0, 1])."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def _summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "median_seconds": None, "p90_seconds": None}
    return {
        "count": len(values),
        "median_seconds": statistics.median(values),
        "p90_seconds": percentile(values, 0.9),
    }


def _seconds(status: RfiStatus, stamp: str | None) -> float | None:
    if stamp is None:
        return None
    return (parse_timestamp_micros(stamp) - status.rfi.created_micros) / 1_000_000


def rfi_timings(statuses: Iterable[RfiStatus]) -> list[dict[str, Any]]:
    """Per pillar with RFIs: time to acknowledge and to answer (count, median, p90, seconds)."""
    acknowledge: dict[str, list[float]] = defaultdict(list)
    answer: dict[str, list[float]] = defaultdict(list)
    pillars: set[str] = set()
    for status in statuses:
        pillar = status.rfi.pillar
        pillars.add(pillar)
        for times, stamp in ((acknowledge, status.acknowledged_at), (answer, status.answered_at)):
            seconds = _seconds(status, stamp)
            if seconds is not None:
                times[pillar].append(seconds)
    return [
        {"pillar": pillar, "acknowledge": _summary(acknowledge[pillar]),
         "answer": _summary(answer[pillar])}
        for pillar in sorted(pillars)
    ]  # fmt: skip


def rfi_counts(statuses: Iterable[RfiStatus]) -> dict[str, Any]:
    """RFIs by state, plus how many are overdue and in all."""
    by_state = dict.fromkeys((state.value for state in State), 0)
    overdue = total = 0
    for status in statuses:
        by_state[status.state.value] += 1
        overdue += status.overdue
        total += 1
    return {"by_state": by_state, "overdue": overdue, "total": total}


def exchange_figures(
    session: Session,
    own_party: str,
    viewer: Viewer,
    *,
    require_evaluation: bool,
    now: int | None = None,
) -> dict[str, Any]:
    """Every figure of the exchange as seen from `own_party` (RFIs as `viewer` sees them).

    `require_evaluation` is the node's `release.require_evaluation`: what it holds back from
    peers is not counted as sent.
    """
    now = now_micros() if now is None else now
    statuses = load_exchange(session, viewer).statuses(now)
    sent = objects_sent(session, own_party, require_evaluation=require_evaluation)
    return {
        "party": own_party,
        "objects": sent + objects_received(session, own_party),
        "rfis": rfi_counts(statuses),
        "rfi_times": rfi_timings(statuses),
    }
