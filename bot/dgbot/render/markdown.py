"""The verdict as Markdown for issue bodies, merge-request notes, job summaries and report.md.

Forges e-mail these bodies as raw text and people search them, so the Markdown reads well
unrendered too: failing checks first, each with its findings; checks that passed with
warnings next; every other check in one folded list. Every piece of text a researcher could
have written (messages quote DMP values, paths name their files) goes through `mdtext`: values
in code spans, risky words of prose in code spans of their own, never a character reference.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from dgbot.records import CheckResult, Finding, Severity, Status, Verdict
from dgbot.render.mdtext import code_span, escape_markdown
from dgbot.render.status import count_checks, describe_counts
from dgbot.words import N_, _, join, ngettext

FileUrl = Callable[[str, int | None], str]
ISSUE_BODY_LIMIT = 60_000  # characters; GitHub refuses issue bodies over 65,536 (room for a marker)
STEP_SUMMARY_LIMIT = 262_144  # characters; 1 MiB per step summary even at 4 bytes a character
FIELD_LIMIT = 2_000  # characters of one message or hint before escaping

# English here, translated where shown (dgbot.words).
_WORD = {
    Status.SUCCESS: N_("Passed"),
    Status.FAILURE: N_("Failed"),
    Status.ERROR: N_("Error"),
    Status.SKIPPED: N_("Skipped"),
}
_HEADING = {
    Status.FAILURE: N_("Failed"),
    Status.ERROR: N_("Could not run"),
    Status.SUCCESS: N_("Passed with warnings"),
}
_CHECK_WORD = {
    Status.SUCCESS: N_("passed"),
    Status.FAILURE: N_("failed"),
    Status.ERROR: N_("could not run"),
    Status.SKIPPED: N_("skipped"),
}
_SEVERITY = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning"), Severity.NOTICE: N_("notice")}
FIX_ERRORS = N_("Fix the errors listed below and push again; warnings and notices do not fail the checks.")
NOT_FINISHED = N_("dgbot could not finish every check, so this verdict is not a pass; see below.")
FOLDED = N_("{count}: {about}")
SHORTENED = N_("**{shown} not shown**: this report was shortened; the verdict JSON lists every finding.")


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
    """`path:line:column` and the JSON path as code spans; the file part a link when `file_url` is given."""
    loc = finding.location
    json_path = code_span(loc.json_path) if loc.json_path else ""
    if loc.path is None:
        return json_path
    label = code_span(loc.path + "".join(f":{n}" for n in (loc.line, loc.column) if n is not None))
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
        facts.append(_("plan {path}").format(path=code_span(str(plan["path"]))) + profile)
    if verdict.commit:
        facts.append(_("commit {sha}").format(sha=code_span(verdict.commit[:7])))
    facts.append(f"dgbot {escape_markdown(verdict.dgbot_version)}")
    heading = _("dgbot verdict: {status}").format(status=_(_WORD[verdict.status]))
    lines = [f"### {heading}", "", " · ".join(facts)]
    if verdict.status is Status.FAILURE:
        lines += ["", _(FIX_ERRORS)]
    elif verdict.status is Status.ERROR:
        lines += ["", _(NOT_FINISHED)]
    return lines


def _name(check: CheckResult) -> str:
    return f"{escape_markdown(_(check.title))} ({code_span(check.id)})"


def _opening(check: CheckResult) -> str:
    """A shown check's heading, what it verifies, and why it could not run."""
    about = describe_counts(check.counts())
    heading = f"#### {_(_HEADING[check.status])}: {_name(check)}" + (f" · {about}" if about else "")
    lines = [heading, ""]
    if check.description:
        lines += [_field(_(check.description)), ""]
    if check.crashed is not None:
        lines += [_("dgbot could not run this check: {reason}").format(reason=_field(check.crashed)), ""]
    return "\n".join(lines) + "\n"


def _item(check: CheckResult) -> str:
    """A folded check on one line: status, name, counts or why it was skipped."""
    about = describe_counts(check.counts()) or _("no findings")
    if check.skipped is not None:
        about = _field(check.skipped)
    return f"- {_(_CHECK_WORD[check.status])} · {_name(check)} · {about}"


def _shown(check: CheckResult) -> bool:
    """Failing checks and those with warnings are shown open; the rest are folded in one list."""
    if check.status is Status.SUCCESS:
        return bool(check.counts()["warning"])
    return check.status in (Status.FAILURE, Status.ERROR)


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
    order = {Status.FAILURE: 0, Status.ERROR: 0, Status.SUCCESS: 1}
    shown = sorted((c for c in checks if _shown(c)), key=lambda c: order[c.status])
    blocks = []
    for check in shown:
        opening = _opening(check)
        if not budget.take(opening, drop=len(check.findings)):
            continue
        items = [line for f in check.findings if budget.take(line := render_finding(f, file_url))]
        blocks.append((opening + "\n".join(items)).rstrip("\n"))
    folded = [c for c in checks if not _shown(c)]
    if folded:
        blocks.append(_folded(folded, budget, file_url))
    return blocks


def _folded(checks: list[CheckResult], budget: _Budget, file_url: FileUrl | None) -> str:
    passed = sum(c.status is Status.SUCCESS for c in checks)
    skipped = sum(c.status is Status.SKIPPED for c in checks)
    about = join(
        [
            *([_("{count} passed").format(count=passed)] if passed else []),
            *([_("{count} skipped").format(count=skipped)] if skipped else []),
        ]
    )
    summary = _(FOLDED).format(count=count_checks(len(checks)), about=about)
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    budget.take("\n".join([*lines, "", "</details>"]), drop=0)  # the fold itself always fits: room was kept
    for check in checks:
        if not budget.take(item := _item(check), drop=len(check.findings)):
            continue
        found = [line for f in check.findings if budget.take(line := render_finding(f, file_url))]
        lines.append("\n".join([item, *("  " + row.replace("\n", "\n  ") for row in found)]))
    return "\n".join([*lines, "", "</details>"])


def render_markdown(
    verdict: Verdict, *, file_url: FileUrl | None = None, limit: int = ISSUE_BODY_LIMIT
) -> str:
    """The verdict in at most `limit` characters: summary, failing checks first, the rest folded.

    `file_url(path, line)` turns a location into a link to the file at the verdict's
    commit; without it locations are shown as `path:line`.
    """
    head = "\n".join([*_summary(verdict), ""]) + "\n"
    budget = _Budget(limit - len(head) - 200)  # 200: room for the note on what was left out
    blocks = _details(verdict.checks, budget, file_url)
    text = head + "\n\n".join(blocks) + "\n"
    if budget.dropped:
        shown = ngettext("{count} more finding", "{count} more findings", budget.dropped)
        text += "\n" + _(SHORTENED).format(shown=shown.format(count=budget.dropped)) + "\n"
    return text if len(text) <= limit else _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    """Last resort for a summary that alone exceeds the limit: whole lines only."""
    note = "\n\n**" + _("Report cut to fit") + "**: " + _("the verdict JSON lists every finding.") + "\n"
    kept = text[: max(0, limit - len(note))]
    return kept[: kept.rfind("\n") + 1] + note.lstrip("\n")
