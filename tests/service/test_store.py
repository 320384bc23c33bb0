"""The governance store on SQLite and the real PostgreSQL: migrations, the outbox, claims, history."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dgbot.errors import UsageError
from dgbot.store import jobs as jobstore
from dgbot.store.config import StateConfig
from dgbot.store.deliveries import Arrival, NewJob, Recorder, receive
from dgbot.store.engine import create_store_engine, current_revision, head_revision, open_engine, upgrade
from dgbot.store.history import VerdictRow, add_verdict, current_verdict
from dgbot.store.tables import deliveries, jobs, lanes, metadata, repositories, verdicts
from service.services import postgres_schema


def new_job(commit: str = "a" * 40, lane: str = "github:o/r:refs/heads/main") -> NewJob:
    key = f"github:o/r:push:{commit}"
    return NewJob(key, "github", "o/r", lane, "push", commit, {"commit": commit, "installation": 7})


def test_the_migrations_build_exactly_the_tables_the_code_uses(engine: sa.Engine) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_the_embedded_store_is_migrated_on_open(tmp_path: Path) -> None:
    config = StateConfig.from_environ({"DGBOT_STATE_DIR": str(tmp_path / "state")})
    engine = open_engine(config)
    assert (tmp_path / "state" / "store.db").is_file()
    assert current_revision(engine) == head_revision()


def test_an_outdated_postgresql_store_is_refused_naming_the_command(tmp_path: Path) -> None:
    with postgres_schema() as url:
        config = StateConfig.from_environ({"DGBOT_STATE_DIR": str(tmp_path), "DGBOT_DATABASE_URL": url})
        with pytest.raises(UsageError, match=r"no revision, dgbot needs 0001: run `dgbot db upgrade`"):
            open_engine(config)


def test_a_delivery_is_stored_once_and_a_replayed_body_starts_no_second_job(engine: sa.Engine) -> None:
    first = receive(engine, "github", "d-1", "push", "o/r", new_job())
    assert first.outcome == "queued"
    assert receive(engine, "github", "d-1", "push", "o/r", new_job()).outcome == "duplicate"
    replay = receive(engine, "github", "d-2", "push", "o/r", new_job())
    assert (replay.outcome, replay.job) == ("known", first.job)
    assert receive(engine, "github", "d-3", "issues", "o/r", None).outcome == "ignored"
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(jobs)).scalar_one() == 1
        outcomes = dict(connection.execute(sa.select(deliveries.c.id, deliveries.c.outcome)).all())
    assert outcomes == {"d-1": "queued", "d-2": "known", "d-3": "ignored"}


def test_a_job_is_claimed_once_done_once_and_its_branch_runs_one_job_at_a_time(engine: sa.Engine) -> None:
    one = receive(engine, "github", "d-1", "push", "o/r", new_job("1" * 40, lane="L")).job
    other = receive(engine, "github", "d-2", "push", "o/r", new_job("2" * 40, lane="M")).job
    assert one is not None and other is not None
    assert jobstore.admit(engine) == [one, other]
    first = jobstore.claim(engine, one, "host:1", 60)
    assert first.outcome == "claimed" and first.job is not None and first.job.tries == 1
    assert jobstore.claim(engine, one, "host:2", 60).outcome == "gone"  # the queue delivered it twice
    assert jobstore.finish(engine, first.job, "host:2", {}) is False  # not the holder
    assert jobstore.finish(engine, first.job, "host:1", {"commit": "1" * 40}) is True
    assert jobstore.finish(engine, first.job, "host:1", {}) is False  # done once
    assert jobstore.claim(engine, other, "host:1", 60).outcome == "claimed"  # another branch: free


def test_newest_commit_wins_on_a_branch(engine: sa.Engine) -> None:
    old = receive(engine, "github", "d-1", "push", "o/r", new_job("1" * 40)).job
    jobstore.admit(engine)
    running = jobstore.claim(engine, old or 0, "host:1", 60)
    newer = receive(engine, "github", "d-2", "push", "o/r", new_job("2" * 40)).job
    newest = receive(engine, "github", "d-3", "push", "o/r", new_job("3" * 40)).job
    assert newer is not None and newest is not None and running.job is not None
    assert jobstore.admit(engine) == [newer, newest]
    assert jobstore.claim(engine, newest, "host:2", 60).outcome == "busy"  # the branch runs the old one
    assert jobstore.claim(engine, newer, "host:2", 60).outcome == "superseded"
    assert jobstore.finish(engine, running.job, "host:1", {})
    assert jobstore.claim(engine, newest, "host:2", 60).outcome == "claimed"


def test_failures_retry_and_end_as_failed_with_the_last_error(engine: sa.Engine) -> None:
    job_id = receive(engine, "github", "d-1", "push", "o/r", new_job()).job or 0
    jobstore.admit(engine)
    outcomes = []
    for attempt in range(3):
        claim = jobstore.claim(engine, job_id, "host:1", 60)
        assert claim.job is not None
        outcomes.append(jobstore.fail(engine, claim.job, "host:1", f"boom {attempt}", tries=3, delay=0))
    assert outcomes == ["retry", "retry", "failed"]
    with engine.connect() as connection:
        row = connection.execute(sa.select(jobs).where(jobs.c.id == job_id)).one()
    assert (row.state, row.tries, row.last_error) == ("failed", 3, "boom 2")
    assert jobstore.claim(engine, job_id, "host:1", 60).outcome == "gone"


def test_the_sweep_queues_what_was_stored_lost_or_left_by_a_dead_worker(engine: sa.Engine) -> None:
    stored = receive(engine, "github", "d-1", "push", "o/r", new_job("1" * 40, lane="A")).job
    left = receive(engine, "github", "d-2", "push", "o/r", new_job("2" * 40, lane="B")).job
    alive = receive(engine, "github", "d-3", "push", "o/r", new_job("3" * 40, lane="C")).job
    assert jobstore.sweep(engine, 0.000001, 5, dead=lambda holder: False) == []  # never queued: the relay's
    assert jobstore.admit(engine) == [stored, left, alive]
    assert jobstore.claim(engine, left or 0, "host:dead", 600).outcome == "claimed"
    assert jobstore.claim(engine, alive or 0, "host:alive", 600).outcome == "claimed"
    assert jobstore.sweep(engine, 3600, 5, dead=lambda holder: False) == []  # all recent, leases held
    assert jobstore.sweep(engine, 3600, 5, dead=lambda holder: holder == "host:dead") == [left]
    assert jobstore.sweep(engine, 0.000001, 5, dead=lambda holder: False) == [stored, left]  # both waited
    assert jobstore.claim(engine, left or 0, "host:new", 600).outcome == "claimed"
    assert jobstore.counts(engine) == {"running": 2, "pending": 1}


def test_a_job_raced_by_many_workers_is_claimed_by_one(store_url: str) -> None:
    engine = create_store_engine(store_url)
    upgrade(engine)
    job_id = receive(engine, "github", "d-1", "push", "o/r", new_job()).job or 0
    jobstore.admit(engine)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def race(n: int) -> None:
        barrier.wait()
        outcomes.append(jobstore.claim(engine, job_id, f"host:{n}", 60).outcome)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert sorted(outcomes) == ["claimed"] + ["gone"] * 7


def test_stored_jobs_are_admitted_once_with_their_branch_and_repository(store_url: str) -> None:
    engine = create_store_engine(store_url)
    upgrade(engine)
    ids = [
        receive(engine, "github", f"d-{n}", "push", "o/r", new_job(f"{n:040x}", lane="L")).job
        for n in range(1, 41)
    ]
    admitted: list[int] = []
    barrier = threading.Barrier(4)

    def relay() -> None:
        barrier.wait()
        while batch := jobstore.admit(engine, limit=3):
            admitted.extend(batch)

    threads = [threading.Thread(target=relay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(admitted) == ids  # every job once, however many relays race
    assert jobstore.admit(engine) == []
    with engine.connect() as connection:
        assert (
            connection.execute(sa.select(lanes.c.newest).where(lanes.c.lane == "L")).scalar_one() == ids[-1]
        )
        seen = connection.execute(sa.select(repositories.c.full_name, repositories.c.installation)).all()
    engine.dispose()
    assert [tuple(row) for row in seen] == [("o/r", 7)]


def test_a_batch_is_stored_in_order_in_one_transaction(engine: sa.Engine) -> None:
    recorder = Recorder(engine)
    arrivals = [
        Arrival("github", "d-1", "push", "o/r", new_job("1" * 40)),
        Arrival("github", "d-1", "push", "o/r", new_job("1" * 40)),  # the same delivery again
        Arrival("github", "d-2", "push", "o/r", new_job("1" * 40)),  # its body under a new id
        Arrival("github", "d-3", "issues", "o/r", None),
        Arrival("github", "d-4", "push", "o/r", new_job("2" * 40)),
    ]
    receipts = recorder.record(arrivals)
    recorder.close()
    first, second = receipts[0].job, receipts[4].job  # PostgreSQL's ids may skip: only the order counts
    assert first is not None and second is not None and second > first
    assert [(r.outcome, r.job) for r in receipts] == [
        ("queued", first),
        ("duplicate", None),
        ("known", first),
        ("ignored", None),
        ("queued", second),
    ]
    with engine.connect() as connection:
        rows = connection.execute(sa.select(deliveries.c.id, deliveries.c.outcome, deliveries.c.job)).all()
    assert sorted(tuple(row) for row in rows) == [
        ("d-1", "queued", first),
        ("d-2", "known", first),
        ("d-3", "ignored", None),
        ("d-4", "queued", second),
    ]


def test_verdicts_are_appended_and_the_newest_job_s_counts(engine: sa.Engine) -> None:
    def row(job: int, status: str) -> VerdictRow:
        return VerdictRow(
            "github", "o/r", "main", f"{job}" * 40, status, {}, {"failure": 0}, {"dmp": "1"}, job
        )

    add_verdict(engine, row(2, "success"))
    add_verdict(engine, row(1, "failure"))  # an older commit's job finishing late
    current = current_verdict(engine, "github", "o/r", "main")
    assert current is not None and (current.job, current.status) == (2, "success")
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(verdicts)).scalar_one() == 2
