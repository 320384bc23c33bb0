"""The real PostgreSQL and Redis of this machine (.ci/run starts them), each test run in its own space."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

POSTGRES = os.environ.get("DGBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("DGBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def require(port: int, what: str) -> None:
    """Skip (or, where CI requires the services, fail) when the server is not running."""
    if _reachable(port):
        return
    if os.environ.get("DGBOT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required here but nothing listens on 127.0.0.1:{port}")
    pytest.skip(f"{what} is not running on 127.0.0.1:{port} (.ci/run starts it)")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections work in a fresh schema of the `test` database, dropped afterwards."""
    require(5432, "PostgreSQL")
    schema = f"dgbot_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def redis_url() -> str:
    require(6379, "Redis")
    return REDIS
