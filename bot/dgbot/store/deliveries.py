"""Receiving a delivery: one transaction stores it, deduplicated, with the job it starts (the outbox)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from dgbot.store.sql import epoch, insert_new, utcnow
from dgbot.store.tables import deliveries, jobs, lanes, repositories


@dataclass(frozen=True)
class NewJob:
    """The job an event asks for; `key` (forge, repository, event, commit) makes it idempotent."""

    key: str
    forge: str
    repository: str
    lane: str
    event: str
    commit: str
    payload: dict[str, Any]
    installation: int | None = None


@dataclass(frozen=True)
class Receipt:
    """What became of a delivery: queued (a new job), known (its job exists), duplicate, ignored, ping."""

    outcome: str
    job: int | None = None


def receive(
    engine: sa.Engine,
    forge: str,
    delivery: str,
    event: str,
    repository: str | None,
    job: NewJob | None,
    outcome: str = "ignored",
) -> Receipt:
    """Store the delivery and its job durably; the job is then queued by the caller (or the sweep)."""
    with engine.begin() as connection:
        row = {"forge": forge, "id": delivery, "event": event, "repository": repository}
        if not insert_new(connection, deliveries, {**row, "received": utcnow(), "outcome": "received"}):
            return Receipt("duplicate")
        receipt = Receipt(outcome) if job is None else _job(connection, delivery, job)
        connection.execute(
            deliveries.update()
            .where(deliveries.c.forge == forge, deliveries.c.id == delivery)
            .values(outcome=receipt.outcome, job=receipt.job)
        )
        return receipt


def _job(connection: sa.Connection, delivery: str, job: NewJob) -> Receipt:
    created = insert_new(
        connection,
        jobs,
        {
            "key": job.key,
            "forge": job.forge,
            "repository": job.repository,
            "lane": job.lane,
            "event": job.event,
            "commit": job.commit,
            "delivery": delivery,
            "payload": job.payload,
            "state": "pending",
            "tries": 0,
            "queued_at": epoch(),
            "created": utcnow(),
        },
    )
    job_id = connection.execute(sa.select(jobs.c.id).where(jobs.c.key == job.key)).scalar_one()
    if not created:
        return Receipt("known", job_id)  # a replayed body under a new delivery id starts no second job
    if not insert_new(connection, lanes, {"lane": job.lane, "newest": job_id, "finished": 0}):
        connection.execute(
            lanes.update().where(lanes.c.lane == job.lane, lanes.c.newest < job_id).values(newest=job_id)
        )
    seen = {"forge": job.forge, "full_name": job.repository}
    if (
        not insert_new(
            connection, repositories, {**seen, "installation": job.installation, "first_seen": utcnow()}
        )
        and job.installation is not None
    ):
        connection.execute(
            repositories.update()
            .where(repositories.c.forge == job.forge, repositories.c.full_name == job.repository)
            .values(installation=job.installation)
        )
    return Receipt("queued", job_id)
