"""A Verdict onto a Forge: commit statuses, a check run, the governance issue, the pull-request comment."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from urllib.parse import quote

from dgbot.forges.base import ChecksForge, CommitStatus, Forge, ForgeError
from dgbot.forges.body import fit, full_report
from dgbot.forges.checkrun import check_run_for
from dgbot.forges.upsert import upsert_comment, upsert_issue
from dgbot.records import Status, Verdict
from dgbot.render import render_json, render_markdown, status_payload
from dgbot.words import _

DMP_CONTEXT, CHECKS_CONTEXT, REPRO_CONTEXT = "dgbot/dmp", "dgbot/checks", "dgbot/reproducibility"
_PLAN_CHECKS = ("dmp", "config")
_MARKDOWN_MARGIN = 300  # characters kept free for the marker and the note on the full report


@dataclass(frozen=True)
class Target:
    """Where a verdict goes: the commit, its branch, the pull/merge request, the full report's URL."""

    sha: str
    branch: str
    pull_request: int | None = None
    report_url: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What publishing changed on the forge."""

    statuses: tuple[CommitStatus, ...]  # posted now; those already up to date are not repeated
    issue: int | None
    issue_action: str  # opened, updated, reopened, closed, unchanged, none
    comment: int | None = None
    check_run: int | None = None


def _is_repro(check_id: str) -> bool:
    return check_id == "reproducibility" or check_id.startswith("reproducibility.")


def status_verdicts(verdict: Verdict) -> list[tuple[str, Verdict]]:
    """Each status context with the part of the verdict it reports on."""
    plan = tuple(c for c in verdict.checks if c.id in _PLAN_CHECKS)
    repro = tuple(c for c in verdict.checks if _is_repro(c.id))
    rest = tuple(c for c in verdict.checks if c.id not in _PLAN_CHECKS and not _is_repro(c.id))
    parts = [(DMP_CONTEXT, plan), (CHECKS_CONTEXT, rest)]
    if any(c.status is not Status.SKIPPED for c in repro):
        parts.append((REPRO_CONTEXT, repro))
    return [(context, replace(verdict, checks=checks)) for context, checks in parts]


def wanted_statuses(verdict: Verdict, report_url: str | None) -> list[CommitStatus]:
    statuses = []
    for context, part in status_verdicts(verdict):
        payload = status_payload(part, context=context, target_url=report_url)
        statuses.append(CommitStatus(context, payload["state"], payload["description"], report_url))
    return statuses


def publish_statuses(forge: Forge, sha: str, wanted: list[CommitStatus]) -> tuple[CommitStatus, ...]:
    """Post each status whose context does not already show exactly it."""
    latest: dict[str, CommitStatus] = {}
    for status in forge.list_statuses(sha):  # newest first
        latest.setdefault(status.context.lower(), status)
    posted = []
    for status in wanted:
        native = replace(status, state=forge.limits.state(status.state))
        if latest.get(status.context.lower()) != native:
            forge.set_status(sha, status)
            posted.append(status)
    return tuple(posted)


def issue_marker(branch: str) -> str:
    """The hidden line that identifies the governance issue of a branch (percent-encoded: no `-->`)."""
    return f"<!-- dgbot:governance-issue branch={quote(branch, safe='/._')} -->"


def _render(verdict: Verdict, forge: Forge, room: int) -> str:
    """Markdown within `room` characters and, where the forge counts bytes, its byte limit."""
    text = render_markdown(verdict, limit=max(1_000, room))
    byte_limit = forge.limits.body_bytes
    for _try in range(3):  # shrink by the measured bytes per character until it fits
        size = len(text.encode("utf-8", "surrogatepass"))
        if byte_limit is None or size <= byte_limit - _MARKDOWN_MARGIN:
            break
        room = int(room * (byte_limit - _MARKDOWN_MARGIN) / size * 0.98)
        text = render_markdown(verdict, limit=max(1_000, room))
    return text


def report_body(verdict: Verdict, forge: Forge, target: Target, marker: str) -> str:
    """The Markdown report, its marker first, within the forge's limits."""
    text = _render(verdict, forge, forge.limits.body_chars - len(marker) - _MARKDOWN_MARGIN)
    text += full_report(target.report_url)
    return fit(f"{marker}\n{text}", forge.limits, target.report_url)


def issue_title(branch: str, limit: int) -> str:
    title = " ".join(_("dgbot: data governance of branch {branch}").format(branch=branch).split())
    return title if len(title) <= limit else title[: limit - 1] + "…"


def verdict_id(verdict: Verdict) -> str:
    """A digest of the verdict, so the same verdict is recognised when published again."""
    return hashlib.sha256(render_json(verdict).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def publish(forge: Forge, verdict: Verdict, target: Target) -> Outcome:
    """Publish `verdict` for `target` on `forge`; running it twice changes nothing the second time."""
    me = forge.identity()  # once, before any write: anyone can copy a marker, dgbot edits only its own
    if not me:
        raise ForgeError(f"{forge.name}: the forge did not say which account the token acts as")
    posted: tuple[CommitStatus, ...] = ()
    if forge.limits.statuses:
        posted = publish_statuses(forge, target.sha, wanted_statuses(verdict, target.report_url))
    check_run = None
    if isinstance(forge, ChecksForge) and forge.can_post_check_runs():
        check_run = forge.post_check_run(target.sha, **check_run_for(verdict, verdict_id(verdict)))
    marker = issue_marker(target.branch)
    title = issue_title(target.branch, forge.limits.title_chars)
    body = report_body(verdict, forge, target, marker)
    number, action = upsert_issue(forge, marker, title, body, verdict.status, me=me)
    comment = None
    if target.pull_request is not None:
        comment_marker = "<!-- dgbot:pull-request-comment -->"
        text = report_body(verdict, forge, target, comment_marker)
        comment = upsert_comment(forge, target.pull_request, comment_marker, text, me=me)
    return Outcome(posted, number, action, comment, check_run)
