"""What a job does with its event: the seam part 2 of the bot (issue 14) fills.

Part 1 (issue 13) builds everything around this function: the delivery is authenticated,
stored, queued, claimed once under a lease, one job per branch at a time, retried with
backoff and recorded as done or failed. The body itself does not yet govern anything: it
returns the event's commit, which the job row keeps as its result, marked
`"governed": false`. Issue 14 replaces it with the governance run (read the plan at the
commit, validate, check, publish statuses and the issue, store a verdict with
`dgbot.store.history.add_verdict`). It must be idempotent: a job whose worker died after
the body ran, but before the job was marked done, runs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from dgbot.events.hooks import Hook
from dgbot.events.model import Event


@dataclass(frozen=True)
class JobContext:
    """What a job body may use: the store, the job's id, and the forge's settings (if enabled)."""

    engine: sa.Engine
    job: int
    hook: Hook | None


def run_body(event: Event, context: JobContext) -> dict[str, Any]:
    """The job's effect, as the JSON result kept on the job row."""
    return {"commit": event.commit, "ref": event.ref, "governed": False}
