"""The Alembic migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from liaison.store.database import Database
from liaison.store.migrate import current_revision, downgrade, head_revision, upgrade
from liaison.store.models import Base


def test_migrated_schema_matches_the_models(store_url: str) -> None:
    db = Database(store_url)
    try:
        upgrade(db)
        assert current_revision(db) == head_revision()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
    finally:
        db.dispose()


def test_downgrade_to_the_first_revision_and_back(store_url: str) -> None:
    db = Database(store_url)
    try:
        upgrade(db)
        downgrade(db, "0001")
        assert current_revision(db) == "0001"
        upgrade(db)
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()
