"""`dgbot serve` and `dgbot worker` as real processes over loopback, with their own state folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import requests
import sqlalchemy as sa

from dgbot.store.tables import jobs
from service.payloads import SECRETS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(state: Path, forges: tuple[str, ...] = tuple(SECRETS), **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DGBOT_")}
    env.update({"DGBOT_STATE_DIR": str(state), "DGBOT_JOB_LEASE": "3", "DGBOT_JOB_BACKOFF": "0.2"})
    env.update({f"DGBOT_{forge.upper()}_WEBHOOK_SECRET": SECRETS[forge] for forge in forges})
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(extra)
    return env


def queue_only(env: Mapping[str, str]) -> dict[str, str]:
    """A worker's environment in which no forge is enabled: each job ends at once with "forge not
    enabled" (its commit kept), so a test counts the queue's own effects without reaching a forge.
    What a governed job does is tests/service/test_governance.py's."""
    return {k: v for k, v in env.items() if not k.endswith("_WEBHOOK_SECRET")}


def dgbot(env: Mapping[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "dgbot", *args], env=dict(env), stdout=out, stderr=out)


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not become ready")


def wait_jobs(engine: sa.Engine, count: int, seconds: float = 90) -> dict[str, int]:
    """Wait until `count` jobs reached a final state; returns jobs by state."""
    deadline = time.monotonic() + seconds
    while True:
        with engine.connect() as connection:
            rows = dict(
                connection.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)).all()
            )
        final = sum(n for state, n in rows.items() if state in ("done", "failed", "superseded"))
        if final >= count or time.monotonic() > deadline:
            return {state: int(n) for state, n in rows.items()}
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, seconds: float = 30) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@contextmanager
def running(
    env: Mapping[str, str], log: Path, workers: int = 2
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    server = dgbot(
        env,
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-format",
        "json",
        log=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, server)
        yield url, server
    finally:
        stop(server)
