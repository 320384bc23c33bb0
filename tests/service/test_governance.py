"""The job for a push, end to end on GitHub and Gitea: real `dgbot serve` and `dgbot worker`
processes, each forge's fake (REST API and git smart HTTP) over loopback, a research repository
with annexed data.

A push of a plan whose data is over its limit: `pending` at once, then `dgbot/dmp` success and
`dgbot/checks` failure, one governance issue naming the problem, the notebooks and the CI wiring
on `dgbot/workflows` with one pull request, one stored verdict with its links and a volume sample.
The fix: statuses success, the issue closed, the request's branch updated, a second verdict.
A push that leaves the plan as it was: no new commit on `dgbot/workflows`. A job whose every try
fails posts `error`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from dgbot.store.engine import create_store_engine
from dgbot.store.tables import jobs, verdicts, volume_samples
from forges.git_http import GitHosting
from forges.servers import TOKEN, Served, serve, url_of
from service.payloads import headers
from service.processes import dgbot, running, service_env, stop, wait_jobs
from service.repos import git_author, push, replace_with, research_repo, run

__all__ = ["git_author"]
pytestmark = pytest.mark.slow
ZERO = "0" * 40


@pytest.fixture(params=["github", "gitea"])
def github(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Served, GitHosting]]:
    holder: dict[str, GitHosting] = {}
    served = serve(
        request.param, configure=lambda fake: holder.setdefault("git", GitHosting(fake, tmp_path / "forge"))
    )
    yield served, holder["git"]
    served.stop()


def _env(tmp_path: Path, served: Served, **extra: str) -> dict[str, str]:
    kind = served.kind
    return service_env(
        tmp_path / "state",
        forges=(kind,),
        **{f"DGBOT_{kind.upper()}_URL": url_of(kind, served.fake), f"DGBOT_{kind.upper()}_TOKEN": TOKEN},
        DGBOT_GITHUB_THROTTLE="0",
        **extra,
    )


def _push_payload(before: str, after: str, changed: list[str]) -> bytes:
    commit = {"id": after, "added": [], "modified": changed, "removed": []}
    return json.dumps(
        {
            "ref": "refs/heads/main",
            "before": before,
            "after": after,
            "repository": {"full_name": "lab/data", "clone_url": "https://evil.example.org/x.git"},
            "commits": [commit],
        }
    ).encode()


def _deliver(url: str, body: bytes, kind: str) -> None:
    signed = headers(kind, body, "push")
    answer = requests.post(f"{url}/hooks/{kind}", data=body, headers=signed, timeout=30)
    assert answer.status_code == 202, answer.text


def _state(status: dict[str, object]) -> str:
    return str(status.get("state", status.get("status")))  # Gitea names it `status`


def _states(served: Served, sha: str) -> list[tuple[str, str]]:
    return [(str(s["context"]), _state(s)) for s in served.repo.statuses.get(sha, [])]


def _latest(served: Served, sha: str) -> dict[str, str]:
    return {context: _state(s) for context, s in served.repo.latest_statuses(sha).items()}


def _verdicts(engine: sa.Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(verdicts).order_by(verdicts.c.id)).all())


@pytest.mark.usefixtures("git_author")
def test_a_push_is_governed_published_delivered_and_recorded(
    tmp_path: Path, github: tuple[Served, GitHosting]
) -> None:
    served, git = github
    repo_path = tmp_path / "research"
    first = research_repo(repo_path, "fail")
    push(repo_path, git.authed_url(TOKEN))
    env = _env(tmp_path, served)
    engine = create_store_engine(f"sqlite:///{tmp_path / 'state' / 'store.db'}")
    worker = dgbot(env, "worker", "--log-format", "json", log=tmp_path / "worker.log")
    with running(env, tmp_path / "serve.log", workers=1) as (url, _server):
        _deliver(url, _push_payload(ZERO, first, ["dmp.json"]), served.kind)
        assert wait_jobs(engine, 1) == {"done": 1}
        states = _states(served, first)
        assert states[0] == ("dgbot/checks", "pending")  # at once, before the checks ran
        assert _latest(served, first)["dgbot/dmp"] == "success"
        assert _latest(served, first)["dgbot/checks"] == "failure"
        issues = served.repo.issues()
        assert len(issues) == 1 and issues[0].open and "volume" in issues[0].body.lower()
        pulls = [t for t in served.repo.threads if t.pull is not None]
        assert len(pulls) == 1 and pulls[0].pull == {"head": "dgbot/workflows", "base": "main"}
        delivered = served.repo.commits[served.repo.branches["dgbot/workflows"]]
        assert served.repo.parents[served.repo.branches["dgbot/workflows"]] == first  # one commit on the push
        notebooks = sorted(p for p in delivered if p.startswith("workflows/") and p.endswith(".ipynb"))
        assert notebooks and (".github/workflows/dgbot.yml" in delivered) == (served.kind == "github")
        assert all(n in pulls[0].body for n in notebooks)
        rows = _verdicts(engine)
        assert [(r.commit, r.status) for r in rows] == [(first, "failure")]
        assert (
            rows[0].links["issue"] == issues[0].number
            and rows[0].links["delivery"]["request"] == pulls[0].number
        )
        assert rows[0].plan_path == "dmp.json" and len(rows[0].plan_sha256) == 64
        with engine.connect() as connection:
            samples = connection.execute(sa.select(volume_samples.c.commit, volume_samples.c.bytes)).all()
        assert len(samples) == 1 and samples[0].bytes > 1024**3  # the plan's limit of 1GB, exceeded

        # The fix: the data within the limit (a changed plan).
        workflows_head = served.repo.branches["dgbot/workflows"]
        fixed = replace_with(repo_path, "pass")
        push(repo_path, git.authed_url(TOKEN))
        _deliver(url, _push_payload(first, fixed, ["dmp.json", "output_data/recording.h5"]), served.kind)
        assert wait_jobs(engine, 2) == {"done": 2}
        assert _latest(served, fixed) == {
            "dgbot/dmp": "success",
            "dgbot/checks": "success",
        }
        assert len(served.repo.issues()) == 1 and not served.repo.issues()[0].open
        assert len([t for t in served.repo.threads if t.pull is not None]) == 1
        assert (
            served.repo.parents[served.repo.branches["dgbot/workflows"]] == workflows_head
        )  # one commit more
        assert [(r.commit, r.status) for r in _verdicts(engine)] == [(first, "failure"), (fixed, "success")]

        # A push that leaves the plan as it was: no new commit on dgbot/workflows.
        workflows_head = served.repo.branches["dgbot/workflows"]
        (repo_path / "README.md").write_text("# the data of the lab\n")
        run(repo_path, "git", "add", "README.md")
        run(repo_path, "git", "commit", "-q", "-m", "readme")
        third = run(repo_path, "git", "rev-parse", "HEAD").strip()
        push(repo_path, git.authed_url(TOKEN))
        _deliver(url, _push_payload(fixed, third, ["README.md"]), served.kind)
        assert wait_jobs(engine, 3) == {"done": 3}
        assert served.repo.branches["dgbot/workflows"] == workflows_head
        assert _latest(served, third)["dgbot/checks"] == "success"
        assert len(_verdicts(engine)) == 3
    assert stop(worker) == 0
    logs = (tmp_path / "worker.log").read_text() + (tmp_path / "serve.log").read_text()
    assert TOKEN not in logs
    assert git.annex_requests() == []
    assert not any("evil.example.org" in r.path for r in served.fake.server.log)
    engine.dispose()


@pytest.mark.usefixtures("git_author")
def test_a_job_that_keeps_failing_posts_error(tmp_path: Path, github: tuple[Served, GitHosting]) -> None:
    served, git = github
    head = research_repo(tmp_path / "research", "pass")
    push(tmp_path / "research", git.authed_url(TOKEN))
    git.broken = True  # the forge's git service is down for every try
    env = _env(tmp_path, served, DGBOT_JOB_TRIES="2")
    engine = create_store_engine(f"sqlite:///{tmp_path / 'state' / 'store.db'}")
    worker = dgbot(env, "worker", "--log-format", "json", log=tmp_path / "worker.log")
    with running(env, tmp_path / "serve.log", workers=1) as (url, _server):
        _deliver(url, _push_payload(ZERO, head, ["dmp.json"]), served.kind)
        assert wait_jobs(engine, 1) == {"failed": 1}
    assert stop(worker) == 0
    with engine.connect() as connection:
        job = connection.execute(sa.select(jobs)).one()
    engine.dispose()
    assert job.tries == 2 and "503" in job.last_error
    status = served.repo.latest_statuses(head)["dgbot/checks"]
    assert _state(status) == "error"
    assert str(status["description"]).startswith("dgbot could not check this commit: ")
    assert TOKEN not in str(status["description"]) and TOKEN not in job.last_error
