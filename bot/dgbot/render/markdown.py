"""The verdict as Markdown for issue bodies, merge-request notes and job summaries.

Every piece of text that a researcher could have written (messages quote DMP values,
paths name their files) goes through `escape_markdown`, so it renders as plain text on
GitHub, GitLab, Gitea and GIN: no HTML, links, images, tables, mentions or references.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from dgbot.records import CheckResult, Finding, Severity, Status, Verdict
from dgbot.render.escape import visible
from dgbot.render.status import count_checks, describe_counts
from dgbot.words import N_, _, join, ngettext

FileUrl = Callable[[str, int | None], str]
ISSUE_BODY_LIMIT = 60_000  # characters; GitHub refuses issue bodies over 65,536 (room for a marker)
STEP_SUMMARY_LIMIT = 262_144  # characters; 1 MiB per step summary even at 4 bytes a character
FIELD_LIMIT = 2_000  # characters of one message or hint before escaping

_ZWSP = "&#8203;"  # invisible; breaks @mentions, #refs and autolinks without changing the text
_ENTITY = {c: f"&#{ord(c)};" for c in "\\`*_[]|~$#"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_TOKEN = re.compile(r"://|(?i:www)\.|(?i:gh)-(?=\d)|[&<>\"\\`*_\[\]|~$#@!%]")
_REFERENCE = "@#!%~$&"  # GitHub/GitLab references: @user, #1, !1 (MR), %milestone, ~label, $snippet, &epic
_LEADING = re.compile(r"^(?:[-+](?= |$)|\d{1,9}[.)](?= |$)|=+ *$|-[- ]*$)")  # list, setext, rule

# English here, translated where shown (`_(...)`).
_WORD = {
    Status.SUCCESS: N_("Passed"),
    Status.FAILURE: N_("Failed"),
    Status.ERROR: N_("Error"),
    Status.SKIPPED: N_("Skipped"),
}
_CHECK_WORD = {
    Status.SUCCESS: N_("passed"),
    Status.FAILURE: N_("failed"),
    Status.ERROR: N_("could not run"),
    Status.SKIPPED: N_("skipped"),
}
_SEVERITY = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning"), Severity.NOTICE: N_("notice")}


def _token(match: re.Match[str]) -> str:
    text, end = match.group(), match.end()
    if len(text) > 1:  # ://, www., GH-: split so no autolink or reference forms
        return text[:-1] + _ZWSP + text[-1] if text != "://" else ":" + _ZWSP + "//"
    escaped = _ENTITY.get(text, text)
    follows = match.string[end : end + 1]
    if text in _REFERENCE and follows and (follows.isalnum() or follows in "_-"):
        escaped += _ZWSP
    return escaped


def escape_markdown(text: str) -> str:
    """`text` as one line of inert Markdown, also safe inside HTML such as `<summary>`.

    Controls, line breaks and bidi characters are shown escaped (`\\n`, `\\x1b`, as
    `visible` shows them), other whitespace collapses to single spaces, Markdown and HTML
    punctuation become character references
    (which render as the characters, never as syntax), and an invisible zero-width
    space follows `@`, `#` and the other reference prefixes and splits `://` and `www.`.
    """
    flat = " ".join(visible(text).split())
    head = ""
    if _LEADING.match(flat):  # a list marker, setext underline or rule if it began a line
        head, flat = f"&#{ord(flat[0])};", flat[1:]
    return head + _TOKEN.sub(_token, flat)


def _field(text: str) -> str:
    if len(text) > FIELD_LIMIT:
        text = text[: FIELD_LIMIT - 1] + "…"
    return escape_markdown(text)


def _safe_url(url: str) -> str | None:
    """An http(s) URL with every character that could end a Markdown link percent-encoded."""
    if not url.startswith(("https://", "http://")):
        return None
    return quote(url, safe="/:?#&=%+@!$,;-._~")


def _where(finding: Finding, file_url: FileUrl | None) -> str:
    """`path:line:column $.json.path`, the file part a link when `file_url` is given."""
    loc = finding.location
    json_path = escape_markdown(loc.json_path) if loc.json_path else ""
    if loc.path is None:
        return json_path
    spot = loc.path + "".join(f":{n}" for n in (loc.line, loc.column) if n is not None)
    label = escape_markdown(spot)
    url = _safe_url(file_url(loc.path, loc.line)) if file_url is not None else None
    return " ".join(filter(None, [f"[{label}]({url})" if url else label, json_path]))


def render_finding(finding: Finding, file_url: FileUrl | None = None) -> str:
    """One finding as a list item: severity, location, message, and the hint under it."""
    parts = [f"**{_(_SEVERITY[finding.severity])}**", _where(finding, file_url), _field(finding.message)]
    line = "- " + " · ".join(filter(None, parts))
    return line + ("\n  - " + _("hint: {hint}").format(hint=_field(finding.hint)) if finding.hint else "")


def _summary(verdict: Verdict) -> list[str]:
    counts = describe_counts(verdict.counts()) or _("no findings")
    plan = verdict.plan or {}
    facts = [join([count_checks(len(verdict.checks)), counts])]
    if plan.get("path"):
        profile = f" ({escape_markdown(str(plan['schema']))})" if plan.get("schema") else ""
        facts.append(_("plan {path}").format(path=escape_markdown(str(plan["path"]))) + profile)
    if verdict.commit:
        facts.append(_("commit {sha}").format(sha=escape_markdown(verdict.commit[:7])))
    facts.append(f"dgbot {escape_markdown(verdict.dgbot_version)}")
    heading = _("dgbot verdict: {status}").format(status=_(_WORD[verdict.status]))
    lines = [f"### {heading}", "", " · ".join(facts)]
    if verdict.status is Status.FAILURE:
        lines += [
            "",
            _("Fix the errors listed below and push again; warnings and notices do not fail the checks."),
        ]
    elif verdict.status is Status.ERROR:
        lines += ["", _("dgbot could not finish every check, so this verdict is not a pass; see below.")]
    return lines


def _table(checks: tuple[CheckResult, ...]) -> list[str]:
    header = [_("Status"), _("Check"), _("Errors"), _("Warnings"), _("Notices")]
    rows = ["| " + " | ".join(header) + " |", "| --- | --- | ---: | ---: | ---: |"]
    for check in checks:
        counts = check.counts()
        name = f"{escape_markdown(_(check.title))} ({escape_markdown(check.id)})"
        numbers = " | ".join(str(counts[key]) for key in ("error", "warning", "notice"))
        rows.append(f"| {_(_CHECK_WORD[check.status])} | {name} | {numbers} |")
    return rows


def _opening(check: CheckResult) -> str:
    about = describe_counts(check.counts()) or _("no findings")
    title = escape_markdown(_(check.title))
    head = f"{_(_CHECK_WORD[check.status])} · {title} ({escape_markdown(check.id)})"
    lines = ["<details>", f"<summary>{head} · {about}</summary>", ""]
    if check.description:
        lines += [_field(_(check.description)), ""]
    if check.crashed is not None:
        lines += [_("dgbot could not run this check: {reason}").format(reason=_field(check.crashed)), ""]
    if check.skipped is not None:
        lines += [_("Skipped: {reason}").format(reason=_field(check.skipped)), ""]
    return "\n".join(lines) + "\n"


class _Budget:
    """Characters left for details; once a finding does not fit, no later finding is shown."""

    def __init__(self, left: int) -> None:
        self.left, self.full, self.dropped = left, False, 0

    def take(self, text: str, drop: int = 1) -> bool:
        if not self.full and len(text) + 1 <= self.left:
            self.left -= len(text) + 1
            return True
        self.full, self.dropped = True, self.dropped + drop
        return False


def _details(checks: tuple[CheckResult, ...], budget: _Budget, file_url: FileUrl | None) -> list[str]:
    blocks = []
    for check in checks:
        opening = _opening(check)
        if not budget.take(opening + "\n</details>\n", drop=len(check.findings)):
            continue
        items = [line for f in check.findings if budget.take(line := render_finding(f, file_url))]
        blocks.append(opening + "".join(f"{item}\n" for item in items) + "\n</details>")
    return blocks


def render_markdown(
    verdict: Verdict, *, file_url: FileUrl | None = None, limit: int = ISSUE_BODY_LIMIT
) -> str:
    """The verdict in at most `limit` characters: summary, table of checks, folded details.

    `file_url(path, line)` turns a location into a link to the file at the verdict's
    commit; without it locations are shown as `path:line`.
    """
    head = "\n".join([*_summary(verdict), "", *_table(verdict.checks), ""]) + "\n"
    budget = _Budget(limit - len(head) - 200)  # 200: room for the note on what was left out
    blocks = _details(verdict.checks, budget, file_url)
    text = head + "\n\n".join(blocks) + "\n"
    if budget.dropped:
        shown = ngettext(
            "{count} more finding not shown", "{count} more findings not shown", budget.dropped
        ).format(count=budget.dropped)
        text += (
            f"\n**{shown}**: " + _("this report was shortened; the verdict JSON lists every finding.") + "\n"
        )
    return text if len(text) <= limit else _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    """Last resort for a summary that alone exceeds the limit: whole lines only."""
    note = "\n\n**" + _("Report cut to fit") + "**: " + _("the verdict JSON lists every finding.") + "\n"
    kept = text[: max(0, limit - len(note))]
    return kept[: kept.rfind("\n") + 1] + note.lstrip("\n")
