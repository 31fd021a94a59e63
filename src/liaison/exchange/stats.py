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
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer, collection_access
from liaison.exchange.collection import EXCHANGE_COLLECTION
from liaison.exchange.rfi_model import RfiStatus, State
from liaison.exchange.rfi_store import counterpart_viewer, load_exchange
from liaison.stix.timestamps import micros_to_datetime, now_micros, parse_timestamp_micros
from liaison.store.models import Collection, CollectionGrant, StixObject

OTHER = "other"
Tally = dict[tuple[str, str, str], set[str]]


def month_of(micros: int) -> str:
    """The UTC month (`YYYY-MM`) of a time in microseconds since the epoch."""
    return f"{micros_to_datetime(micros):%Y-%m}"


def _rows(tally: Tally, direction: str) -> list[dict[str, Any]]:
    return [
        {"direction": direction, "party": party, "pillar": pillar, "month": month,
         "objects": len(ids)}
        for (party, pillar, month), ids in sorted(tally.items())
    ]  # fmt: skip


def _shared_collections(session: Session) -> list[Collection]:
    return list(session.scalars(select(Collection).where(Collection.name != EXCHANGE_COLLECTION)))


def objects_sent(
    session: Session, own_party: str, *, require_evaluation: bool
) -> list[dict[str, Any]]:
    """Objects this party originated that each counterpart party may see, by pillar and month.

    Seen as the counterpart's peer node sees them (`counterpart_viewer`, with the node's
    `release.require_evaluation`), so what is held back from peers is not counted as sent.
    """
    tally: Tally = defaultdict(set)
    for collection in _shared_collections(session):
        readers = session.scalars(
            select(CollectionGrant.party).where(
                CollectionGrant.collection_id == collection.id,
                CollectionGrant.can_read.is_(True),
                CollectionGrant.party != own_party,
            )
        ).all()
        for party in readers:
            viewer = counterpart_viewer(party, require_evaluation=require_evaluation)
            rows = session.execute(
                select(StixObject.id, StixObject.date_added).where(
                    StixObject.collection_id == collection.id,
                    StixObject.origin_party == own_party,
                    StixObject.received_from.is_(None),
                    collection_access(session, viewer, collection).clause(viewer),
                )
            ).all()
            for object_id, date_added in rows:
                tally[(party, collection.pillar or OTHER, month_of(date_added))].add(object_id)
    return _rows(tally, "sent")


def objects_received(session: Session, own_party: str) -> list[dict[str, Any]]:
    """Objects received from peers, by originating party, pillar and month of arrival."""
    tally: Tally = defaultdict(set)
    for collection in _shared_collections(session):
        rows = session.execute(
            select(StixObject.id, StixObject.origin_party, StixObject.received_at).where(
                StixObject.collection_id == collection.id,
                StixObject.received_from.is_not(None),
                StixObject.origin_party != own_party,
            )
        ).all()
        for object_id, party, received_at in rows:
            tally[(party, collection.pillar or OTHER, month_of(received_at or 0))].add(object_id)
    return _rows(tally, "received")


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
