"""The governance record: verdicts (append-only) and data-volume samples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dgbot import __version__
from dgbot.store.sql import utcnow
from dgbot.store.tables import verdicts, volume_samples


@dataclass(frozen=True)
class VerdictRow:
    """One verdict and what it was computed from; `job` orders verdicts of a branch by arrival."""

    forge: str
    repository: str
    ref: str
    commit: str
    status: str
    verdict: dict[str, Any]
    counts: dict[str, int]
    checks: dict[str, str]
    job: int | None = None
    plan_path: str | None = None
    plan_sha256: str | None = None
    links: dict[str, Any] = field(default_factory=dict)


def add_verdict(engine: sa.Engine, row: VerdictRow) -> int:
    """Store a verdict as a new row (verdicts are never updated in place); returns its id."""
    values = {**row.__dict__, "dgbot_version": __version__, "created": utcnow()}
    with engine.begin() as connection:
        inserted = connection.execute(verdicts.insert().values(**values).returning(verdicts.c.id))
        return int(inserted.scalar_one())


def current_verdict(engine: sa.Engine, forge: str, repository: str, ref: str) -> sa.Row[Any] | None:
    """The branch's verdict that counts: the newest job's, whatever order the jobs finished in."""
    where = verdicts.c.forge == forge, verdicts.c.repository == repository, verdicts.c.ref == ref
    order = sa.func.coalesce(verdicts.c.job, 0).desc(), verdicts.c.id.desc()
    with engine.connect() as connection:
        return connection.execute(sa.select(verdicts).where(*where).order_by(*order).limit(1)).one_or_none()


def add_volume_sample(engine: sa.Engine, forge: str, repository: str, commit: str, size: int) -> None:
    """One point of a repository's data-volume series."""
    values = {"forge": forge, "repository": repository, "commit": commit, "bytes": size, "sampled": utcnow()}
    with engine.begin() as connection:
        connection.execute(volume_samples.insert().values(**values))
