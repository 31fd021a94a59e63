"""Generic writes refuse workflow objects: RFIs, their steps and withdrawals have their own ways.

A TAXII POST and `liaison import` would skip the workflow's role checks, the RFI fold's refusals
and the `rfi.*` audit entries; sync from peers and the workflow services store them directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from liaison.errors import InvalidStix
from liaison.exchange.rfi_objects import event_object, rfi_object
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.store.collections import find_collection
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.store.objects import Origin, add_objects
from liaison.store.transfer import import_files, import_objects
from tests.factories import indicator
from tests.taxii.conftest import Node

CREATED = "2026-05-01T09:00:00.000Z"
RFI = rfi_object(
    requester="ca", addressee="in", pillar="cyber", priority="routine",
    due="2026-05-30T23:59:59.999Z", question="Who runs 198.51.100.7?", created=CREATED,
)  # fmt: skip
ACK = event_object(
    rfi_id=RFI["id"], previous=RFI["id"], event_type="acknowledge", party="in",
    parties=("ca", "in"), created=CREATED,
)  # fmt: skip
WITHDRAWAL = indicator(
    1, modified="2026-05-02T09:00:00.000Z", revoked=True,
    extensions={HANDLING_EXTENSION_ID: {
        "extension_type": "property-extension", "withdrawal_reason": "sent in error",
    }},
)  # fmt: skip


def _stored(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(StixObject)) or 0)


@pytest.mark.parametrize(
    ("workflow", "says"),
    [
        (RFI, "use `liaison rfi …` or /api/v1/rfis"),
        (ACK, "use `liaison rfi …` or /api/v1/rfis"),
        (WITHDRAWAL, "use `liaison withdraw ID --reason …` or POST /api/v1/objects/{id}/withdraw"),
    ],
)
def test_a_taxii_post_refuses_workflow_objects(
    node: Node, db: Database, workflow: dict[str, Any], says: str
) -> None:
    plain = indicator(2)
    before = _stored(db)
    status = node.post([plain, workflow])
    assert status["success_count"] == 0 and status["failure_count"] == 2
    messages = {failure["id"]: failure["message"] for failure in status["failures"]}
    assert says in messages[workflow["id"]]
    assert messages[plain["id"]].startswith("not stored")
    assert _stored(db) == before


def test_liaison_import_refuses_workflow_objects(node: Node, db: Database, tmp_path: Path) -> None:
    origin = Origin("ottawa", "ca")
    before = _stored(db)
    with pytest.raises(InvalidStix) as refused:
        import_objects(db, "shared", [indicator(3), RFI, ACK, WITHDRAWAL], origin=origin)
    assert [(p.object_id, p.index) for p in refused.value.problems] == [
        (RFI["id"], 1), (ACK["id"], 2), (WITHDRAWAL["id"], 3),
    ]  # fmt: skip
    assert "liaison rfi" in str(refused.value.problems[0])
    assert "liaison withdraw" in str(refused.value.problems[2])
    bundle = tmp_path / "rfi.json"
    bundle.write_bytes(orjson.dumps({"type": "bundle", "id": RFI["id"].replace(
        "liaison-rfi", "bundle"), "objects": [RFI]}))  # fmt: skip
    with pytest.raises(InvalidStix, match="liaison rfi"):
        import_files(db, [bundle], "shared", origin=origin)
    assert _stored(db) == before


def test_sync_and_the_workflow_services_still_store_them(node: Node, db: Database) -> None:
    """They call `add_objects` directly, which does not ask."""
    with db.session(write=True) as session:
        shared = find_collection(session, "shared")
        received = Origin("new-delhi", "in", received_from="new-delhi")
        add_objects(session, shared, [ACK], origin=received)
        add_objects(session, shared, [RFI], origin=Origin("ottawa", "ca"))
    with db.session() as session:
        stored = set(session.scalars(select(StixObject.id)))
    assert {RFI["id"], ACK["id"]} <= stored
