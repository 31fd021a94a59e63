"""Opening the store: one engine per node, sessions with a single owner of the transaction.

SQLite runs in WAL mode with foreign keys on and a busy timeout; write sessions take the write
lock up front (BEGIN IMMEDIATE) so concurrent writers queue instead of failing. PostgreSQL is
reached through psycopg 3 (`postgresql+psycopg://`). JSON goes through orjson on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from liaison.errors import ConfigError, StoreUnavailable

_BEGIN = {True: "BEGIN IMMEDIATE", False: "BEGIN"}
WRITE_OPTION = "liaison_write"


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = bool(connection.get_execution_options().get(WRITE_OPTION))
        connection.exec_driver_sql(_BEGIN[write])


class Database:
    """The node's store: an engine and the sessions made from it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError(f"database URL '{url}' is not a valid SQLAlchemy URL") from None
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ConfigError(f"database '{self.dialect}' is not supported (sqlite, postgresql)")
        options: dict[str, Any] = {
            "echo": echo,
            "json_serializer": _json_dumps,
            "json_deserializer": orjson.loads,
        }
        if self.dialect == "postgresql":
            options["pool_pre_ping"] = True
        self.engine = create_engine(url, **options)
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        """True when the store is PostgreSQL."""
        return self.dialect == "postgresql"

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        with self.sessionmaker() as session:
            try:
                if write:
                    session.connection(execution_options={WRITE_OPTION: True})
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise StoreUnavailable(f"store error: {exc.orig}") from exc
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
