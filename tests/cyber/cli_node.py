"""A node on the backend under test for in-process CLI tests of the cyber imports and exports."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from liaison.node import initialise_node
from tests.cli.inprocess import ok


@pytest.fixture
def node(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Ottawa node (party ca) whose store is the backend under test."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", store_url)
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    return directory


@pytest.fixture
def sqlite_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Ottawa node on SQLite only, for paths that do not depend on the backend."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    return directory


def load(node: Path, tmp_path: Path, collection: str, objects: list[dict[str, Any]]) -> None:
    """Import `objects` as one STIX bundle into `collection` (created with TLP:GREEN default)."""
    bundle = tmp_path / f"{collection}-{len(list(tmp_path.glob('*.json')))}.json"
    bundle.write_text(
        json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects})
    )
    ok(node, "import", str(bundle), "-c", collection, "--create", "--default-tlp", "green")
