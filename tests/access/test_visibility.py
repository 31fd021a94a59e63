"""The visibility policy: its rules, and the SQL rendering agreeing with the Python one."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from liaison.access.parties import add_party
from liaison.access.visibility import (
    Labels,
    Viewer,
    labels_of,
    may_see,
    name_list,
    visible_clause,
)
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


PEER_NODE = Viewer("new-delhi", "in", peer=True)


@pytest.mark.parametrize(
    ("viewer", "withdrawn", "revoked", "visible"),
    [
        (ALICE, True, False, False),  # the originator's own party sees nothing of it either
        (ALICE, True, True, False),
        (BOB, True, True, False),
        (PEER_NODE, True, False, False),  # earlier versions: gone for peers too
        (PEER_NODE, True, True, True),  # the revoked version carries the withdrawal onwards
        (PEER_NODE, False, True, True),  # revoked, not (yet) marked: as any object
        (PEER_NODE, False, False, True),
        (BOB, False, False, True),
    ],
)
def test_withdrawn_objects_are_served_to_no_one_but_peers_revoked_version(
    viewer: Viewer, withdrawn: bool, revoked: bool, visible: bool
) -> None:
    labels = Labels("green", "ca", None, None, withdrawn=withdrawn, revoked=revoked)
    assert may_see(viewer, labels, None) is visible


def test_sql_rendering_agrees_on_withdrawn_and_revoked(db: Database) -> None:
    flags = list(itertools.product([False, True], [False, True], LEVELS, [None, ["in"]]))
    viewers = [ALICE, BOB, CAROL, PEER_NODE, Viewer("washington", "us", peer=True)]
    with db.session(write=True) as session:
        for party in ("ca", "in", "us"):
            add_party(session, party)
        collection = create_collection(session, "c", owner_party="ca", default_tlp=Tlp.GREEN)
        for n, (withdrawn, revoked, tlp, releasable) in enumerate(flags):
            session.add(StixObject(
                collection_id=collection.id, id=f"note--{n}", modified="m", type="note",
                created=None, spec_version="2.1", date_added=n, tlp=tlp, origin_node="n",
                origin_party="ca", releasable_to=name_list(releasable), recipients=None,
                revoked=revoked, withdrawn=withdrawn, expires_at=None, body={},
            ))  # fmt: skip
        session.flush()
        rows = session.scalars(select(StixObject)).all()
        for viewer in viewers:
            expected = {row.id for row in rows if may_see(viewer, labels_of(row), "green")}
            found = set(
                session.scalars(select(StixObject.id).where(visible_clause(viewer, "green")))
            )
            assert found == expected, viewer
            assert 0 < len(found) < len(rows)
            assert not any(row.withdrawn and row.id in found for row in rows if not viewer.peer)


GATED_PEER = Viewer("new-delhi", "in", peer=True, require_evaluation=True)


@pytest.mark.parametrize(
    ("viewer", "labels", "visible"),
    [
        (GATED_PEER, Labels("green", "ca", None, None, evaluated=False), False),  # held back
        (GATED_PEER, Labels("green", "ca", None, None, evaluated=True), True),
        (GATED_PEER, Labels("green", "in", None, None, evaluated=False), True),  # its own party's
        (GATED_PEER, Labels("red", "ca", None, None, evaluated=True), False),  # TLP still applies
        (PEER_NODE, Labels("green", "ca", None, None, evaluated=False), True),  # setting off
        (Viewer("bob", "in", require_evaluation=True), Labels("green", "ca", None, None), False),
        (Viewer("bob", "in"), Labels("green", "ca", None, None), True),  # not gated: own party
    ],
)
def test_foreign_readers_of_a_node_requiring_evaluation_see_only_evaluated_objects(
    viewer: Viewer, labels: Labels, visible: bool
) -> None:
    assert may_see(viewer, labels, None) is visible


def test_sql_rendering_agrees_on_evaluated(db: Database) -> None:
    flags = list(itertools.product([False, True], ["ca", "in"], LEVELS, [None, ["in"]]))
    viewers = [
        ALICE, BOB, PEER_NODE, GATED_PEER, Viewer("bob", "in", require_evaluation=True),
        Viewer("ottawa", "ca", peer=True, require_evaluation=True),
    ]  # fmt: skip
    with db.session(write=True) as session:
        for party in ("ca", "in", "us"):
            add_party(session, party)
        collection = create_collection(session, "c", owner_party="ca", default_tlp=Tlp.AMBER)
        for n, (evaluated, origin, tlp, releasable) in enumerate(flags):
            session.add(StixObject(
                collection_id=collection.id, id=f"note--{n}", modified="m", type="note",
                created=None, spec_version="2.1", date_added=n, tlp=tlp, origin_node="n",
                origin_party=origin, releasable_to=name_list(releasable), recipients=None,
                revoked=False, evaluated=evaluated, expires_at=None, body={},
            ))  # fmt: skip
        session.flush()
        rows = session.scalars(select(StixObject)).all()
        found_by_viewer = {}
        for viewer in viewers:
            expected = {row.id for row in rows if may_see(viewer, labels_of(row), "amber")}
            found = set(
                session.scalars(select(StixObject.id).where(visible_clause(viewer, "amber")))
            )
            assert found == expected, viewer
            assert 0 < len(found) < len(rows)
            found_by_viewer[viewer] = found
        held = {row.id for row in rows if not row.evaluated and row.origin_party == "ca"}
        assert held & found_by_viewer[PEER_NODE]
        assert not held & found_by_viewer[GATED_PEER]
