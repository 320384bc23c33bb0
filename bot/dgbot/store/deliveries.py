"""Receiving deliveries: each stored once with the job it starts, many in one transaction (the outbox).

This is the request path, so it writes only what the answer depends on: the delivery row,
deduplicated by the forge's delivery id, and the job row, idempotent by its key (forge,
repository, event, commit), so a replayed body under a new id starts no second job. The job's
branch and repository are recorded, and the job queued, by the worker (`jobs.admit`).

The statements are few and fixed, so they go to the driver directly (through SQLAlchemy's
pool and its column types, so the rows read back exactly as written through Core): on
SQLite two reads and two `executemany` per batch inside one `BEGIN IMMEDIATE`; on PostgreSQL one
statement per delivery (both inserts in a CTE), the batch's statements pipelined, one commit.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
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
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_SQLITE_JOB = (
    'INSERT INTO jobs (id, key, forge, repository, lane, event, "commit", delivery, payload, state, tries,'
    " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)"
)
_JOB_ID = "SELECT id FROM jobs WHERE key = {}"
_PG_SEEN = (
    "SELECT forge, id FROM deliveries WHERE (forge, id) IN (SELECT * FROM unnest(%s::text[], %s::text[]))"
)
_PG_KEYS = "SELECT key, id FROM jobs WHERE key = ANY(%s::text[])"
_PG_JOBS = """
INSERT INTO jobs (key, forge, repository, lane, event, "commit", delivery, payload, state, tries, created)
SELECT k, f, r, l, e, c, d, p::jsonb, 'pending', 0, %s
FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
  WITH ORDINALITY AS t(k, f, r, l, e, c, d, p, n)
ORDER BY n
ON CONFLICT (key) DO NOTHING
RETURNING key, id
"""
_PG_DELIVERIES = """
INSERT INTO deliveries (forge, id, event, repository, received, outcome, job)
SELECT f, i, e, r, %s, o, j FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::int[])
  AS t(f, i, e, r, o, j)
