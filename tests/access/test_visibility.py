"""The visibility policy: its rules, and the SQL rendering agreeing with the Python one."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from liaison.access.parties import add_party
from liaison.access.visibility import Labels, Viewer, may_see, name_list, visible_clause
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import StixObject

ALICE, BOB, CAROL = Viewer("alice", "ca"), Viewer("bob", "in"), Viewer("carol", "us")
LEVELS = [None, *(level.value for level in Tlp)]


def _labels(
    tlp: str | None,
    origin: str = "ca",
    releasable_to: list[str] | None = None,
    recipients: list[str] | None = None,
) -> Labels:
    return Labels(tlp, origin, name_list(releasable_to), name_list(recipients))


@pytest.mark.parametrize(
    ("viewer", "labels", "default", "visible"),
    [
        (BOB, _labels("clear"), None, True),
        (BOB, _labels("green"), None, True),
        (BOB, _labels("amber"), None, True),
        (BOB, _labels("amber+strict"), None, False),
        (BOB, _labels("amber+strict", releasable_to=["in"]), None, True),
        (CAROL, _labels("amber+strict", releasable_to=["in"]), None, False),
        (BOB, _labels("amber", releasable_to=["us"]), None, False),
        (CAROL, _labels("green", releasable_to=["us", "in"]), None, True),
        (BOB, _labels("red"), None, False),
        (BOB, _labels("red", recipients=["bob"]), None, True),
        (BOB, _labels("red", releasable_to=["us"], recipients=["bob"]), None, False),
        (ALICE, _labels("red", origin="ca"), None, True),  # the originator's own party
        (ALICE, _labels("amber+strict", origin="in"), None, False),
        (BOB, _labels(None), "amber+strict", False),  # unmarked: the collection default decides
        (BOB, _labels(None), "green", True),
        (BOB, _labels(None), None, False),
        (BOB, _labels("red", recipients=["bobby"]), None, False),  # whole names only
    ],
)
def test_rules(viewer: Viewer, labels: Labels, default: str | None, visible: bool) -> None:
    assert may_see(viewer, labels, default) is visible


def test_sql_rendering_agrees_with_python_on_every_combination(db: Database) -> None:
    parties = ["ca", "in", "us"]
    releases = [None, ["ca"], ["in"], ["in", "us"]]
    recipient_lists = [None, ["alice"], ["bob", "carol"], ["bo_b%"]]
    combinations = list(itertools.product(LEVELS, parties, releases, recipient_lists))
    viewers = [ALICE, BOB, CAROL, Viewer("bo_b%", "in"), Viewer("dave", "in")]
    with db.session(write=True) as session:
        for party in parties:
            add_party(session, party)
        for default in LEVELS:
            collection = create_collection(
                session, f"c-{default}", owner_party="ca",
                default_tlp=Tlp(default) if default else None,
            )  # fmt: skip
            for n, (tlp, origin, releasable, recipients) in enumerate(combinations):
                session.add(StixObject(
                    collection_id=collection.id, id=f"note--{n}", modified="m", type="note",
                    created=None, spec_version="2.1", date_added=n, tlp=tlp, origin_node="n",
                    origin_party=origin, releasable_to=name_list(releasable),
                    recipients=name_list(recipients), revoked=False, expires_at=None, body={},
                ))  # fmt: skip
            session.flush()
            for viewer in viewers:
                rows = session.scalars(
                    select(StixObject).where(StixObject.collection_id == collection.id)
                ).all()
                expected = {
                    row.id
                    for row in rows
                    if may_see(
                        viewer,
                        Labels(row.tlp, row.origin_party, row.releasable_to, row.recipients),
                        default,
                    )
                }
                found = set(
                    session.scalars(
                        select(StixObject.id).where(
                            StixObject.collection_id == collection.id,
                            visible_clause(viewer, default),
                        )
                    )
                )
                assert found == expected, (viewer, default)
                assert 0 < len(found) < len(rows)
