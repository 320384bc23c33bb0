"""The real adapters (PyGithub, python-gitlab, and requests for GIN and Gitea) against each forge's fake.

Each fake's repository, commit, branch and pull request come from a recorded webhook payload.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from dgbot.forges.base import Unsupported
from dgbot.forges.publish import Target, issue_marker, publish
from dgbot.records import CheckResult, Finding, Severity
from forges import verdicts
from forges.servers import FORGES, Served, seed_from_event, serve

REPORT = "https://ci.example.org/lab/data/-/jobs/77"
pytestmark = pytest.mark.corpus


@pytest.fixture(params=FORGES)
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    running = serve(request.param, seed_from_event(request.param))
    yield running
    running.stop()


def _target(served: Served) -> Target:
    return Target(served.seed.sha, served.seed.branch, served.seed.pull, REPORT)


def _latest_states(served: Served) -> dict[str, str]:
    key = "name" if served.kind == "gitlab" else "context"
    latest = served.repo.latest_statuses(served.seed.sha, key=key)
    return {name: str(s.get("state") or s.get("status")) for name, s in latest.items()}


def _governance_issues(served: Served) -> list:  # type: ignore[type-arg]
    marker = issue_marker(served.seed.branch)
    return [t for t in served.repo.issues() if marker in t.body]


def test_fail_fail_pass(served: Served) -> None:
    target = _target(served)
    outcomes = [publish(served.forge, v, target) for v in (verdicts.failing(target.sha),) * 2]
    outcomes.append(publish(served.forge, verdicts.passing(target.sha), target))
    assert [o.issue_action for o in outcomes] == ["opened", "unchanged", "closed"]
    (issue,) = _governance_issues(served)
    assert not issue.open and issue.edits == 1 and served.seed.branch in issue.title
    assert set(issue.labels) == {"dgbot", "dgbot:passed"}
    if served.kind == "gin":  # Gogs has no statuses: the issue and its labels are the verdict
        assert served.repo.statuses == {} and outcomes[0].statuses == ()
    else:
        failed, passed = ("failed", "success") if served.kind == "gitlab" else ("failure", "success")
        posted = served.repo.statuses[target.sha]
        assert len(posted) == 4  # two contexts failing once (not twice), then passing
        assert [s.get("state") or s.get("status") for s in posted[:2]] == [failed, failed]
        assert _latest_states(served) == {"dgbot/dmp": passed, "dgbot/checks": passed}
        assert {s["target_url"] for s in posted} == {REPORT}


@pytest.fixture(params=[f for f in FORGES if f != "gin"])  # the recorded Gogs payload is a push
def with_pull(request: pytest.FixtureRequest) -> Iterator[Served]:
    running = serve(request.param, seed_from_event(request.param))
    yield running
    running.stop()


def test_pull_request_comment_is_upserted(with_pull: Served) -> None:
    served = with_pull
    assert served.seed.pull is not None
    target = _target(served)
    for verdict in (verdicts.failing(target.sha), verdicts.failing(target.sha), verdicts.passing(target.sha)):
        publish(served.forge, verdict, target)
    threads = served.fake.merge_requests if served.kind == "gitlab" else served.repo.threads
    (pull,) = [t for t in threads if t.number == served.seed.pull and t.pull]
    assert len(pull.comments) == 1 and "Passed" in pull.comments[0]["body"]


def test_files_are_read_at_a_commit(served: Served) -> None:
    forge, sha = served.forge, served.seed.sha
    assert forge.read_file("data/a.csv", sha) == b"x,y\n1,2\n"
    assert forge.read_file("dmp.json", sha) == b'{"schema": "basic"}\n'
    assert forge.read_file("missing.txt", sha) is None


def test_changed_files_between_commits(served: Served) -> None:
    base = served.repo.parents[served.seed.sha]
    assert base is not None
    if served.kind == "gin":
        with pytest.raises(Unsupported, match="compare"):
            served.forge.changed_files(base, served.seed.sha)
        return
    assert served.forge.changed_files(base, served.seed.sha) == ["data/a.csv"]


def test_push_a_branch_and_open_one_pull_request(served: Served) -> None:
    forge, base = served.forge, served.seed.base
    files = {"workflows/experiment.ipynb": b'{"cells": []}\n', "workflows/index.ipynb": b"{}\n"}
    if served.kind == "gin":
        with pytest.raises(Unsupported):
            forge.push_files("dgbot/notebooks", base, files, "dgbot: generated notebooks")
        return
    head = forge.push_files("dgbot/notebooks", base, files, "dgbot: generated notebooks")
    assert served.repo.branches["dgbot/notebooks"] == head
    assert {p: served.repo.commits[head][p] for p in files} == files
    again = forge.push_files("dgbot/notebooks", base, files, "dgbot: generated notebooks")
    assert again == head  # nothing changed: no new commit
    changed = forge.push_files("dgbot/notebooks", base, {**files, "workflows/index.ipynb": b"[]\n"}, "update")
    assert changed != head and served.repo.commits[changed]["workflows/index.ipynb"] == b"[]\n"
    number = forge.open_pull_request("dgbot/notebooks", base, "dgbot: notebooks for the plan", "generated")
    assert forge.open_pull_request("dgbot/notebooks", base, "again", "again") == number
    threads = served.fake.merge_requests if served.kind == "gitlab" else served.repo.threads
    assert [t.number for t in threads if t.pull and t.pull["head"] == "dgbot/notebooks"] == [number]


def test_report_longer_than_the_forge_takes_is_cut_with_a_pointer(served: Served) -> None:
    target = _target(served)
    count = 6_000 if served.kind == "gitlab" else 600  # GitLab takes a million characters
    outcome = publish(served.forge, verdicts.many_findings(count, target.sha), target)
    assert outcome.issue_action == "opened"  # the fake refuses bodies over the forge's limit
    (issue,) = _governance_issues(served)
    limits = served.forge.limits
    assert len(issue.body) <= limits.body_chars
    assert limits.body_bytes is None or len(issue.body.encode()) <= limits.body_bytes
    assert REPORT in issue.body and "not shown" in issue.body


def test_a_300_character_description_reaches_the_forge_as_140(served: Served) -> None:
    long_id = "volume." + "x" * 293
    check = CheckResult(
        long_id, "Data volume", (Finding(long_id, "limit", Severity.ERROR, "over the limit"),)
    )
    verdict = replace(verdicts.failing(served.seed.sha), checks=(check,))
    publish(served.forge, verdict, _target(served))
    if served.kind == "gin":
        assert served.repo.statuses == {}
        return
    (posted,) = [
        s
        for s in served.repo.statuses[served.seed.sha]
        if str(s.get("name") or s.get("context")) == "dgbot/checks"
    ]
    description = str(posted["description"])
    assert len(description) == 140 and description.endswith("…")  # the GitHub fake answers 422 past 140
