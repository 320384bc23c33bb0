"""`dgbot ci --publish` from GitHub Actions and GitLab CI variables, against the local forges."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pytest

from conftest import corpus_path
from dgbot.ci.publish import publish_from_runner
from dgbot.ci.run import CiRequest, run_ci
from dgbot.ci.runners import Runner
from dgbot.errors import UsageError
from forges import verdicts
from forges.servers import TOKEN, seed_from_event, serve

from .conftest import make_repository

PUBLISH = functools.partial(publish_from_runner, throttle=False)


@pytest.mark.corpus
def test_github_actions_pull_request(tmp_path: Path) -> None:
    seed = seed_from_event("github")
    served = serve("github", seed)
    repo = make_repository(tmp_path / "repo", broken=True)
    environ = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": seed.repo,
        "GITHUB_SHA": "f" * 40,  # the merge commit: statuses on it would not show on the pull request
        "GITHUB_REF": f"refs/pull/{seed.pull}/merge",
        "GITHUB_EVENT_PATH": str(corpus_path("webhooks", "github", "pull_request.opened.payload.json")),
        "GITHUB_HEAD_REF": seed.branch,
        "GITHUB_API_URL": served.fake.server.url,
        "GITHUB_SERVER_URL": "https://github.example.org",
        "GITHUB_RUN_ID": "99",
        "DGBOT_TOKEN": TOKEN,
    }
    log = io.StringIO()
    try:
        result = run_ci(CiRequest(repo, publish=True), environ, log, publisher=PUBLISH)
    finally:
        served.stop()
    assert result.verdict.commit == seed.sha
    assert {s["context"] for s in served.repo.statuses[seed.sha]} == {"dgbot/dmp", "dgbot/checks"}
    report = f"https://github.example.org/{seed.repo}/actions/runs/99"
    assert {s["target_url"] for s in served.repo.statuses[seed.sha]} == {report}
    pull = served.repo.thread(seed.pull or 0)
    assert len(pull.comments) == 1 and report in str(pull.comments[0]["body"])
    assert "published: dgbot/dmp=failure, dgbot/checks=" in log.getvalue()
    assert TOKEN not in log.getvalue()


@pytest.mark.corpus
def test_gitlab_ci_merge_request(tmp_path: Path) -> None:
    seed = seed_from_event("gitlab")
    served = serve("gitlab", seed)
    repo = make_repository(tmp_path / "repo")
    environ = {
        "GITLAB_CI": "true",
        "CI_PROJECT_PATH": seed.repo,
        "CI_COMMIT_SHA": seed.sha,
        "CI_SERVER_URL": served.fake.server.root,
        "CI_MERGE_REQUEST_IID": str(seed.pull),
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": seed.branch,
        "CI_PROJECT_VISIBILITY": "private",
        "CI_JOB_URL": "https://gitlab.example.org/jobs/5",
        "DGBOT_TOKEN": TOKEN,
    }
    try:
        run_ci(CiRequest(repo, publish=True), environ, io.StringIO(), publisher=PUBLISH)
    finally:
        served.stop()
    latest = served.repo.latest_statuses(seed.sha, key="name")
    assert {n: s["status"] for n, s in latest.items()} == {"dgbot/dmp": "success", "dgbot/checks": "success"}
    assert len(served.fake.merge_requests[0].comments) == 1


def test_outside_ci_or_with_variables_missing() -> None:
    with pytest.raises(UsageError, match="GitHub Actions or GitLab CI"):
        publish_from_runner(verdicts.failing(), Runner("local"), {})
    with pytest.raises(UsageError, match="do not say the repository, commit to publish for"):
        publish_from_runner(verdicts.failing(), Runner("gitlab", branch="main"), {})
