"""Under faults (30% of requests answered 500, 502 or 429 with Retry-After) publishing still ends right,
and the token set in the environment shows up in no log, error, issue, comment or report."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dgbot.errors import EXIT_USAGE
from dgbot.forges.base import AccessError
from dgbot.forges.publish import Target, issue_marker, publish
from forges import verdicts
from forges.httpfake import Response
from forges.servers import FORGES, TOKEN, Served, serve

REPORT = "https://ci.example.org/jobs/9"


@pytest.fixture(params=FORGES)
def faulty(request: pytest.FixtureRequest) -> Iterator[Served]:
    running = serve(request.param, faults=0.3)
    yield running
    running.stop()


def test_publishing_completes_with_one_issue_and_the_right_statuses(faulty: Served) -> None:
    target = Target(faulty.seed.sha, "main", None, REPORT)
    sha = target.sha
    for verdict in (
        verdicts.failing(sha),
        verdicts.failing(sha),
        verdicts.passing(sha),
        verdicts.failing(sha),
    ):
        publish(faulty.forge, verdict, target)
    faults = [status for status in faulty.fake.server.answered if status in (429, 500, 502)]
    assert len(faults) >= 5  # the faults really happened
    assert any(w >= 1.0 for w in faulty.waits)  # Retry-After: 1 was honoured
    issues = [t for t in faulty.repo.issues() if issue_marker("main") in t.body]
    assert len(issues) == 1 and issues[0].open  # opened, closed by the pass, reopened
    if faulty.kind != "gin":
        key = "name" if faulty.kind == "gitlab" else "context"
        latest = faulty.repo.latest_statuses(sha, key=key)
        failed = "failed" if faulty.kind == "gitlab" else "failure"
        assert {n: s.get("state") or s.get("status") for n, s in latest.items()} == {
            "dgbot/dmp": failed,
            "dgbot/checks": failed,
        }
        assert len(faulty.repo.statuses[sha]) == 6  # no status repeated, none lost


@pytest.fixture(params=FORGES)
def clean(request: pytest.FixtureRequest) -> Iterator[Served]:
    running = serve(request.param)
    yield running
    running.stop()


def test_the_token_never_leaks(
    clean: Served, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DGBOT_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)  # urllib3, requests, PyGithub and python-gitlab log at DEBUG
    target = Target(clean.seed.sha, "main", None, REPORT)
    publish(clean.forge, verdicts.failing(target.sha), target)
    clean.fake.server.faults = 0.5
    publish(clean.forge, verdicts.many_findings(50, target.sha), target)
    clean.fake.server.faults = 0.0
    wrong = serve(clean.kind, token="wrong-" + TOKEN)  # the server echoes the token it was given
    try:
        with pytest.raises(AccessError) as refused:
            publish(wrong.forge, verdicts.failing(target.sha), target)
    finally:
        wrong.stop()
    assert refused.value.exit_code == EXIT_USAGE and "401" in str(refused.value)
    texts = [caplog.text, str(refused.value), repr(refused.value.args)]
    texts += [t.body for t in clean.repo.threads] + [
        str(c["body"]) for t in clean.repo.threads for c in t.comments
    ]
    texts += [str(s) for listed in clean.repo.statuses.values() for s in listed]
    assert all(TOKEN not in text for text in texts)
    assert "***" in str(refused.value)  # the echoed token was scrubbed, not absent


@pytest.mark.parametrize("clean", ["github", "gitlab", "gitea"], indirect=True)
def test_an_issue_created_but_answered_502_is_healed_on_the_next_publish(clean: Served) -> None:
    clean.fake.server.lose.append(("POST", "/issues"))
    target = Target(clean.seed.sha, "main", None, REPORT)
    publish(clean.forge, verdicts.failing(target.sha), target)
    marked = [t for t in clean.repo.issues() if issue_marker("main") in t.body]
    assert len(marked) == 2  # the retry opened a second one: the first answer never arrived
    publish(clean.forge, verdicts.failing(target.sha), target)
    marked = [t for t in clean.repo.issues() if issue_marker("main") in t.body]
    assert [t.number for t in marked] == [1] and marked[0].open
    (duplicate,) = [t for t in clean.repo.issues() if t.number == 2]
    assert not duplicate.open and "#1" in duplicate.body


def test_github_rate_limits_are_waited_out() -> None:
    served = serve("github")
    reset = str(int(time.time()) + 40)
    served.fake.server.script = [
        Response(403, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "30"}),
        Response(
            403,
            {"message": "API rate limit exceeded"},
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        ),
        Response(429, {"message": "Too Many Requests"}, {"Retry-After": "2"}),
    ]
    try:
        outcome = publish(served.forge, verdicts.failing(served.seed.sha), Target(served.seed.sha, "main"))
    finally:
        served.stop()
    assert outcome.issue_action == "opened" and len(outcome.statuses) == 2
    assert served.waits[0] >= 30 and 30 <= served.waits[1] <= 41 and served.waits[2] >= 2
