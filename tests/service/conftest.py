"""The store under test: the embedded SQLite file and the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dgbot.store.engine import create_store_engine, upgrade
from service.services import postgres_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def engine(store_url: str) -> Iterator[sa.Engine]:
    engine = create_store_engine(store_url)
    upgrade(engine)
    yield engine
    engine.dispose()
