"""The one governance issue per branch and the one pull-request comment, found by a hidden marker.

Anyone can write the marker: only issues and comments by dgbot's own account (`me`) count.
"""

from __future__ import annotations

from dgbot.forges.base import Forge, Issue
from dgbot.records import Status
from dgbot.words import _

LABEL = "dgbot"
STATE_LABELS = {Status.SUCCESS: "dgbot:passed", Status.FAILURE: "dgbot:failed", Status.ERROR: "dgbot:error"}


def _labels(existing: frozenset[str], status: Status) -> list[str]:
    """The researcher's own labels kept, dgbot's replaced by the current state."""
    own = sorted(label for label in existing if label != LABEL and not label.startswith("dgbot:"))
    return [*own, LABEL, STATE_LABELS.get(status, STATE_LABELS[Status.ERROR])]


def _close_duplicates(forge: Forge, keep: Issue, extras: list[Issue]) -> None:
    """A second marked issue (a create whose answer was lost) is closed and unmarked."""
    for extra in extras:
        body = _("Closed by dgbot: this duplicates #{number}, which carries the governance report.").format(
            number=keep.number
        )
        forge.edit_issue(extra.number, title=extra.title, body=body, labels=sorted(extra.labels), open=False)


def mine(author: str, me: str) -> bool:
    """Whether `author` is dgbot's account (logins compare without case, as the forges do)."""
    return bool(me) and author.casefold() == me.casefold()


def upsert_issue(
    forge: Forge, marker: str, title: str, body: str, status: Status, *, me: str
) -> tuple[int | None, str]:
    """Open, update, reopen or close `me`'s issue carrying `marker`; (number, what was done)."""
    found = [i for i in forge.find_issues(LABEL) if marker in i.body and mine(i.author, me)]
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


def upsert_comment(forge: Forge, number: int, marker: str, body: str, *, me: str) -> int:
    """Create or update `me`'s one comment carrying `marker` on pull/merge request `number`."""
    found = [c for c in forge.list_comments(number) if marker in c.body and mine(c.author, me)]
    if not found:
        return forge.create_comment(number, body).id
    if found[0].body != body:
        forge.edit_comment(number, found[0].id, body)
    return found[0].id
