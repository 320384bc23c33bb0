"""Receiving deliveries: each stored once with the job it starts, many in one transaction (the outbox).

This is the request path, so it writes only what the answer depends on: the delivery row,
deduplicated by the forge's delivery id, and the job row, idempotent by its key (forge,
repository, event, commit), so a replayed body under a new id starts no second job. The job's
branch and repository are recorded, and the job queued, by the worker (`jobs.admit`).

The statements are few and fixed, so they go to the driver directly (through SQLAlchemy's
pool and its column types, so the rows read back exactly as written through Core): on
SQLite three small statements per delivery inside one `BEGIN IMMEDIATE`; on PostgreSQL one
statement per delivery (both inserts in a CTE), the batch's statements pipelined, one commit.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from dgbot.store.sql import utcnow
from dgbot.store.tables import deliveries, jobs


@dataclass(frozen=True)
class NewJob:
    """The job an event asks for; `key` (forge, repository, event, commit) makes it idempotent.

    `payload` is the normalized event (`Event.to_json`), GitHub's `installation` included.
    """

    key: str
    forge: str
    repository: str
    lane: str
    event: str
    commit: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Arrival:
    """One authenticated delivery to store: the job it asks for, or None (then `outcome`, e.g. ignored)."""

    forge: str
    delivery: str
    event: str
    repository: str | None
    job: NewJob | None
    outcome: str = "ignored"


@dataclass(frozen=True)
class Receipt:
    """What became of a delivery: queued (a new job), known (its job exists), duplicate, ignored."""

    outcome: str
    job: int | None = None


_SQLITE_DELIVERY = (
    "INSERT INTO deliveries (forge, id, event, repository, received, outcome, job)"
    " VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING"
)
_SQLITE_JOB = (
    'INSERT INTO jobs (key, forge, repository, lane, event, "commit", delivery, payload, state, tries,'
    " created)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT (key) DO NOTHING RETURNING id"
)
_SQLITE_OUTCOME = "UPDATE deliveries SET outcome = ?, job = ? WHERE forge = ? AND id = ?"
_JOB_ID = "SELECT id FROM jobs WHERE key = {}"
# PostgreSQL: the job is inserted unless the delivery is already stored; the delivery row then
# says whether its job is new (queued) or was there (known). No row back: a duplicate delivery.
_POSTGRES = """
WITH job AS (
  INSERT INTO jobs (key, forge, repository, lane, event, "commit", delivery, payload, state, tries, created)
  SELECT %(key)s::text, %(forge)s::text, %(job_repository)s::text, %(lane)s::text, %(kind)s::text,
         %(commit)s::text, %(id)s::text, %(payload)s, 'pending', 0, %(received)s::timestamptz
  WHERE %(key)s::text IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM deliveries WHERE forge = %(forge)s::text AND id = %(id)s::text)
  ON CONFLICT (key) DO NOTHING
  RETURNING id
)
INSERT INTO deliveries (forge, id, event, repository, received, outcome, job)
SELECT %(forge)s::text, %(id)s::text, %(event)s::text, %(repository)s::text, %(received)s::timestamptz,
       CASE WHEN %(key)s::text IS NULL THEN %(outcome)s::text
            WHEN EXISTS (SELECT 1 FROM job) THEN 'queued' ELSE 'known' END,
       COALESCE((SELECT id FROM job), (SELECT id FROM jobs WHERE key = %(key)s::text))
