"""The verdict as a GitLab Code Quality report (the Code Climate subset GitLab reads)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dgbot.records import CheckResult, Finding, Severity, Status, Verdict, fingerprint_findings
from dgbot.render.escape import json_text, visible

FALLBACK_PATH = "dmp.json"  # where a finding with no file points when the verdict names no plan
_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "minor", Severity.NOTICE: "info"}
_CRASHED = "blocker"  # a check that could not run hides whatever it would have found


def report_path(verdict: Verdict, finding: Finding | None = None) -> str:
    """The file a report points at: the finding's own, else the plan's, else `dmp.json`.

    Code Quality and code scanning both need a file for every entry; a finding without
    one (e.g. the total data volume) is about the repository's plan.
    """
    if finding is not None and finding.location.path:
        return finding.location.path
    plan_path = (verdict.plan or {}).get("path")
    return str(plan_path) if plan_path else FALLBACK_PATH


def dump_json(data: Any) -> str:
    """Stable, inert JSON text; lone surrogates (from a JSON plan's escapes) become U+FFFD."""
    return json_text(data, replace_surrogates=True)


def _description(finding: Finding) -> str:
    json_path = finding.location.json_path
    if json_path and json_path not in finding.message:
        return visible(f"{json_path}: {finding.message}")
    return visible(finding.message)


def _issue(verdict: Verdict, finding: Finding, fingerprint: str) -> dict[str, Any]:
    return {
        "description": _description(finding),
        "check_name": f"dgbot/{finding.check}/{finding.rule}",
        "fingerprint": fingerprint,
        "severity": _SEVERITY[finding.severity],
        "location": {"path": report_path(verdict, finding), "lines": {"begin": finding.location.line or 1}},
    }


def _crash(verdict: Verdict, check: CheckResult) -> dict[str, Any]:
    key = json.dumps(["dgbot/v1", "crashed", check.id])
    return {
        "description": visible(f"dgbot could not run the check {check.id} ({check.title}): {check.crashed}"),
        "check_name": f"dgbot/{check.id}/crashed",
        "fingerprint": hashlib.sha256(key.encode()).hexdigest(),
        "severity": _CRASHED,
        "location": {"path": report_path(verdict), "lines": {"begin": 1}},
    }


def render_codequality(verdict: Verdict) -> str:
    """A JSON array of issues, one per finding and one per check that could not run."""
    findings = verdict.findings
    issues = [_issue(verdict, f, fp) for f, fp in zip(findings, fingerprint_findings(findings), strict=True)]
    issues += [_crash(verdict, c) for c in verdict.checks if c.status is Status.ERROR]
    return dump_json(issues)
