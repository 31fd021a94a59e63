"""Shared fixtures: a migrated store per test on SQLite and, when configured, on PostgreSQL.

`LIAISON_TEST_POSTGRES_URL` adds a PostgreSQL variant of every store test; each test gets its own
schema, dropped afterwards. With `LIAISON_REQUIRE_POSTGRES=1` an unreachable server fails the run.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from liaison.store.database import Database
from liaison.store.migrate import upgrade

POSTGRES_URL = os.environ.get("LIAISON_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("LIAISON_REQUIRE_POSTGRES") == "1"


def _shared_data() -> Path:
    """The workplace's shared data (`../shared/data` beside the repository): from
    `LIAISON_SHARED_DATA`, else beside this checkout, else beside the repository this checkout
    was cloned from (a fresh clone in /tmp still finds the ATT&CK bundles)."""
    if "LIAISON_SHARED_DATA" in os.environ:
        return Path(os.environ["LIAISON_SHARED_DATA"])
    root = Path(__file__).resolve().parents[1]
    beside = root.parent / "shared" / "data"
    origin = subprocess.run(
        ["git", "-C", str(root), "remote", "get-url", "origin"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    source = Path(origin.stdout.strip()) if origin.returncode == 0 else None
    if beside.is_dir() or source is None or not source.is_dir():
        return beside
    return source.resolve().parent / "shared" / "data"


SHARED_DATA = _shared_data()
ATTACK_DIR = SHARED_DATA / "attack"
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL or REQUIRE_POSTGRES else [])]


def _postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.fail("LIAISON_REQUIRE_POSTGRES=1 but LIAISON_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the server is down: fail, never skip
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL: SQLite in tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def db(store_url: str) -> Iterator[Database]:
    """A migrated store."""
    database = Database(store_url)
    upgrade(database)
    try:
        yield database
    finally:
        database.dispose()