ON CONFLICT DO NOTHING
RETURNING outcome, job
"""


class Recorder:
    """Stores batches of arrivals on one DBAPI connection of the engine's pool (one writer thread's)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        dialect = engine.dialect
        self.postgres = dialect.name == "postgresql"
        self._when = deliveries.c.received.type.dialect_impl(dialect).bind_processor(dialect) or _same
        self._json = jobs.c.payload.type.dialect_impl(dialect).bind_processor(dialect) or _same
        self._connection: Any = None
        self._lockfile: Any = None

    def record(self, arrivals: Sequence[Arrival]) -> list[Receipt]:
        """Store the arrivals in one transaction, in order; their receipts once it is committed."""
        if self._connection is None:
            self._connection = self.engine.raw_connection()
        try:
            if self.postgres:
                return self._postgres(self._connection, arrivals)
            return self._sqlite(self._connection, arrivals)
        except BaseException:
            connection, self._connection = self._connection, None
            connection.invalidate()  # a fresh connection for the next batch
            raise

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._lockfile is not None:
            self._lockfile.close()
            self._lockfile = None

    def _sqlite(self, connection: Any, arrivals: Sequence[Arrival]) -> list[Receipt]:
        cursor = connection.cursor()
        received = self._when(utcnow())
        receipts: list[Receipt] = []
        with self._turn():
            cursor.execute("BEGIN IMMEDIATE")
            try:
                self._sqlite_rows(cursor, arrivals, received, receipts)
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            finally:
                cursor.close()
        return receipts

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        """The web processes take turns at SQLite's write lock through a file lock: a waiting process
        wakes the moment the lock is free, where SQLite's own busy handler sleeps for milliseconds."""
        if not self.engine.url.database or self.engine.url.database == ":memory:":
            yield
            return
        if self._lockfile is None:
            self._lockfile = open(f"{self.engine.url.database}-writers.lock", "ab")  # noqa: SIM115
        fcntl.flock(self._lockfile, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lockfile, fcntl.LOCK_UN)

    def _sqlite_rows(
        self, cursor: Any, arrivals: Sequence[Arrival], received: Any, receipts: list[Receipt]
    ) -> None:
        for a in arrivals:
            first = "received" if a.job else a.outcome
            cursor.execute(_SQLITE_DELIVERY, (a.forge, a.delivery, a.event, a.repository, received, first))
            if cursor.rowcount != 1:
                receipts.append(Receipt("duplicate"))
                continue
            if a.job is None:
                receipts.append(Receipt(a.outcome))
                continue
            job = a.job
            values = job.key, job.forge, job.repository, job.lane, job.event, job.commit
            cursor.execute(_SQLITE_JOB, (*values, a.delivery, self._json(job.payload), received))
            row = cursor.fetchone()
            if row is None:  # a replayed body under a new delivery id starts no second job
                receipt = Receipt("known", cursor.execute(_JOB_ID.format("?"), (job.key,)).fetchone()[0])
            else:
                receipt = Receipt("queued", row[0])
            cursor.execute(_SQLITE_OUTCOME, (receipt.outcome, receipt.job, a.forge, a.delivery))
            receipts.append(receipt)

    def _postgres(self, connection: Any, arrivals: Sequence[Arrival]) -> list[Receipt]:
        received = utcnow()
        params = [self._params(a, received) for a in arrivals]
        try:
            with connection.cursor() as cursor:
                cursor.executemany(_POSTGRES, params, returning=True)  # pipelined: one round trip
                rows = [cursor.fetchone()]
                while cursor.nextset():
                    rows.append(cursor.fetchone())
                receipts = []
                for a, row in zip(arrivals, rows, strict=True):
                    if row is None:
                        receipts.append(Receipt("duplicate"))
                    elif row[0] == "known" and row[1] is None and a.job is not None:
                        # its job was committed by another process during this statement: read it now
                        cursor.execute(_JOB_ID.format("%s"), (a.job.key,))
                        receipts.append(Receipt("known", cursor.fetchone()[0]))
                    else:
                        receipts.append(Receipt(row[0], row[1]))
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        return receipts

    def _params(self, a: Arrival, received: Any) -> dict[str, Any]:
        job = a.job
        return {
            "forge": a.forge,
            "id": a.delivery,
            "event": a.event,
            "repository": a.repository,
            "received": received,
            "outcome": a.outcome,
            "key": job and job.key,
            "job_repository": job and job.repository,
            "lane": job and job.lane,
            "kind": job and job.event,
            "commit": job and job.commit,
            "payload": self._json(job.payload) if job else None,
        }


def _same(value: Any) -> Any:
    return value


def receive(
    engine: sa.Engine,
    forge: str,
    delivery: str,
    event: str,
    repository: str | None,
    job: NewJob | None,
    outcome: str = "ignored",
) -> Receipt:
    """Store one delivery and its job durably in their own transaction (the web app batches: `Inbox`)."""
    recorder = Recorder(engine)
    try:
        return recorder.record([Arrival(forge, delivery, event, repository, job, outcome)])[0]
    finally:
        recorder.close()
