"""The huey queue: SQLite in the state folder by default, Redis with DGBOT_REDIS_URL.

The queue carries job ids only; the store decides whether a job still has to run (see
dgbot.store.jobs), so a message delivered twice, or lost, costs nothing but a sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import RedisHuey, SqliteHuey, crontab

from dgbot.fs.write import make_folder
from dgbot.store.config import StateConfig


class Queue:
    """Enqueue job ids; the worker side registers what running one means (`serve`)."""

    def __init__(self, config: StateConfig) -> None:
        name = config.queue_name
        if config.redis_url:
            self.huey: Any = RedisHuey(name, url=config.redis_url, results=False, utc=True)
        else:
            make_folder(config.state_dir, config.state_dir)  # the operator's folder: trusted as a root
            path = str(config.state_dir / "queue.db")
            self.huey = SqliteHuey(name, filename=path, results=False, utc=True, timeout=30)
        self._run: Callable[[int], Any] = lambda job_id: None
        self._sweep: Callable[[], Any] = lambda: None
        self.task = self.huey.task(name="dgbot.run_job")(lambda job_id: self._run(job_id))
        self.huey.periodic_task(crontab(minute="*"), name="dgbot.sweep")(lambda: self._sweep())

    def enqueue(self, job_id: int, delay: float = 0) -> None:
        if delay > 0:
            self.task.schedule((job_id,), delay=delay)
        else:
            self.task(job_id)

    def serve(self, run: Callable[[int], Any], sweep: Callable[[], Any]) -> None:
        """In the worker: what the queue's messages do."""
        self._run, self._sweep = run, sweep

    def depth(self) -> int:
        """Messages waiting (including scheduled retries)."""
        return int(self.huey.pending_count()) + int(self.huey.scheduled_count())

    def ping(self) -> None:
        """Raise when the queue cannot be reached."""
        self.huey.pending_count()