ON CONFLICT DO NOTHING
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
        """Under the write lock (BEGIN IMMEDIATE) the batch's outcomes are decided from two reads,
        then its rows written with two `executemany` (the job ids given here: no other writer)."""
        seen: set[tuple[str, str]] = set()
        for forge in {a.forge for a in arrivals}:  # the key's order: (forge, id)
            ids = [a.delivery for a in arrivals if a.forge == forge]
            query = "SELECT forge, id FROM deliveries WHERE forge = ? AND id IN ({})"  # only "?" go in
            seen.update(cursor.execute(query.format(",".join("?" * len(ids))), [forge, *ids]).fetchall())
        keys = [a.job.key for a in arrivals if a.job is not None]
        known: dict[str, int] = {}
        if keys:
            query = "SELECT key, id FROM jobs WHERE key IN ({})"
            known = dict(cursor.execute(query.format(",".join("?" * len(keys))), keys).fetchall())
        next_id = int(cursor.execute("SELECT coalesce(max(id), 0) FROM jobs").fetchone()[0]) + 1
        new_jobs, new_deliveries = [], []
        for a in arrivals:
            if (a.forge, a.delivery) in seen:
                receipts.append(Receipt("duplicate"))
                continue
            seen.add((a.forge, a.delivery))
            receipt = Receipt(a.outcome)
            job = a.job
            if job is not None and job.key in known:  # a replayed body under a new delivery id
                receipt = Receipt("known", known[job.key])
            elif job is not None:
                receipt, known[job.key], next_id = Receipt("queued", next_id), next_id, next_id + 1
                values = job.key, job.forge, job.repository, job.lane, job.event, job.commit, a.delivery
                new_jobs.append((receipt.job, *values, _text(job.payload), received))
            row = a.forge, a.delivery, a.event, a.repository, received, receipt.outcome, receipt.job
            new_deliveries.append(row)
            receipts.append(receipt)
        cursor.executemany(_SQLITE_JOB, new_jobs)
        cursor.executemany(_SQLITE_DELIVERY, new_deliveries)

    def _postgres(self, connection: Any, arrivals: Sequence[Arrival]) -> list[Receipt]:
        """The batch in five statements, whatever its size: what is stored already is read, the new
        jobs inserted (ON CONFLICT: another host's ingest may insert the same key meanwhile), then
        the deliveries with their outcomes."""
        try:
            with connection.cursor() as cursor:
                cursor.execute(_PG_SEEN, ([a.forge for a in arrivals], [a.delivery for a in arrivals]))
                seen = set(cursor.fetchall())
                firsts = []  # each delivery id's first arrival, in order
                for a in arrivals:
                    if (a.forge, a.delivery) not in seen:
                        seen.add((a.forge, a.delivery))
                        firsts.append(a)
                wanted = list(dict.fromkeys(a.job.key for a in firsts if a.job is not None))
                cursor.execute(_PG_KEYS, (wanted,))
                known = dict(cursor.fetchall())
                new = {}
                for a in firsts:
                    if a.job is not None and a.job.key not in known and a.job.key not in new:
                        new[a.job.key] = a
                created = self._pg_jobs(cursor, list(new.values())) if new else {}
                lost = [key for key in new if key not in created]  # inserted by another ingest meanwhile
                if lost:
                    cursor.execute(_PG_KEYS, (lost,))
                    known.update(cursor.fetchall())
                receipts, rows = self._pg_receipts(arrivals, firsts, known, created, new)
                if rows:
                    cursor.execute(
                        _PG_DELIVERIES, (utcnow(), *(list(column) for column in zip(*rows, strict=True)))
                    )
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        return receipts

    def _pg_jobs(self, cursor: Any, firsts: list[Arrival]) -> dict[str, int]:
        columns: list[list[Any]] = [[] for _ in range(8)]
        for a in firsts:
            job = a.job
            assert job is not None
            values = job.key, job.forge, job.repository, job.lane, job.event, job.commit, a.delivery
            for column, value in zip(columns, (*values, _text(job.payload)), strict=True):
                column.append(value)
        cursor.execute(_PG_JOBS, (utcnow(), *columns))
        return dict(cursor.fetchall())

    @staticmethod
    def _pg_receipts(
        arrivals: Sequence[Arrival],
        firsts: list[Arrival],
        known: dict[str, int],
        created: dict[str, int],
        new: dict[str, Arrival],
    ) -> tuple[list[Receipt], list[tuple[Any, ...]]]:
        first = {id(a) for a in firsts}
        receipts, rows = [], []
        for a in arrivals:
            if id(a) not in first:
                receipts.append(Receipt("duplicate"))
                continue
            receipt = Receipt(a.outcome)
            if a.job is not None:
                key = a.job.key
                mine = new.get(key) is a and key in created
                receipt = (
                    Receipt("queued", created[key])
                    if mine
                    else Receipt("known", known.get(key, created.get(key)))
                )
            rows.append((a.forge, a.delivery, a.event, a.repository, receipt.outcome, receipt.job))
            receipts.append(receipt)
        return receipts, rows


def _same(value: Any) -> Any:
    return value


def _text(payload: dict[str, Any]) -> str:
    """A JSON column's value on SQLite (what SQLAlchemy's JSON type reads back)."""
    return orjson.dumps(payload).decode()


def receive(
    engine: sa.Engine,
    forge: str,
    delivery: str,
    event: str,
    repository: str | None,
    job: NewJob | None,
    outcome: str = "ignored",
) -> Receipt:
    """Store one delivery and its job in their own transaction (the ingest batches: dgbot.store.ingest)."""
    recorder = Recorder(engine)
    try:
        return recorder.record([Arrival(forge, delivery, event, repository, job, outcome)])[0]
    finally:
        recorder.close()
