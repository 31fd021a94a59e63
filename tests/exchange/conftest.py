"""Two node directories (Ottawa, party ca; New Delhi, party in) and a stand-in for sync.

`deliver` copies what one node's exchange collection lets the other party see into the other
node's exchange collection, with the provenance sync records, so the RFI workflow can be walked
in-process on both sides; tests/e2e/test_rfi.py does the same over two real servers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from liaison.access.parties import add_party
from liaison.access.visibility import Viewer, collection_access
from liaison.config import load_settings
from liaison.exchange.collection import EXCHANGE_COLLECTION
from liaison.node import initialise_node
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, find_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import Collection, StixObject
from liaison.store.objects import Origin, add_objects
from tests.factories import indicator


@contextmanager
def node_db(directory: Path) -> Iterator[Database]:
    """The store of a node directory, for the block."""
    db = Database(load_settings(directory).store_url)
    try:
        yield db
    finally:
        db.dispose()


def shared_indicator(number: int, releasable_to: list[str]) -> dict[str, Any]:
    """A TLP:GREEN indicator released to `releasable_to`."""
    handling = {"extension_type": "property-extension", "releasable_to": releasable_to}
    return indicator(number, tlp=Tlp.GREEN, extensions={HANDLING_EXTENSION_ID: handling})


@dataclass(frozen=True)
class Pair:
    """Both node directories and the ids of their shared indicators."""

    ottawa: Path
    new_delhi: Path
    ottawa_shared: str  # in Ottawa's cyber collection, released to ca and in
    ottawa_private: str  # in Ottawa's cyber collection, released to ca only
    delhi_shared: str  # in New Delhi's cyber collection, released to ca and in
    delhi_private: str  # in New Delhi's cyber collection, released to in only


def _node(base: Path, name: str, party: str, peer: str, numbers: tuple[int, int]) -> list[str]:
    directory = base / name
    initialise_node(directory, name, party)
    shared, private = (
        shared_indicator(numbers[0], [party, peer]),
        shared_indicator(numbers[1], [party]),
    )
    with node_db(directory) as db, db.session(write=True) as session:
        add_party(session, peer)
        cyber = create_collection(session, "cyber", owner_party=party, pillar="cyber")
        set_grant(session, cyber, peer, read=True, write=False)
        add_objects(session, cyber, [shared, private], origin=Origin(name, party))
    return [shared["id"], private["id"]]


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    """Ottawa (ca) and New Delhi (in), each with a cyber collection the other may read."""
    ottawa_shared, ottawa_private = _node(tmp_path, "ottawa", "ca", "in", (1, 2))
    delhi_shared, delhi_private = _node(tmp_path, "new-delhi", "in", "ca", (3, 4))
    return Pair(
        tmp_path / "ottawa", tmp_path / "new-delhi", ottawa_shared, ottawa_private, delhi_shared,
        delhi_private,
    )  # fmt: skip


def _exchange(session: Any, party: str) -> Collection:
    found = session.scalar(select(Collection).where(Collection.name == EXCHANGE_COLLECTION))
    if found is not None:
        return found  # type: ignore[no-any-return]
    return create_collection(
        session, EXCHANGE_COLLECTION, owner_party=party, default_tlp=Tlp.AMBER_STRICT
    )


def deliver(source: Path, target: Path) -> int:
    """Copy what `source`'s exchange collection shows `target`'s party into `target`, as sync does."""
    src, dst = load_settings(source), load_settings(target)
    with node_db(source) as db, db.session() as session:
        collection = find_collection(session, EXCHANGE_COLLECTION)
        viewer = Viewer(dst.node_name, dst.party, peer=True)
        clause = collection_access(session, viewer, collection).clause(viewer)
        rows = session.scalars(
            select(StixObject)
            .where(StixObject.collection_id == collection.id, clause)
            .order_by(StixObject.date_added)
        ).all()
        objects = [(row.body, row.origin_party) for row in rows if row.origin_party != dst.party]
    with node_db(target) as db, db.session(write=True) as session:
        exchange = _exchange(session, dst.party)
        added = 0
        for body, party in objects:
            origin = Origin(src.node_name, party, received_from=src.node_name)
            added += add_objects(session, exchange, [body], origin=origin).added
    return added
