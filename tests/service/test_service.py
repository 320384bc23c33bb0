"""The whole service as real processes over loopback: `dgbot serve` (gunicorn) and `dgbot worker`.

On the embedded SQLite default, and on the real PostgreSQL store with the real Redis queue.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from dgbot.events.normalize import read_delivery
from dgbot.store.engine import create_store_engine
from dgbot.store.tables import deliveries, jobs
from service.payloads import SECRETS, corpus_payloads, event_of, forge_of, headers
from service.processes import dgbot, queue_only, running, service_env, stop, wait_jobs
from service.services import postgres_schema, redis_url
from service.test_events import EXPECTED

pytestmark = [pytest.mark.slow, pytest.mark.corpus]


@pytest.fixture(params=["sqlite", "postgresql+redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {}
        return
    with postgres_schema() as url:
        queue = f"dgbot-test-{uuid.uuid4().hex[:8]}"
        yield {"DGBOT_DATABASE_URL": url, "DGBOT_REDIS_URL": redis_url(), "DGBOT_QUEUE_NAME": queue}
        import redis

        client = redis.Redis.from_url(redis_url())
        for key in client.scan_iter(f"huey.*{queue}*"):
            client.delete(key)


def _post(url: str, forge: str, body: bytes, head: dict[str, str]) -> requests.Response:
    return requests.post(f"{url}/hooks/{forge}", data=body, headers=head, timeout=30)


def test_every_recorded_delivery_is_refused_forged_and_stored_and_run_once(
    tmp_path: Path, backend: dict[str, str]
) -> None:
    env = service_env(tmp_path / "state", **backend)
    log = tmp_path / "service.log"
    if "DGBOT_DATABASE_URL" in backend:
        refused = dgbot(env, "serve", "--bind", "127.0.0.1:1", log=tmp_path / "refused.log")
        assert refused.wait(60) == 2
        assert "run `dgbot db upgrade`" in (tmp_path / "refused.log").read_text()
        upgraded = dgbot(env, "db", "upgrade", log=tmp_path / "upgrade.log")
        assert upgraded.wait(60) == 0
    worker = dgbot(queue_only(env), "worker", "--log-format", "json", log=tmp_path / "worker.log")
    queued: set[str] = set()
    keys: set[str | None] = set()
    repeated = 0
    with running(env, log) as (url, _server):
        for path in corpus_payloads():
            forge, body, event = forge_of(path), path.read_bytes(), event_of(path)
            expected = EXPECTED[f"{path.parent.name}/{path.name}"]
            assert _post(url, forge, body, headers(forge, body, event, secret="forged")).status_code == 401
            unsigned = {
                k: v for k, v in headers(forge, body, event).items() if "Sig" not in k and "Token" not in k
            }
            assert _post(url, forge, body, unsigned).text == ""
            assert _post(url, forge, body, unsigned).status_code == 401
            good = headers(forge, body, event)
            answer = _post(url, forge, body, good)
            want = {"ping": (200, "pong"), "ignored": (202, "ignored")}.get(str(expected), (202, "queued"))
            key = getattr(read_delivery(forge, good, body, "application/json").event, "key", None)
            if (
                key is not None and key in keys
            ):  # pull_request opened, then synchronize with the same head: the same job
                want = (200, "duplicate")
                repeated += 1
            keys.add(key)
            assert (answer.status_code, answer.json()["outcome"]) == want, path.name
            if want[1] == "queued":
                queued.add(good[next(k for k in good if "Delivery" in k or "UUID" in k)])
                again = _post(url, forge, body, good)  # the same delivery again
                assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
                replay = _post(url, forge, body, headers(forge, body, event))  # the body under a new id
                assert (replay.status_code, replay.json()["outcome"]) == (200, "duplicate")
        big = b"{" + b" " * (26 * 1024 * 1024) + b"}"
        assert _post(url, "github", big, headers("github", big, "push")).status_code == 413
        junk = b'{"ref": "refs/heads/main"}'
        bad = _post(url, "github", junk, headers("github", junk, "push"))
        assert (bad.status_code, bad.json()["error"]) == (400, "$.repository: missing")
        assert requests.post(f"{url}/hooks/bitbucket", data=b"{}", timeout=10).status_code == 404
        assert requests.get(f"{url}/healthz", timeout=10).json() == {"status": "alive"}
        engine = create_store_engine(
            env.get("DGBOT_DATABASE_URL") or f"sqlite:///{tmp_path / 'state' / 'store.db'}"
        )
        states = wait_jobs(engine, len(queued))
        metrics = requests.get(f"{url}/metrics", timeout=10).text
    assert stop(worker) == 0  # SIGTERM: the worker finishes and exits
    assert states == {"done": len(queued)}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(jobs.c.delivery, jobs.c.tries, jobs.c.result, jobs.c.commit)
        ).all()
        stored = connection.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar_one()
    engine.dispose()
    assert {row.delivery for row in rows} == queued
    assert all(row.tries == 1 and row.result["commit"] == row.commit for row in rows)
    ignored = sum(1 for e in EXPECTED.values() if e == "ignored")
    assert stored == 2 * len(queued) + ignored + repeated  # each job's delivery and its replay
    assert 'dgbot_deliveries_total{event="push",forge="github",outcome="queued"} 1.0' in metrics
    assert 'dgbot_jobs_in_state{state="done"}' in metrics
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {line["delivery"] for line in lines if line.get("outcome") == "queued"} == queued
    everything = log.read_text() + (tmp_path / "worker.log").read_text()
    assert not any(secret in everything for secret in SECRETS.values())
    assert "Hello-World" not in everything  # no payload in the logs


def test_a_forge_without_a_secret_is_not_served(tmp_path: Path) -> None:
    env = service_env(tmp_path / "state", forges=("github",))
    with running(env, tmp_path / "service.log", workers=1) as (url, _server):
        body = b"{}"
        assert _post(url, "gitlab", body, headers("gitlab", body, "Push Hook")).status_code == 404
        assert requests.get(f"{url}/readyz", timeout=10).json() == {"status": "ready"}


def _ingest_of(server: int) -> int:
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == server and b"dgbot.web.ingest" in command:
            return int(entry.name)
    raise AssertionError("the server runs no ingest")


def test_with_its_ingest_killed_the_server_is_unready_and_what_it_answered_waits_in_the_journal(
    tmp_path: Path,
) -> None:
    env = service_env(tmp_path / "state", forges=("github",))
    body = b'{"ref": "refs/heads/main", "after": "' + b"1" * 40 + b'", "repository": {"full_name": "o/r"}}'
    with running(env, tmp_path / "one.log", workers=1) as (url, server):
        os.kill(_ingest_of(server.pid), signal.SIGKILL)
        while requests.get(f"{url}/readyz", timeout=10).status_code != 503:
            time.sleep(0.1)
        assert requests.get(f"{url}/readyz", timeout=10).json()["problems"] == ["ingest: not running"]
        answer = _post(url, "github", body, headers("github", body, "push"))
        assert (answer.status_code, answer.json()["outcome"]) == (202, "queued")
    engine = create_store_engine(f"sqlite:///{tmp_path / 'state' / 'store.db'}")
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(jobs)).scalar_one() == 0
    with running(env, tmp_path / "two.log", workers=1) as (url, _server):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.execute(sa.select(sa.func.count()).select_from(jobs)).scalar_one() == 1:
                    break
            time.sleep(0.1)
        assert requests.post(
            f"{url}/hooks/github", data=body, headers=headers("github", body, "push"), timeout=10
        ).json() == {"outcome": "duplicate"}
    engine.dispose()
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(jobs)).scalar_one() == 1


def test_a_gunicorn_worker_leaving_leaves_the_ingest_running(tmp_path: Path) -> None:
    env = service_env(tmp_path / "state", forges=("github",))
    with running(env, tmp_path / "service.log", workers=1) as (url, server):
        ingest = _ingest_of(server.pid)
        workers = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and p.name != str(ingest) and _parent(p) == server.pid
        ]
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGTERM)  # a worker's graceful exit (gunicorn starts another)
        time.sleep(2)
        assert requests.get(f"{url}/readyz", timeout=30).json() == {"status": "ready"}
        assert _ingest_of(server.pid) == ingest


def _parent(entry: Path) -> int:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1
