"""The verdict as SARIF 2.1.0, in the subset GitHub code scanning accepts."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from dgbot.records import CheckResult, Finding, Severity, Status, Verdict, fingerprint_findings
from dgbot.render.codequality import dump_json, report_path
from dgbot.render.escape import visible

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
MAX_RESULTS = 25_000  # GitHub refuses a run with more results
FINGERPRINT_KEY = "dgbotFinding/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}
_LINK_SYNTAX = re.compile(r"([\\\[\]])")
_NOT_BYTES = re.compile("[\ud800-\udc7f\udd00-\udfff]")  # lone surrogates that are no escaped byte


def sarif_text(text: str) -> str:
    """Plain SARIF message text on one line, `[`, `]` and `\\` escaped so no embedded link forms (§3.11.6)."""
    return _LINK_SYNTAX.sub(r"\\\1", visible(text))


def with_hint(message: str, hint: str | None) -> str:
    """The message, then its hint as a sentence of its own: `...is missing. Hint: add it`."""
    if not hint:
        return message
    if not message:
        return f"Hint: {hint}"
    end = "" if message.endswith((".", "!", "?")) else "."
    return f"{message}{end} Hint: {hint}"


def artifact_uri(path: str) -> str:
    """A repository path as a relative URI; an undecodable file name keeps its bytes (%xx)."""
    return quote(_NOT_BYTES.sub("\ufffd", path), errors="surrogateescape")


def _rule_level(check: CheckResult) -> str:
    """The check's default severity as a SARIF level, whatever this run found.

    A rule's default is what the check reports a problem as (`formats` warns, `volume` errs),
    not the worst finding of one run; checks outside the registry (the plan's own, a stage) err.
    """
    from dgbot.checks import REGISTRY  # only when SARIF is written: `dgbot validate` stays light

    registered = REGISTRY.get(check.id)
    return _LEVEL[registered.severity] if registered is not None else "error"


def _rule(check: CheckResult) -> dict[str, Any]:
    return {
        "id": check.id,
        "shortDescription": {"text": visible(check.title)},
        "fullDescription": {"text": visible(check.description or check.title)},
        "defaultConfiguration": {"level": _rule_level(check)},
    }


def _location(verdict: Verdict, finding: Finding) -> dict[str, Any]:
    loc = finding.location
    region = {"startLine": loc.line or 1}  # GitHub needs a line; unknown means the file's first
    if loc.line is not None and loc.column is not None:
        region["startColumn"] = loc.column
    physical = {"artifactLocation": {"uri": artifact_uri(report_path(verdict, finding))}, "region": region}
    located: dict[str, Any] = {"physicalLocation": physical}
    if loc.json_path:
        located["logicalLocations"] = [{"fullyQualifiedName": loc.json_path, "kind": "member"}]
    return located


def _result(check_id: str, rule_index: int, location: dict[str, Any], finding: Finding) -> dict[str, Any]:
    message = with_hint(finding.message, finding.hint)
    return {
        "ruleId": check_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": sarif_text(message)},
        "locations": [location],
        "properties": {"check": finding.check, "rule": finding.rule},
    }


def _notifications(verdict: Verdict, omitted: int) -> list[dict[str, Any]]:
    notes = []
    for check in verdict.checks:
        if check.status is Status.ERROR:
            text, level = f"The check {check.id} could not run: {check.crashed}", "error"
        elif check.status is Status.SKIPPED:
            text, level = f"The check {check.id} was skipped: {check.skipped}", "note"
        else:
            continue
        notes.append({"level": level, "message": {"text": sarif_text(text)}, "descriptor": {"id": check.id}})
    if omitted:
        text = f"{omitted} less severe results were left out: GitHub accepts {MAX_RESULTS} per run"
        notes.append({"level": "warning", "message": {"text": sarif_text(text)}})
    return notes


def _results(verdict: Verdict, index: dict[str, int]) -> tuple[list[dict[str, Any]], int]:
    """Results in verdict order; past GitHub's limit the least severe are left out."""
    owners = [check.id for check in verdict.checks for _ in check.findings]
    findings = verdict.findings
    prints = fingerprint_findings(findings)
    chosen = sorted(sorted(range(len(findings)), key=lambda i: _RANK[findings[i].severity])[:MAX_RESULTS])
    results = []
    for i in chosen:
        result = _result(owners[i], index[owners[i]], _location(verdict, findings[i]), findings[i])
        result["partialFingerprints"] = {FINGERPRINT_KEY: prints[i]}
        results.append(result)
    return results, len(findings) - len(chosen)


def _facts(verdict: Verdict) -> dict[str, Any]:
    facts: dict[str, Any] = {"verdict": verdict.status.value, "commit": verdict.commit}
    if verdict.plan is not None:
        facts["plan"] = dict(verdict.plan)
    return {key: value for key, value in facts.items() if value is not None}


def render_sarif(verdict: Verdict, *, tool_version: str) -> str:
    """A SARIF 2.1.0 log with one run: a rule per check, a result per finding."""
    rules: dict[str, dict[str, Any]] = {}
    for check in verdict.checks:
        rules.setdefault(check.id, _rule(check))
    index = {rule_id: i for i, rule_id in enumerate(rules)}
    results, omitted = _results(verdict, index)
    invocation = {
        "executionSuccessful": verdict.status is not Status.ERROR,
        "toolExecutionNotifications": _notifications(verdict, omitted),
    }
    run = {
        "tool": {"driver": {"name": "dgbot", "version": tool_version, "rules": list(rules.values())}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": _facts(verdict),
    }
    return dump_json({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
