"""Small SQL helpers both dialects share: insert-if-absent and the clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_new(connection: sa.Connection, table: sa.Table, values: dict[str, Any]) -> bool:
    """Insert the row unless its key exists (no error, no aborted transaction); True when inserted."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    key = next(iter(table.primary_key.columns))
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return connection.execute(statement).first() is not None


def utcnow() -> datetime:
    return datetime.now(UTC)


def epoch() -> float:
    return time.time()
