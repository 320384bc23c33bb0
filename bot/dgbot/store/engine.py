"""Opening the store and keeping its schema current with Alembic."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dgbot.errors import UsageError
from dgbot.fs.write import make_folder
from dgbot.store.config import StateConfig

MIGRATIONS = "dgbot.store:migrations"  # Alembic finds the package folder itself (also in a wheel)


def create_store_engine(url: str) -> sa.Engine:
    """An engine; SQLite in WAL mode with writers taking the lock at BEGIN (no upgrade deadlocks)."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy's "begin" below starts each transaction
        for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL", "foreign_keys=ON"):
            dbapi.execute(f"PRAGMA {pragma}")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _alembic(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration dgbot ships."""
    head = ScriptDirectory.from_config(_alembic(None)).get_current_head()  # type: ignore[arg-type]
    assert head is not None
    return head


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Apply every migration not yet applied (`dgbot db upgrade`)."""
    with engine.begin() as connection:
        command.upgrade(_alembic(connection), "head")


def open_engine(config: StateConfig) -> sa.Engine:
    """The store, ready: the embedded SQLite store is migrated; any other must already be current."""
    if config.embedded:
        make_folder(config.state_dir, config.state_dir)  # the operator's folder: trusted as a root
    engine = create_store_engine(config.database_url)
    if config.embedded:
        upgrade(engine)
        return engine
    current, head = current_revision(engine), head_revision()
    if current != head:
        engine.dispose()
        raise UsageError(
            f"the store's schema is at {current or 'no revision'}, dgbot needs {head}: run `dgbot db upgrade`"
        )
    return engine
