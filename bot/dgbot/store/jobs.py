"""A job's life in the store: claimed under a lease, one per branch, done once, retried, swept.

The queue only says "look at job N"; the store decides. A job is claimed with a conditional
UPDATE (one winner, in SQLite and PostgreSQL alike), holds its branch (`lanes`) for the
length of a lease that a heartbeat renews, and ends `done` only by the holder of that lease.
So a job delivered twice by the queue, or queued again by the sweep, runs once; a job whose
worker was killed is claimed again once its lease ran out. A job the web app stored is
admitted by a worker's relay (`admit`: its branch and repository recorded) before it is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from dgbot.store.sql import epoch, insert_new, utcnow
from dgbot.store.tables import jobs, lanes, repositories

FINAL = ("done", "failed", "superseded")


@dataclass(frozen=True)
class Claim:
    """`claimed` (run it), `busy` (its branch runs another job: later), `superseded`, or `gone`."""

    outcome: str
    job: sa.Row[Any] | None = None


def claim(engine: sa.Engine, job_id: int, holder: str, lease: float) -> Claim:
    """Take job `job_id` for `holder` for `lease` seconds, if it is still to be run."""
    now = epoch()
    with engine.connect() as connection, connection.begin() as transaction:
        job = connection.execute(sa.select(jobs).where(jobs.c.id == job_id)).one_or_none()
        if job is None or job.state in FINAL or (job.state == "running" and (job.lease_until or 0) > now):
            return Claim("gone", job)
        newest = connection.execute(sa.select(lanes.c.newest).where(lanes.c.lane == job.lane)).scalar_one()
        if newest > job.id:  # a newer commit of the branch is queued: its verdict is the one that counts
            connection.execute(
                jobs.update()
                .where(jobs.c.id == job.id, jobs.c.state == job.state)
                .values(state="superseded", result={"superseded_by": newest}, finished=utcnow())
            )
            return Claim("superseded", job)
        free = sa.or_(lanes.c.running.is_(None), lanes.c.running == job.id, lanes.c.lease_until < now)
        taken = connection.execute(
            lanes.update()
            .where(lanes.c.lane == job.lane, free)
            .values(running=job.id, lease_until=now + lease)
        )
        if taken.rowcount != 1:
            return Claim("busy", job)
        runnable = sa.or_(
            jobs.c.state == "pending", sa.and_(jobs.c.state == "running", jobs.c.lease_until < now)
        )
        started = connection.execute(
            jobs.update()
            .where(jobs.c.id == job.id, runnable)
            .values(
                state="running",
                holder=holder,
                lease_until=now + lease,
                tries=jobs.c.tries + 1,
                started=utcnow(),
            )
        )
        if started.rowcount != 1:
            transaction.rollback()  # another worker started it first: give the branch back as it was
            return Claim("gone", job)
        return Claim("claimed", connection.execute(sa.select(jobs).where(jobs.c.id == job.id)).one())


def renew(engine: sa.Engine, job_id: int, holder: str, lease: float) -> bool:
    """The heartbeat: extend the lease; False when the job is no longer this holder's."""
    until = epoch() + lease
    with engine.begin() as connection:
        mine = jobs.c.id == job_id, jobs.c.holder == holder, jobs.c.state == "running"
        if connection.execute(jobs.update().where(*mine).values(lease_until=until)).rowcount != 1:
            return False
        connection.execute(lanes.update().where(lanes.c.running == job_id).values(lease_until=until))
        return True


def _release(connection: sa.Connection, job_id: int, lane: str, finished: bool) -> None:
    connection.execute(
        lanes.update()
        .where(lanes.c.lane == lane, lanes.c.running == job_id)
        .values(running=None, lease_until=None)
    )
    if finished:
        connection.execute(
            lanes.update().where(lanes.c.lane == lane, lanes.c.finished < job_id).values(finished=job_id)
        )


def finish(engine: sa.Engine, job: sa.Row[Any], holder: str, result: dict[str, Any]) -> bool:
    """Mark the job done with its result; False when its lease was lost (another run owns it)."""
    with engine.begin() as connection:
        mine = jobs.c.id == job.id, jobs.c.holder == holder, jobs.c.state == "running"
        done = connection.execute(
            jobs.update()
            .where(*mine)
            .values(state="done", result=result, finished=utcnow(), lease_until=None)
        )
        if done.rowcount != 1:
            return False
        _release(connection, job.id, job.lane, finished=True)
        return True


