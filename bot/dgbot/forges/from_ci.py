"""Publishing from a CI job: forge, repository, commit, branch and pull request read from its variables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from dgbot.errors import UsageError
from dgbot.forges.factory import build_forge, ci_branch, ci_report_url
from dgbot.forges.publish import Outcome, Target, publish
from dgbot.forges.retry import RetryPolicy
from dgbot.records import Verdict


def _head_sha(env: Mapping[str, str]) -> str:
    """The pull request's head commit (GITHUB_SHA is the merge commit there, which the PR never shows)."""
    try:
        event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        return str(event["pull_request"]["head"]["sha"])
    except (KeyError, TypeError, OSError, ValueError):
        return env["GITHUB_SHA"]


def _github(env: Mapping[str, str]) -> tuple[str, str, str, str | None, int | None]:
    ref = env.get("GITHUB_REF", "")  # refs/pull/7/merge on pull_request events
    number = ref.split("/")[2] if ref.startswith("refs/pull/") else ""
    sha = _head_sha(env) if number else env["GITHUB_SHA"]
    return (
        "github",
        env["GITHUB_REPOSITORY"],
        sha,
        env.get("GITHUB_API_URL"),
        int(number) if number.isdigit() else None,
    )


def _gitlab(env: Mapping[str, str]) -> tuple[str, str, str, str | None, int | None]:
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    return (
        "gitlab",
        env["CI_PROJECT_PATH"],
        env["CI_COMMIT_SHA"],
        env.get("CI_SERVER_URL"),
        int(iid) if iid.isdigit() else None,
    )


def publish_from_ci(
    verdict: Verdict, environ: Mapping[str, str], policy: RetryPolicy | None = None, *, throttle: bool = True
) -> Outcome:
    """Publish `verdict` for the job described by `environ` (GitHub Actions or GitLab CI)."""
    try:
        if environ.get("GITHUB_ACTIONS") == "true":
            kind, repo, sha, url, pull = _github(environ)
        elif environ.get("GITLAB_CI") == "true":
            kind, repo, sha, url, pull = _gitlab(environ)
        else:
            raise UsageError(
                "publishing from CI needs GitHub Actions or GitLab CI; elsewhere run dgbot publish"
            )
    except KeyError as exc:
        raise UsageError(f"the CI variable {exc.args[0]} is not set") from None
    branch = ci_branch(environ)
    if not branch:
        raise UsageError("the CI variables name no branch for the governance issue")
    forge = build_forge(kind, repo, environ, url=url, policy=policy, throttle=throttle)
    return publish(forge, verdict, Target(sha, branch, pull, ci_report_url(environ)))


def describe(outcome: Outcome) -> str:
    """One line for the job log."""
    statuses = ", ".join(f"{s.context}={s.state}" for s in outcome.statuses) or "statuses unchanged"
    issue = f"issue {outcome.issue_action}" + (f" (#{outcome.issue})" if outcome.issue is not None else "")
    comment = f", comment {outcome.comment}" if outcome.comment is not None else ""
    return f"published: {statuses}; {issue}{comment}"
