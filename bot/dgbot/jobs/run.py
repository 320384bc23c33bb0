"""Running one job: claim it, keep its lease alive, run the body, record done or a failed try."""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dgbot.events.hooks import Hook
from dgbot.events.model import Event
from dgbot.forges.base import ForgeError
from dgbot.jobs.body import JobContext, report_failure, run_body
from dgbot.jobs.metrics import FORGE_ERRORS, JOB_SECONDS, JOBS
from dgbot.store import jobs as jobstore
from dgbot.store.config import StateConfig

log = logging.getLogger("dgbot.jobs")
Body = Callable[[Event, JobContext], dict[str, Any]]
Failure = Callable[[Event, JobContext, str], None]
Schedule = Callable[[int, float], None]  # queue job N again after so many seconds
RELAY_INTERVAL = 0.25  # seconds between looks for newly stored jobs when there were none


def holder_name() -> str:
    """This worker process, as the store names the holder of a lease."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_dead(holder: str) -> bool:
    """True for a holder on this host whose process no longer runs (its jobs are recovered at once)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def backoff(tries: int, base: float, rng: random.Random) -> float:
    """Seconds before the next try: doubled each time, capped at an hour, half of it jittered."""
    wait = min(3600.0, base * 2 ** (tries - 1))
    return float(wait / 2 + rng.uniform(0, wait / 2))


@dataclass
class Runner:
    """Everything a job run needs; one per worker process."""

    engine: sa.Engine
    config: StateConfig
    hooks: Mapping[str, Hook]
    schedule: Schedule
    body: Body = run_body
    on_failed: Failure = report_failure
    environ: Mapping[str, str] = field(default_factory=dict)
    holder: str = ""
    rng: random.Random = field(default_factory=random.Random)  # jitter, not secrecy

    def run(self, job_id: int) -> str:
        """Run job `job_id` if it is still to be run; returns what happened."""
        holder = self.holder or holder_name()
        claim = jobstore.claim(self.engine, job_id, holder, self.config.lease)
        if claim.outcome == "busy":  # its branch runs an older commit: try again shortly
            self.schedule(job_id, 0.5 + self.rng.random())
        if claim.outcome != "claimed" or claim.job is None:
            log.debug("job not run", extra={"job": job_id, "outcome": claim.outcome})
            return claim.outcome
        job = claim.job
        event = Event.from_json(dict(job.payload))
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job_id, holder, stop), daemon=True)
        beat.start()
        started = time.monotonic()
        context = JobContext(self.engine, job_id, self.hooks.get(event.forge), self.environ)
        try:
            result = self.body(event, context)
        except Exception as exc:
            stop.set()
            return self._failed(job, holder, event, exc, time.monotonic() - started, context)
        stop.set()
        outcome = "done" if jobstore.finish(self.engine, job, holder, result) else "lost"
        seconds = time.monotonic() - started
        JOBS.labels(outcome).inc()
        JOB_SECONDS.labels(outcome).observe(seconds)
        extra = {"job": job_id, "delivery": job.delivery, "forge": event.forge, "commit": event.commit}
        extra["outcome"] = outcome
        log.info("job %s", outcome, extra={**extra, "tries": job.tries, "seconds": round(seconds, 4)})
        return outcome

    def _failed(
        self, job: sa.Row[Any], holder: str, event: Event, exc: Exception, seconds: float, context: JobContext
    ) -> str:
        if isinstance(exc, ForgeError):
            FORGE_ERRORS.labels(event.forge, str(exc.status or "none")).inc()
        error = f"{type(exc).__name__}: {exc}"
        delay = backoff(job.tries, self.config.backoff, self.rng)
        outcome = jobstore.fail(self.engine, job, holder, error, self.config.tries, delay)
        if outcome == "retry":
            self.schedule(job.id, delay)
        elif outcome == "failed":
            try:
                self.on_failed(event, context, str(exc) or type(exc).__name__)
            except Exception as report:  # the forge is down for good: the stored error says it all
                log.warning(
                    "could not post the error status", extra={"job": job.id, "error": str(report)[:500]}
                )
        JOBS.labels(outcome).inc()
        JOB_SECONDS.labels(outcome).observe(seconds)
        extra = {"job": job.id, "delivery": job.delivery, "forge": event.forge, "commit": event.commit}
        extra["outcome"] = outcome
        log.warning("job try failed", extra={**extra, "tries": job.tries, "error": error[:500]})
        return outcome

    def _heartbeat(self, job_id: int, holder: str, stop: threading.Event) -> None:
        while not stop.wait(self.config.lease / 3):
            try:
                if not jobstore.renew(self.engine, job_id, holder, self.config.lease):
                    return
            except sa.exc.SQLAlchemyError:
                log.warning("could not renew the lease", extra={"job": job_id}, exc_info=True)

    def relay(self, stop: threading.Event, interval: float = RELAY_INTERVAL) -> None:
        """The outbox relay: queue the jobs the web app stored, as they come, until `stop` is set."""
        while not stop.is_set():
            try:
                ids = jobstore.admit(self.engine)
            except sa.exc.SQLAlchemyError:
                log.warning("could not read the jobs to queue", exc_info=True)
                ids = []
            for job_id in ids:
                self.schedule(job_id, 0)
            if not ids:
                stop.wait(interval)

    def sweep(self) -> list[int]:
        """Queue again what the queue lost (or the relay marked but did not queue), or a dead worker left."""
        ids = jobstore.sweep(self.engine, self.config.requeue_after, self.config.tries, holder_dead)
        for job_id in ids:
            self.schedule(job_id, 0)
        if ids:
            log.info("swept %d job(s) into the queue", len(ids))
        return ids
