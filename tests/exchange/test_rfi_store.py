"""Reading RFIs from the store: one version per object whatever the row order, and references
checked as the counterpart's peer node would see them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from liaison.access.parties import add_party
from liaison.errors import InvalidInput
from liaison.exchange.rfi_objects import event_object, rfi_object
from liaison.exchange.rfi_service import Acting, RfiRequest, send_rfi
from liaison.exchange.rfi_store import exchange_of
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.timestamps import parse_timestamp_micros, version_key
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.store.objects import Origin, add_objects
from tests.exchange.conftest import shared_indicator

SENT = "2026-03-01T10:00:00.000Z"
LATER = "2026-03-05T10:00:00.000Z"
AS_OF = parse_timestamp_micros("2026-03-02T00:00:00.000Z")
RFI = rfi_object(
    requester="ca", addressee="in", pillar="cyber", priority="urgent",
    due="2026-03-08T23:59:59.999Z", question="Who runs 198.51.100.7?", created=SENT,
)  # fmt: skip
ACK = event_object(
    rfi_id=RFI["id"], previous=RFI["id"], event_type="acknowledge", party="in",
    parties=("ca", "in"), created="2026-03-01T11:00:00.000Z",
)  # fmt: skip


def _row(obj: dict[str, Any], party: str, modified: str | None = None) -> StixObject:
    body = obj | ({"modified": modified} if modified else {})
    return StixObject(
        id=body["id"], modified=version_key(body["modified"]), type=body["type"], body=body,
        origin_party=party,
    )  # fmt: skip


def test_only_the_first_version_counts_whatever_the_row_order() -> None:
    """A second version of the RFI (another addressee) and of the event (a decline) change
    nothing, in any row order; a forged first version (wrong party) is skipped."""
    rows = [
        _row(RFI, "ca"),
        _row(RFI | {"addressee": "us", "question": "changed"}, "ca", LATER),
        _row(ACK, "in"),
        _row(ACK | {"event_type": "decline", "reason": "changed"}, "in", LATER),
        _row(ACK | {"event_type": "decline", "reason": "forged"}, "ca", "2026-03-01T10:30:00.000Z"),
    ]
    shown = set()
    for seed in range(20):
        random.Random(seed).shuffle(rows)
        status = exchange_of(rows).status(RFI["id"], AS_OF)
        shown.add((status.rfi.addressee, status.rfi.question, status.state.value,
                   tuple(event.event_type for event in status.events)))  # fmt: skip
    assert shown == {("in", RFI["question"], "acknowledged", ("acknowledge",))}


@pytest.mark.parametrize("gated", [False, True])
def test_references_held_back_from_peers_are_refused(db: Database, gated: bool) -> None:
    with db.session(write=True) as session:
        add_party(session, "ca")
        add_party(session, "in")
        cyber = create_collection(session, "cyber", owner_party="ca", pillar="cyber")
        set_grant(session, cyber, "in", read=True, write=False)
        ungraded = shared_indicator(1, ["ca", "in"])  # no evaluation, no caveats
        graded = shared_indicator(2, ["ca", "in"])
        graded["extensions"][HANDLING_EXTENSION_ID] |= {
            "evaluation": {"source_reliability": "B", "information_credibility": 2},
            "caveats": ["Lead only."],
        }  # fmt: skip
        add_objects(session, cyber, [ungraded, graded], origin=Origin("ottawa", "ca"))
    acting = Acting("ottawa", "ca", "local", require_evaluation=gated)
    due = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    with db.session(write=True) as session:
        sent = send_rfi(session, acting, RfiRequest("in", "cyber", "routine", due, "q",
                                                    refs=[graded["id"]]))  # fmt: skip
        assert sent.rfi.refs == (graded["id"],)
    request = RfiRequest("in", "cyber", "routine", due, "q", refs=[ungraded["id"]])
    with db.session(write=True) as session:
        if gated:
            with pytest.raises(InvalidInput, match="is not shared with party 'in'"):
                send_rfi(session, acting, request)
        else:
            assert send_rfi(session, acting, request).rfi.refs == (ungraded["id"],)
