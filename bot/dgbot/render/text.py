"""Rendering a Verdict: pure functions from the verdict to text and JSON."""

from __future__ import annotations

from dgbot.records import Finding, Severity, Status, Verdict
from dgbot.render.escape import json_text, visible
from dgbot.render.status import count_severity
from dgbot.render.verdictline import describe_run
from dgbot.words import N_, _, join

_MARK = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning"), Severity.NOTICE: N_("notice")}
_COLOUR = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTICE: "36"}
_STATUS_COLOUR = {
    Status.SUCCESS: "32",
    Status.FAILURE: "31",
    Status.ERROR: "35",
    Status.SKIPPED: "37",
}


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def severity_label(severity: Severity) -> str:
    """`error`, `warning` or `notice` in the run's language."""
    return _(_MARK[severity])


def render_finding(finding: Finding, colour: bool = False) -> str:
    """The location on one line, the message under it: repository text always `visible`."""
    where = visible(finding.location) or _("(no file)")
    label = _paint(severity_label(finding.severity), _COLOUR[finding.severity], colour)
    lines = [f"{where}", f"    {label}: {visible(finding.message)}"]
    if finding.hint:
        lines.append(f"    ({visible(finding.hint)})")
    return "\n".join(lines)


def _summary(verdict: Verdict) -> str:
    counts = verdict.counts()
    parts = [count_severity(s, counts[s.value]) for s in Severity if counts[s.value]]
    plan = verdict.plan or {}
    subject = f"{plan['path']} ({plan['schema']})" if plan.get("schema") else plan.get("path", _("the plan"))
    failing = [c for c in verdict.checks if c.status in (Status.FAILURE, Status.ERROR)]
    if failing and failing[0].id != "dmp":
        subject = _(failing[0].title)
    subject = visible(subject)
    tail = f": {join(parts)}" if parts else ""
    return {
        Status.SUCCESS: _("valid: {subject}"),
        Status.FAILURE: _("invalid: {subject}"),
        Status.ERROR: _("dgbot could not finish checking {subject}"),
        Status.SKIPPED: _("nothing checked"),
    }[verdict.status].format(subject=subject) + tail


def render_findings(verdict: Verdict, colour: bool = False, quiet: bool = False) -> list[str]:
    """Every finding located (errors only when `quiet`), and each check that could not run."""
    blocks: list[str] = []
    for check in verdict.checks:
        if check.crashed:
            said = _("{check}: internal error: {reason}").format(check=_(check.title), reason=check.crashed)
            blocks.append(visible(said))
        for finding in check.findings:
            if quiet and finding.severity is not Severity.ERROR:
                continue
            blocks.append(render_finding(finding, colour))
    return blocks


def render_text(
    verdict: Verdict, colour: bool = False, quiet: bool = False, *, whole_run: bool = False
) -> str:
    """A report for a terminal: every finding located, then a one-line summary.

    The summary judges the plan (`valid: dmp.json ...`), or with `whole_run` the whole run
    of checks (`failed: structure (3 errors); 8 passed`), as `dgbot check` and `ci` end.
    """
    line = describe_run(verdict) if whole_run else _summary(verdict)
    summary = _paint(line, _STATUS_COLOUR[verdict.status], colour)
    return "\n".join([*render_findings(verdict, colour, quiet), summary]) + "\n"


def render_json(verdict: Verdict) -> str:
    """The verdict JSON documented by schemas/verdict.schema.json (stable key order)."""
    return json_text(verdict.to_dict())
