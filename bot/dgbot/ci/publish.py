"""`dgbot ci --publish`: the verdict posted to the forge the CI runner belongs to."""

from __future__ import annotations

from collections.abc import Mapping

from dgbot.ci.runners import Runner
from dgbot.errors import UsageError
from dgbot.forges.factory import build_forge, ci_report_url
from dgbot.forges.publish import Outcome, Target, publish
from dgbot.forges.retry import RetryPolicy
from dgbot.records import Verdict
from dgbot.words import N_, _, join

# What publishing did to the governance issue (Outcome.issue_action), translated where shown.
_ISSUE_ACTIONS = {
    "opened": N_("opened"),
    "updated": N_("updated"),
    "reopened": N_("reopened"),
    "closed": N_("closed"),
    "unchanged": N_("unchanged"),
    "none": N_("none"),
}


def issue_action(action: str) -> str:
    """`opened`, `closed`... in the run's language."""
    return _(_ISSUE_ACTIONS[action]) if action in _ISSUE_ACTIONS else action


def describe(outcome: Outcome) -> str:
    """One line for the job log."""
    statuses = ", ".join(f"{s.context}={s.state}" for s in outcome.statuses) or _("statuses unchanged")
    issue = _("issue {action}").format(action=issue_action(outcome.issue_action))
    issue += f" (#{outcome.issue})" if outcome.issue is not None else ""
    comment = ", " + _("comment {id}").format(id=outcome.comment) if outcome.comment is not None else ""
    return _("published: {statuses}; {issue}").format(statuses=statuses, issue=issue) + comment


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
        raise UsageError(
            _("publishing from CI needs GitHub Actions or GitLab CI; elsewhere run dgbot publish")
        )
    facts = {N_("repository"): runner.repository, N_("commit"): runner.sha, N_("branch"): runner.branch}
    missing = [_(name) for name, value in facts.items() if not value]
    if missing or not runner.repository or not runner.sha or not runner.branch:
        said = _("the CI variables do not say the {facts} to publish for").format(facts=join(missing))
        raise UsageError(said)
    forge = build_forge(
        runner.forge, runner.repository, environ, url=runner.api_url, policy=policy, throttle=throttle
    )
    target = Target(runner.sha, runner.branch, runner.pull, ci_report_url(environ))
    return describe(publish(forge, verdict, target))
