"""Every network answer leaves a `network.read` entry (API and CLI), on SQLite and PostgreSQL:
who, which analysis, which collections and how many objects, never the objects themselves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from liaison.access.visibility import Viewer
from liaison.audit.log import LOCAL_ACTOR
from liaison.config import load_settings
from liaison.errors import StoreUnavailable
from liaison.networks import reads
from liaison.networks.load import visible_nodes
from liaison.store.collections import find_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry
from tests.cli.inprocess import ok
from tests.networks.support import Planted
from tests.networks.test_store import api, node
from tests.taxii.conftest import Client

__all__ = ["api", "node"]


def _entries(db: Database) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEntry.entry).where(AuditEntry.kind == reads.READ).order_by(AuditEntry.index)
        )
        return [json.loads(text) for text in rows]


def _drugs(db: Database, viewer: Viewer) -> tuple[str, int]:
    """The drugs collection's id and how many objects `viewer` may draw from it."""
    with db.session() as session:
        return find_collection(session, "drugs").id, len(visible_nodes(session, viewer, ["drugs"]))


def test_each_api_answer_records_one_entry(
    api: tuple[Client, dict[str, str], Planted], db: Database
) -> None:
    client, tokens, planted = api
    net = planted.network
    headers = {"Authorization": f"Bearer {tokens['anna']}"}
    ends = {"sources": ",".join(net.suppliers), "targets": net.markets[0]}
    asked: list[tuple[str, dict[str, Any]]] = [
        ("keyplayers", {"top": 3}), ("cut", ends), ("communities", {}),
        ("paths", {**ends, "limit": 2}), ("export", {"format": "gexf"}),
    ]  # fmt: skip
    for analysis, params in asked:
        response = client.get(f"/api/v1/network/{analysis}", headers=headers,
                              params={"collection": "drugs", **params})  # fmt: skip
        assert response.status_code == 200, response.text
    entries = _entries(db)
    assert [(e["kind"], e["actor"], e["details"]["analysis"]) for e in entries] == [
        (reads.READ, "anna", analysis) for analysis, _ in asked
    ]
    drugs, objects = _drugs(db, Viewer("anna", "ca"))
    for entry in entries:
        details = entry["details"]
        assert details["party"] == "ca" and details["collections"] == [drugs]
        assert details["objects"] == objects and details["vertices"] > 0
        assert planted.hidden not in orjson.dumps(entry).decode()
    assert entries[1]["details"]["parameters"] == {
        "sources": list(net.suppliers),
        "targets": [net.markets[0]],
    }
    assert entries[0]["details"]["parameters"]["top"] == 3
    assert entries[4]["details"]["parameters"] == {"format": "gexf"}
    # every readable collection when none is named
    assert client.get("/api/v1/network/communities", headers=headers).status_code == 200
    assert _entries(db)[-1]["details"]["collections"] == [drugs]


def test_failed_or_refused_analyses_record_nothing(
    api: tuple[Client, dict[str, str], Planted], db: Database
) -> None:
    client, tokens, planted = api
    anna = {"Authorization": f"Bearer {tokens['anna']}"}
    missing = client.get("/api/v1/network/cut", headers=anna,
                         params={"sources": "identity--nope", "targets": planted.network.markets})  # fmt: skip
    assert missing.status_code == 404
    peer = {"Authorization": f"Bearer {tokens['nd']}"}
    assert client.get("/api/v1/network/keyplayers", headers=peer).status_code == 403
    assert _entries(db) == []


def test_a_read_whose_entry_cannot_be_written_fails(
    api: tuple[Client, dict[str, str], Planted], db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, tokens, _ = api

    def unavailable(*_args: Any) -> int:
        raise StoreUnavailable("the audit log cannot be written")

    monkeypatch.setattr(reads, "record", unavailable)
    headers = {"Authorization": f"Bearer {tokens['anna']}"}
    response = client.get("/api/v1/network/communities", headers=headers)
    assert response.status_code == 503
    assert "communities" not in response.text
    assert _entries(db) == []


def test_cli_analyses_record_the_local_actor(node: tuple[Path, Planted]) -> None:
    directory, planted = node
    net = planted.network
    ok(directory, "network", "cut", "-c", "drugs", "--sources", ",".join(net.suppliers),
       "--targets", ",".join(net.markets))  # fmt: skip
    ok(directory, "network", "keyplayers", "-c", "drugs", "--top", "2")
    db = Database(load_settings(directory).store_url)
    try:
        entries = _entries(db)
        drugs, objects = _drugs(db, Viewer(LOCAL_ACTOR, "ca"))
    finally:
        db.dispose()
    assert [(e["actor"], e["details"]["analysis"]) for e in entries] == [
        (LOCAL_ACTOR, "cut"),
        (LOCAL_ACTOR, "keyplayers"),
    ]
    assert entries[0]["details"]["collections"] == [drugs]
    assert entries[0]["details"]["objects"] == objects
    assert entries[0]["details"]["parameters"]["targets"] == list(net.markets)
