"""Running the Alembic migrations that ship inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from liaison.errors import ConfigError
from liaison.store.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(db: Database | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if db is not None:
        config.attributes["engine"] = db.engine
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the store's schema up to `revision` (the latest by default)."""
    command.upgrade(_config(db), revision)


def downgrade(db: Database, revision: str) -> None:
    """Take the store's schema back to `revision` (for rolling back a failed upgrade)."""
    command.downgrade(_config(db), revision)


def head_revision() -> str | None:
    """The newest migration shipped with this version of liaison."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    """The revision the store is at, or None for an empty database."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current(db: Database) -> None:
    """Refuse to work on a store whose schema is behind this version of liaison."""
    current, head = current_revision(db), head_revision()
    if current != head:
        raise ConfigError(
            f"the store is at schema revision {current or 'none'}, this liaison needs {head}: "
            "run `liaison db upgrade`"
        )


def open_store(url: str) -> Database:
    """Open the store at `url`, refusing one whose schema is not current."""
    db = Database(url)
    try:
        require_current(db)
    except BaseException:
        db.dispose()
        raise
    return db
