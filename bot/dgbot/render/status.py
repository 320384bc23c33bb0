"""The commit-status payload: a state and a description of at most 140 characters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dgbot.records import CheckResult, Severity, Status, Verdict
from dgbot.render.escape import visible
from dgbot.words import _, clauses, join, ngettext

DESCRIPTION_LIMIT = 140  # GitHub answers 422 to a longer description
_STATE = {Status.SUCCESS: "success", Status.FAILURE: "failure", Status.ERROR: "error"}


def count_severity(severity: Severity, count: int) -> str:
    """`1 error`, `3 warnings`, `2 notices`."""
    if severity is Severity.ERROR:
        text = ngettext("{count} error", "{count} errors", count)
    elif severity is Severity.WARNING:
        text = ngettext("{count} warning", "{count} warnings", count)
    else:
        text = ngettext("{count} notice", "{count} notices", count)
    return text.format(count=count)


def count_checks(count: int) -> str:
    """`1 check`, `5 checks`."""
    return ngettext("{count} check", "{count} checks", count).format(count=count)


def describe_counts(counts: Mapping[str, int]) -> str:
    """`3 errors, 1 warning` from severity counts; empty when there is nothing."""
    return join(count_severity(s, counts[s.value]) for s in Severity if counts.get(s.value))


def ids_with(checks: tuple[CheckResult, ...], status: Status) -> list[str]:
    """Ids of the checks that ended with `status`, in verdict order."""
    return [c.id for c in checks if c.status is status]


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a whole word and marked with `…`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _success(verdict: Verdict) -> str:
    ran = [c for c in verdict.checks if c.status is Status.SUCCESS]
    skipped = ids_with(verdict.checks, Status.SKIPPED)
    if not ran:
        return _("nothing checked: every check was skipped") if skipped else _("nothing checked")
    head = ngettext("{count} check passed", "{count} checks passed", len(ran)).format(count=len(ran))
    tail = [describe_counts(verdict.counts())]
    if skipped:
        tail.append(_("{count} skipped").format(count=len(skipped)))
    return clauses([head, *filter(None, tail)])


def describe_verdict(verdict: Verdict) -> str:
    """One line: counts first, then which checks failed or could not run (full length)."""
    if verdict.status is Status.SUCCESS:
        return _success(verdict)
    parts = []
    failed = ids_with(verdict.checks, Status.FAILURE)
    crashed = ids_with(verdict.checks, Status.ERROR)
    if failed:
        parts.append(_("{checks} failed").format(checks=join(failed)))
    if crashed:
        parts.append(_("{checks} could not run").format(checks=join(crashed)))
    counts = describe_counts(verdict.counts())
    return f"{counts}: {clauses(parts)}" if counts else clauses(parts)


def status_payload(
    verdict: Verdict, *, context: str = "dgbot/checks", target_url: str | None = None
) -> dict[str, Any]:
    """The body of a commit-status request (GitHub, Gitea; the GitLab adapter maps the state)."""
    return {
        "state": _STATE[verdict.status],
        "description": shorten(visible(describe_verdict(verdict)), DESCRIPTION_LIMIT),
        "context": context,
        "target_url": target_url,
    }