def fail(engine: sa.Engine, job: sa.Row[Any], holder: str, error: str, tries: int, delay: float) -> str:
    """Record a failed try: `retry` (pending again after `delay`), `failed` (no tries left), or `lost`."""
    final = job.tries >= tries
    with engine.begin() as connection:
        mine = jobs.c.id == job.id, jobs.c.holder == holder, jobs.c.state == "running"
        values: dict[str, Any] = {"last_error": error[:2000], "holder": None, "lease_until": None}
        if final:
            values.update(state="failed", finished=utcnow())
        else:
            values.update(state="pending", queued_at=epoch() + delay)
        if connection.execute(jobs.update().where(*mine).values(**values)).rowcount != 1:
            return "lost"
        _release(connection, job.id, job.lane, finished=final)
        return "failed" if final else "retry"


def sweep(engine: sa.Engine, requeue_after: float, tries: int, dead: Callable[[str], bool]) -> list[int]:
    """Jobs to queue again: queued long ago but still pending (lost by the queue), or left by a dead worker.

    `dead(holder)` tells whether a holder is known to be gone (a worker of this host that
    no longer runs): its jobs are recovered at once rather than when their lease runs out.
    """
    now = epoch()
    with engine.begin() as connection:
        running = connection.execute(
            sa.select(jobs.c.id, jobs.c.lane, jobs.c.holder, jobs.c.lease_until, jobs.c.tries).where(
                jobs.c.state == "running"
            )
        ).all()
        for job in running:
            if (job.lease_until or 0) >= now and not dead(job.holder or ""):
                continue
            final = job.tries >= tries
            connection.execute(
                jobs.update()
                .where(jobs.c.id == job.id, jobs.c.state == "running", jobs.c.holder == job.holder)
                .values(
                    state="failed" if final else "pending",
                    last_error="the worker stopped while running it",
                    holder=None,
                    lease_until=None,
                    queued_at=0.0,
                    finished=utcnow() if final else None,
                )
            )
            connection.execute(
                lanes.update().where(lanes.c.running == job.id).values(running=None, lease_until=None)
            )
        stale = jobs.c.state == "pending", jobs.c.queued_at < now - requeue_after
        ids = list(connection.execute(sa.select(jobs.c.id).where(*stale).order_by(jobs.c.id)).scalars())
        if ids:
            connection.execute(jobs.update().where(jobs.c.id.in_(ids)).values(queued_at=now))
        return ids


def admit(engine: sa.Engine, limit: int = 500) -> list[int]:
    """Jobs stored but never queued, oldest first: marked queued, their branch and repository recorded.

    Each is returned to one caller only, however many workers relay at once; a worker killed
    before it queued them leaves them to the sweep.
    """
    now = epoch()
    with engine.begin() as connection:
        fresh = jobs.c.state == "pending", jobs.c.queued_at.is_(None)
        ids = list(
            connection.execute(sa.select(jobs.c.id).where(*fresh).order_by(jobs.c.id).limit(limit)).scalars()
        )
        if not ids:
            return []
        marked = connection.execute(
            jobs.update()
            .where(jobs.c.id.in_(ids), jobs.c.queued_at.is_(None))
            .values(queued_at=now)
            .returning(
                jobs.c.id, jobs.c.lane, jobs.c.forge, jobs.c.repository, jobs.c.payload, jobs.c.created
            )
        ).all()
        for job in sorted(marked, key=lambda row: row.id):
            if not insert_new(connection, lanes, {"lane": job.lane, "newest": job.id, "finished": 0}):
                connection.execute(
                    lanes.update()
                    .where(lanes.c.lane == job.lane, lanes.c.newest < job.id)
                    .values(newest=job.id)
                )
            installation = job.payload.get("installation")
            seen = {"forge": job.forge, "full_name": job.repository}
            if (
                not insert_new(
                    connection,
                    repositories,
                    {**seen, "installation": installation, "first_seen": job.created},
                )
                and installation is not None
            ):
                connection.execute(
                    repositories.update()
                    .where(repositories.c.forge == job.forge, repositories.c.full_name == job.repository)
                    .values(installation=installation)
                )
    return sorted(job.id for job in marked)


def counts(engine: sa.Engine) -> dict[str, int]:
    """Jobs by state (the queue depth is `pending`)."""
    with engine.connect() as connection:
        rows = connection.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)).all()
    return {state: int(n) for state, n in rows}
