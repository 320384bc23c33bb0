"""dgbot as a GitHub App: installation tokens minted from a signed JWT and refreshed before expiry;
a check run whose annotations go 50 to a request; Enterprise base URL (the fake lives at /api/v3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from dgbot.forges.github import AppCredentials
from dgbot.forges.publish import Target, publish
from forges import verdicts
from forges.servers import Served, app_key_pair, serve


@pytest.fixture
def app_served() -> Iterator[Served]:
    private, public = app_key_pair()
    running = serve("github", app=AppCredentials("12345", private, 777), app_public_key=public)
    yield running
    running.stop()


def _target(served: Served) -> Target:
    return Target(served.seed.sha, "main", None, "https://ci.example.org/run/3")


def test_annotations_go_50_to_a_request_and_the_same_verdict_adds_no_run(app_served: Served) -> None:
    verdict = verdicts.many_findings(120, app_served.seed.sha)
    outcome = publish(app_served.forge, verdict, _target(app_served))
    (run,) = app_served.repo.check_runs
    assert outcome.check_run == run["id"]
    assert len(run["output"]["annotations"]) == 120  # every finding; the fake refuses more than 50 at once
    writes = [
        r for r in app_served.fake.server.log if "/check-runs" in r.path and r.method in ("POST", "PATCH")
    ]
    assert [r.method for r in writes] == ["POST", "PATCH", "PATCH"]
    first = run["output"]["annotations"][0]
    assert first["annotation_level"] == "failure" and first["path"] == "data/run-000000/recording.bin"
    assert run["conclusion"] == "failure" and run["head_sha"] == app_served.seed.sha
    assert publish(app_served.forge, verdict, _target(app_served)).check_run == run["id"]
    assert len(app_served.repo.check_runs) == 1  # recognised by its external id


def test_a_new_verdict_gets_a_new_run(app_served: Served) -> None:
    publish(app_served.forge, verdicts.failing(app_served.seed.sha), _target(app_served))
    publish(app_served.forge, verdicts.passing(app_served.seed.sha), _target(app_served))
    assert [r["conclusion"] for r in app_served.repo.check_runs] == ["failure", "success"]


def test_installation_tokens_are_refreshed_before_they_expire(app_served: Served) -> None:
    app_served.fake.token_lifetime = dt.timedelta(seconds=5)  # inside PyGithub's 20 s refresh margin
    publish(app_served.forge, verdicts.failing(app_served.seed.sha), _target(app_served))
    minted = app_served.fake.minted
    assert len(minted) > 3  # a fresh token each time the last one was about to expire
    used = {r.headers["authorization"].split()[1] for r in app_served.fake.server.log if "/repos/" in r.path}
    assert used <= set(minted)
    app_served.fake.token_lifetime = dt.timedelta(hours=1)
    count = len(minted)
    publish(app_served.forge, verdicts.passing(app_served.seed.sha), _target(app_served))
    assert len(minted) == count + 1  # one long-lived token serves the whole publish


def test_a_token_is_not_an_app_and_posts_no_check_run() -> None:
    served = serve("github")
    try:
        outcome = publish(served.forge, verdicts.failing(served.seed.sha), _target(served))
    finally:
        served.stop()
    assert outcome.check_run is None and served.repo.check_runs == []
    assert len(outcome.statuses) == 2
