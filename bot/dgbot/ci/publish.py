"""`dgbot ci --publish`: the verdict posted to the forge the CI runner belongs to."""

from __future__ import annotations

from collections.abc import Mapping

from dgbot.ci.runners import Runner
from dgbot.errors import UsageError
from dgbot.forges.factory import build_forge, ci_report_url
from dgbot.forges.publish import Outcome, Target, publish
from dgbot.forges.retry import RetryPolicy
from dgbot.records import Verdict


def describe(outcome: Outcome) -> str:
    """One line for the job log."""
    statuses = ", ".join(f"{s.context}={s.state}" for s in outcome.statuses) or "statuses unchanged"
    issue = f"issue {outcome.issue_action}" + (f" (#{outcome.issue})" if outcome.issue is not None else "")
    comment = f", comment {outcome.comment}" if outcome.comment is not None else ""
    return f"published: {statuses}; {issue}{comment}"


def publish_from_runner(
    verdict: Verdict,
    runner: Runner,
    environ: Mapping[str, str],
    policy: RetryPolicy | None = None,
    *,
    throttle: bool = True,
) -> str:
    """Publish `verdict` for the job `runner` describes; what was done, in one line."""
    if runner.forge is None:
        raise UsageError("publishing from CI needs GitHub Actions or GitLab CI; elsewhere run dgbot publish")
    facts = {"repository": runner.repository, "commit": runner.sha, "branch": runner.branch}
    missing = [name for name, value in facts.items() if not value]
    if missing or not runner.repository or not runner.sha or not runner.branch:
        raise UsageError(f"the CI variables do not say the {', '.join(missing)} to publish for")
    forge = build_forge(
        runner.forge, runner.repository, environ, url=runner.api_url, policy=policy, throttle=throttle
    )
    target = Target(runner.sha, runner.branch, runner.pull, ci_report_url(environ))
    return describe(publish(forge, verdict, target))
