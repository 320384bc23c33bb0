"""The one governance issue per branch and the one pull-request comment, found by a hidden marker."""

from __future__ import annotations

from dgbot.forges.base import Forge, Issue
from dgbot.records import Status

LABEL = "dgbot"
STATE_LABELS = {Status.SUCCESS: "dgbot:passed", Status.FAILURE: "dgbot:failed", Status.ERROR: "dgbot:error"}


def _labels(existing: frozenset[str], status: Status) -> list[str]:
    """The researcher's own labels kept, dgbot's replaced by the current state."""
    own = sorted(label for label in existing if label != LABEL and not label.startswith("dgbot:"))
    return [*own, LABEL, STATE_LABELS.get(status, STATE_LABELS[Status.ERROR])]


def _close_duplicates(forge: Forge, keep: Issue, extras: list[Issue]) -> None:
    """A second marked issue (a create whose answer was lost) is closed and unmarked."""
    for extra in extras:
        body = f"Closed by dgbot: this duplicates #{keep.number}, which carries the governance report."
        forge.edit_issue(extra.number, title=extra.title, body=body, labels=sorted(extra.labels), open=False)


def upsert_issue(forge: Forge, marker: str, title: str, body: str, status: Status) -> tuple[int | None, str]:
    """Open, update, reopen or close the issue carrying `marker`; (number, what was done)."""
    found = [issue for issue in forge.find_issues(LABEL) if marker in issue.body]
    compliant = status is Status.SUCCESS
    if not found:
        if compliant:
            return None, "none"
        return forge.create_issue(title, body, _labels(frozenset(), status)).number, "opened"
    keep, extras = found[0], found[1:]
    _close_duplicates(forge, keep, extras)
    if compliant and not keep.open:
        return keep.number, "unchanged"
    labels = _labels(keep.labels, status)
    same = (keep.title, keep.body, keep.labels, keep.open) == (title, body, frozenset(labels), not compliant)
    if same:
        return keep.number, "unchanged"
    forge.edit_issue(keep.number, title=title, body=body, labels=labels, open=not compliant)
    if compliant:
        return keep.number, "closed"
    return keep.number, "updated" if keep.open else "reopened"


def upsert_comment(forge: Forge, number: int, marker: str, body: str) -> int:
    """Create or update the one comment carrying `marker` on pull/merge request `number`."""
    found = [comment for comment in forge.list_comments(number) if marker in comment.body]
    if not found:
        return forge.create_comment(number, body).id
    if found[0].body != body:
        forge.edit_comment(number, found[0].id, body)
    return found[0].id
