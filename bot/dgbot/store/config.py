"""Where the bot keeps its state, read once from the environment (12-factor)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dgbot.errors import UsageError


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise UsageError(f"{name} must be a number of seconds, not {value!r}") from None
    if seconds <= 0:
        raise UsageError(f"{name} must be more than 0 seconds, not {value!r}")
    return seconds


@dataclass(frozen=True)
class StateConfig:
    """The store, the queue, and how patiently jobs are retried and recovered."""

    state_dir: Path
    database_url: str
    redis_url: str | None
    lease: float = 60.0  # seconds a running job holds its branch without a heartbeat
    requeue_after: float = 300.0  # seconds a queued job may wait before the sweep queues it again
    tries: int = 5  # a job failing this many times ends as failed
    backoff: float = 10.0  # seconds before the second try, doubled each time, jittered
    queue_name: str = "dgbot"  # several bots may share one Redis under different names

    @property
    def embedded(self) -> bool:
        """True when the store is the SQLite file of the state folder."""
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> StateConfig:
        state = environ.get("DGBOT_STATE_DIR") or ""
        if not state:
            xdg = environ.get("XDG_STATE_HOME") or str(
                Path(environ.get("HOME", "~")).expanduser() / ".local/state"
            )
            state = str(Path(xdg) / "dgbot")
        state_dir = Path(state).expanduser()
        url = environ.get("DGBOT_DATABASE_URL") or f"sqlite:///{state_dir / 'store.db'}"
        if url.startswith(("postgres://", "postgresql://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]  # psycopg 3, the driver dgbot ships
        tries = environ.get("DGBOT_JOB_TRIES", "5").strip()
        if not tries.isdigit() or int(tries) < 1:
            raise UsageError(f"DGBOT_JOB_TRIES must be a whole number of at least 1, not {tries!r}")
        return cls(
            state_dir=state_dir,
            database_url=url,
            redis_url=environ.get("DGBOT_REDIS_URL") or None,
            lease=_seconds(environ, "DGBOT_JOB_LEASE", 60.0),
            requeue_after=_seconds(environ, "DGBOT_REQUEUE_AFTER", 300.0),
            tries=int(tries),
            backoff=_seconds(environ, "DGBOT_JOB_BACKOFF", 10.0),
            queue_name=environ.get("DGBOT_QUEUE_NAME") or "dgbot",
        )
