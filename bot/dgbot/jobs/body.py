"""What a job does with its event: govern the commit (dgbot.jobs.govern), or report why it could not.

Part 1 (issue 13) builds everything around these functions: the delivery is authenticated,
stored, queued, claimed once under a lease, one job per branch at a time, retried with
backoff and recorded as done or failed. `run_body` must be idempotent: a job whose worker
died after the body ran, but before the job was marked done, runs again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dgbot.events.hooks import Hook
from dgbot.events.model import Event


@dataclass(frozen=True)
class JobContext:
    """What a job body may use: the store, the job's id, the forge (if enabled), its environment."""

    engine: sa.Engine
    job: int
    hook: Hook | None
    environ: Mapping[str, str] = field(default_factory=dict)


def run_body(event: Event, context: JobContext) -> dict[str, Any]:
    """The job's effect, as the JSON result kept on the job row."""
    if context.hook is None:  # the forge was enabled when the delivery came, and is not now
        return {"commit": event.commit, "ref": event.ref, "governed": False, "reason": "forge not enabled"}
    from dgbot.jobs.govern import govern_event

    return govern_event(event, context.engine, context.job, context.hook, context.environ)


def report_failure(event: Event, context: JobContext, error: str) -> None:
    """The job ended failed after its last try: the commit shows `error`, not a pending forever."""
    from dgbot.jobs.govern import report_error

    report_error(event, context.hook, context.environ, error)
