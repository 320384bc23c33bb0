"""The commit-status payload: a state and a description of at most 140 characters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dgbot.records import CheckResult, Severity, Status, Verdict
from dgbot.render.escape import visible

DESCRIPTION_LIMIT = 140  # GitHub answers 422 to a longer description
_STATE = {Status.SUCCESS: "success", Status.FAILURE: "failure", Status.ERROR: "error"}


def plural(count: int, word: str) -> str:
    """`1 error`, `3 errors`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_counts(counts: Mapping[str, int]) -> str:
    """`3 errors, 1 warning` from severity counts; empty when there is nothing."""
    return ", ".join(plural(counts[s.value], s.value) for s in Severity if counts.get(s.value))


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
        return "nothing checked: every check was skipped" if skipped else "nothing checked"
    head = f"{plural(len(ran), 'check')} passed"
    tail = [describe_counts(verdict.counts())]
    if skipped:
        tail.append(f"{len(skipped)} skipped")
    return "; ".join([head, *filter(None, tail)])


def describe_verdict(verdict: Verdict) -> str:
    """One line: counts first, then which checks failed or could not run (full length)."""
    if verdict.status is Status.SUCCESS:
        return _success(verdict)
    parts = []
    failed = ids_with(verdict.checks, Status.FAILURE)
    crashed = ids_with(verdict.checks, Status.ERROR)
    if failed:
        parts.append(f"{', '.join(failed)} failed")
    if crashed:
        parts.append(f"{', '.join(crashed)} could not run")
    counts = describe_counts(verdict.counts())
    return f"{counts}: {'; '.join(parts)}" if counts else "; ".join(parts)


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
