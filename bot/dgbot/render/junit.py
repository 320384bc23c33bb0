"""The verdict as JUnit XML: one test case per check (GitLab test reports, CI dashboards)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dgbot.records import CheckResult, Finding, Severity, Status, Verdict
from dgbot.render.status import describe_counts, plural

SUITE = "dgbot"
LISTED_LIMIT = 1_000  # findings written per test case; GitLab reads report files under 30 MB
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """`text` with the characters XML 1.0 cannot carry (controls, lone surrogates) replaced."""
    return _NOT_XML.sub("\ufffd", text)


def _line(finding: Finding) -> str:
    where = str(finding.location) or "(no file)"
    text = f"{where}: {finding.severity.value}: {finding.message} [{finding.check}/{finding.rule}]"
    return text + (f"\n    hint: {finding.hint}" if finding.hint else "")


def _listing(findings: list[Finding]) -> str:
    lines = [_line(f) for f in findings[:LISTED_LIMIT]]
    if len(findings) > LISTED_LIMIT:
        lines.append(f"... {plural(len(findings) - LISTED_LIMIT, 'more finding')} not listed")
    return _xml("\n".join(lines))


def _case(suite: ET.Element, check: CheckResult) -> None:
    case = ET.SubElement(
        suite, "testcase", {"classname": _xml(f"{SUITE}.{check.id}"), "name": _xml(check.title)}
    )
    errors = [f for f in check.findings if f.severity is Severity.ERROR]
    others = [f for f in check.findings if f.severity is not Severity.ERROR]
    if check.status is Status.ERROR:
        crash = ET.SubElement(case, "error", {"message": _xml(check.crashed or ""), "type": "InternalError"})
        crash.text = _xml(f"dgbot could not run the check {check.id}: {check.crashed}")
    elif check.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": _xml(check.skipped or "")})
    elif errors:
        summary = f"{check.title}: {describe_counts(check.counts())}"
        failure = ET.SubElement(case, "failure", {"message": _xml(summary), "type": "GovernanceFailure"})
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
            ET.SubElement(properties, "property", {"name": name, "value": _xml(str(value))})


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
