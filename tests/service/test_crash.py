"""Crash safety: every delivery answered 202 is processed once, whatever is SIGKILLed meanwhile.

1,000 signed deliveries; the server (gunicorn, its whole process group) is killed once while
receiving and started again; the worker is killed mid-way and started again. A client
retries a delivery until it is answered, as a forge redelivers. Each job's effect is counted
twice over: its row (done, once) and the worker's `job done` log lines (exactly one each).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from dgbot.store.engine import create_store_engine
from dgbot.store.tables import jobs
from service.payloads import headers
from service.processes import dgbot, free_port, queue_only, service_env, stop, wait_jobs, wait_ready

pytestmark = pytest.mark.slow
DELIVERIES = 1000


def _body(n: int) -> bytes:
    commit = f"{n + 1:040x}"  # not 0: all zeros means a deleted branch
    return json.dumps(
        {
            "ref": "refs/heads/main",
            "before": "f" * 40,
            "after": commit,
            "repository": {"full_name": f"crash/repo-{n}"},
            "commits": [{"id": commit, "added": ["dmp.json"], "modified": [], "removed": []}],
        }
    ).encode()


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        args = [sys.executable, "-m", "dgbot", "serve", "--bind", f"127.0.0.1:{port}", "--log-format", "json"]
        server = subprocess.Popen(args, env=env, stdout=out, stderr=out, start_new_session=True)
    wait_ready(f"http://127.0.0.1:{port}", server)
    return server


def test_nothing_answered_202_is_lost_or_run_twice(tmp_path: Path) -> None:
    env = service_env(tmp_path / "state", forges=("github",), DGBOT_REQUEUE_AFTER="2", DGBOT_JOB_LEASE="3")
    port, server_log, worker_log = free_port(), tmp_path / "serve.log", tmp_path / "worker.log"
    server = _serve(env, port, server_log)
    worker = dgbot(queue_only(env), "worker", "--log-format", "json", "--concurrency", "2", log=worker_log)
    answers: dict[int, int] = {}
    lock = threading.Lock()

    def deliver(n: int) -> None:
        body, delivery = _body(n), str(uuid.uuid4())
        while True:
            try:
                answer = requests.post(
                    f"http://127.0.0.1:{port}/hooks/github",
                    data=body,
                    headers=headers("github", body, "push", delivery=delivery),
                    timeout=10,
                )
            except requests.RequestException:
                time.sleep(0.2)  # the server is down: the forge redelivers the same delivery
                continue
            if answer.status_code < 500:
                with lock:
                    answers[n] = answer.status_code
                return
            time.sleep(0.2)

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(deliver, n) for n in range(DELIVERIES)]
        while len(answers) < DELIVERIES // 4:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # while receiving
        server.wait()
        server = _serve(env, port, server_log)
        engine = create_store_engine(f"sqlite:///{tmp_path / 'state' / 'store.db'}")
        wait_jobs(engine, DELIVERIES // 3)
        worker.kill()  # mid-way through the queue
        worker.wait()
        time.sleep(3.5)  # longer than DGBOT_REQUEUE_AFTER: the restarted worker's sweep finds what was lost
        worker = dgbot(
            queue_only(env), "worker", "--log-format", "json", "--concurrency", "2", log=worker_log
        )
        for future in futures:
            future.result()
    states = wait_jobs(engine, DELIVERIES, seconds=120)
    stop(server)
    assert stop(worker) == 0
    assert set(answers.values()) <= {200, 202} and len(answers) == DELIVERIES
    assert states == {"done": DELIVERIES}
    with engine.connect() as connection:
        commits = sorted(connection.execute(sa.select(jobs.c.commit)).scalars())
    engine.dispose()
    assert commits == sorted(f"{n + 1:040x}" for n in range(DELIVERIES))
    done = [json.loads(line) for line in worker_log.read_text().splitlines() if '"job done"' in line]
    per_job: dict[int, int] = {}
    for line in done:
        per_job[line["job"]] = per_job.get(line["job"], 0) + 1
    assert len(per_job) == DELIVERIES and set(per_job.values()) == {1}
