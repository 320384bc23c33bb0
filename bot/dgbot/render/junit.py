"""The verdict as JUnit XML: one test case per check (GitLab test reports, CI dashboards)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dgbot.records import CheckResult, Finding, Severity, Status, Verdict
from dgbot.render.escape import visible  # also every character XML 1.0 cannot carry
from dgbot.render.status import describe_counts
from dgbot.render.text import severity_label
from dgbot.words import _, ngettext

SUITE = "dgbot"
LISTED_LIMIT = 1_000  # findings written per test case; GitLab reads report files under 30 MB


def _line(finding: Finding) -> str:
    """One finding on one line (its hint on the next): repository text never starts a line."""
    where = visible(finding.location) or _("(no file)")
    rule = visible(f"{finding.check}/{finding.rule}")
    text = f"{where}: {severity_label(finding.severity)}: {visible(finding.message)} [{rule}]"
    return text + ("\n    " + _("hint: {hint}").format(hint=visible(finding.hint)) if finding.hint else "")


def _listing(findings: list[Finding]) -> str:
    lines = [_line(f) for f in findings[:LISTED_LIMIT]]
    if len(findings) > LISTED_LIMIT:
        more = len(findings) - LISTED_LIMIT
        note = ngettext("{count} more finding not listed", "{count} more findings not listed", more)
        lines.append("... " + note.format(count=more))
    return "\n".join(lines)


def _case(suite: ET.Element, check: CheckResult) -> None:
    case = ET.SubElement(
        suite, "testcase", {"classname": visible(f"{SUITE}.{check.id}"), "name": visible(check.title)}
    )
    errors = [f for f in check.findings if f.severity is Severity.ERROR]
    others = [f for f in check.findings if f.severity is not Severity.ERROR]
    if check.status is Status.ERROR:
        attributes = {"message": visible(check.crashed or ""), "type": "InternalError"}
        crash = ET.SubElement(case, "error", attributes)
        said = _("dgbot could not run the check {check}: {reason}").format(
            check=check.id, reason=check.crashed
        )
        crash.text = visible(said)
    elif check.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": visible(check.skipped or "")})
    elif errors:
        summary = f"{_(check.title)}: {describe_counts(check.counts())}"
        failure = ET.SubElement(case, "failure", {"message": visible(summary), "type": "GovernanceFailure"})
        failure.text = _listing(errors)
    if others:
        ET.SubElement(case, "system-out").text = _listing(others)


def _totals(checks: tuple[CheckResult, ...]) -> dict[str, str]:
    def count(status: Status) -> str:
        return str(sum(c.status is status for c in checks))

    return {
        "tests": str(len(checks)),
        "failures": count(Status.FAILURE),
        "errors": count(Status.ERROR),
        "skipped": count(Status.SKIPPED),
    }


def _properties(suite: ET.Element, verdict: Verdict) -> None:
    plan = verdict.plan or {}
    facts = {
        "dgbot_version": verdict.dgbot_version,
        "repository": verdict.repository,
        "commit": verdict.commit,
        "plan_path": plan.get("path"),
        "plan_sha256": plan.get("sha256"),
        "plan_schema": plan.get("schema"),
    }
    properties = ET.SubElement(suite, "properties")
    for name, value in facts.items():
        if value is not None:
            ET.SubElement(properties, "property", {"name": name, "value": visible(str(value))})


def render_junit(verdict: Verdict) -> str:
    """JUnit XML: suite `dgbot`, a case per check; failure, error or skipped as the check ended."""
    totals = _totals(verdict.checks)
    root = ET.Element("testsuites", {"name": SUITE, **totals})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **totals})
    _properties(suite, verdict)
    for check in verdict.checks:
        _case(suite, check)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
