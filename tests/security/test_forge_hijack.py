"""Anyone can copy dgbot's hidden markers: an attacker's issue and pull-request comment carrying them
are never taken for dgbot's. dgbot opens its own, edits only its own, and leaves theirs as they were."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from dgbot.forges.base import Forge
from dgbot.forges.github import AppCredentials
from dgbot.forges.publish import Target, issue_marker, issue_title, publish
from dgbot.forges.retry import RetryPolicy
from forges import verdicts
from forges.model import Thread
from forges.servers import Served, adapter, app_key_pair, seed_from_event, serve

COMMENT_MARKER = "<!-- dgbot:pull-request-comment -->"
MALLORY = "mallory-token-4b1d"
KINDS = ("github", "github-app", "gitlab", "gin", "gitea")


@dataclass
class Scene:
    served: Served
    me: str  # the login dgbot's credentials act as
    issue: Thread  # the attacker's
    comment: dict[str, object] | None  # the attacker's, on the pull request


def _serve(kind: str) -> Served:
    forge = kind.removesuffix("-app")
    if kind != "github-app":
        return serve(forge, seed_from_event(forge))
    private, public = app_key_pair()
    return serve(
        forge, seed_from_event(forge), app=AppCredentials("12345", private, 777), app_public_key=public
    )


def _threads(served: Served) -> list[Thread]:
    return served.repo.threads + list(getattr(served.fake, "merge_requests", []))


@pytest.fixture(params=KINDS)
def scene(request: pytest.FixtureRequest) -> Iterator[Scene]:
    served = _serve(request.param)
    served.fake.users[MALLORY] = "mallory"
    mallory: Forge = adapter(
        served.kind, served.seed.repo, served.fake, RetryPolicy(sleep=lambda s: None), token=MALLORY
    )
    branch = served.seed.branch
    body = f"{issue_marker(branch)}\nAll checks passed. Nothing to see here."
    made = mallory.create_issue(issue_title(branch, 255), body, ["dgbot", "dgbot:passed"])
    issue = next(t for t in served.repo.issues() if t.number == made.number)
    comment = None
    if served.seed.pull is not None:
        mallory.create_comment(served.seed.pull, f"{COMMENT_MARKER}\n**dgbot**: passed, merge away")
        pull = next(t for t in _threads(served) if t.pull is not None and t.number == served.seed.pull)
        comment = pull.comments[-1]
    me = "dgbot[bot]" if request.param == "github-app" else "dgbot"
    yield Scene(served, me, issue, comment)
    served.stop()


def _identity_requests(served: Served) -> int:
    prefix = served.fake.server.prefix
    return sum(
        1
        for r in served.fake.server.log
        if r.method == "GET" and r.path in (prefix + "/user", prefix + "/app")
    )


def test_the_attackers_marked_issue_and_comment_are_left_alone(scene: Scene) -> None:
    served, issue = scene.served, scene.issue
    before = (issue.title, issue.body, issue.open, list(issue.labels), issue.edits)
    comment_before = dict(scene.comment) if scene.comment else None
    target = Target(served.seed.sha, served.seed.branch, served.seed.pull)
    outcomes = []
    for verdict in (verdicts.failing(served.seed.sha), verdicts.passing(served.seed.sha)):
        count = _identity_requests(served)
        outcomes.append(publish(served.forge, verdict, target))
        assert _identity_requests(served) == count + 1  # the account is asked once per publish
    assert (issue.title, issue.body, issue.open, list(issue.labels), issue.edits) == before
    assert [o.issue_action for o in outcomes] == ["opened", "closed"]
    (own,) = [t for t in served.repo.issues() if t.number == outcomes[0].issue]
    assert own.number != issue.number and own.author == scene.me and not own.open
    assert issue_marker(served.seed.branch) in own.body
    if scene.comment is not None:
        assert scene.comment == comment_before  # body unchanged: never edited
        pull = next(t for t in _threads(served) if t.pull is not None and t.number == served.seed.pull)
        mine = [c for c in pull.comments if c["author"] == scene.me]
        assert len(mine) == 1 and mine[0]["id"] == outcomes[0].comment == outcomes[1].comment
        assert COMMENT_MARKER in str(mine[0]["body"]) and "Passed" in str(mine[0]["body"])


def test_an_attacker_closed_issue_is_not_reopened(scene: Scene) -> None:
    served, issue = scene.served, scene.issue
    issue.open = False
    outcome = publish(
        served.forge, verdicts.failing(served.seed.sha), Target(served.seed.sha, served.seed.branch)
    )
    assert outcome.issue_action == "opened" and outcome.issue != issue.number
    assert not issue.open and issue.edits == 0 and "Nothing to see here" in issue.body


def test_a_workflow_token_publishes_as_github_actions_and_still_ignores_the_attacker() -> None:
    """GitHub answers 403 to `GET /user` for a workflow's GITHUB_TOKEN (account github-actions[bot])."""
    served = serve("github", seed_from_event("github"))
    try:
        workflow_token = "ghs_workflow-token-6a0c"
        served.fake.users[workflow_token] = "github-actions[bot]"  # the fake answers 403 to /user for it
        served.fake.users[MALLORY] = "mallory"
        policy = RetryPolicy(sleep=lambda s: None)
        mallory = adapter("github", served.seed.repo, served.fake, policy, token=MALLORY)
        branch = served.seed.branch
        made = mallory.create_issue(issue_title(branch, 255), f"{issue_marker(branch)}\nfine", ["dgbot"])
        forge = adapter("github", served.seed.repo, served.fake, policy, token=workflow_token)
        target = Target(served.seed.sha, branch)
        first = publish(forge, verdicts.failing(served.seed.sha), target)
        again = publish(forge, verdicts.failing(served.seed.sha), target)
        assert first.issue_action == "opened" and first.issue != made.number
        assert again.issue == first.issue and again.issue_action != "opened"  # its own issue, found again
        (own,) = [t for t in served.repo.issues() if t.number == first.issue]
        assert own.author == "github-actions[bot]"
    finally:
        served.stop()
