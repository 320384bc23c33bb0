"""A verdict as a GitHub check run: conclusion, summary and one annotation per finding."""

from __future__ import annotations

from typing import Any

from dgbot.forges.base import Annotation
from dgbot.records import Finding, Severity, Status, Verdict
from dgbot.render import render_markdown
from dgbot.render.codequality import report_path
from dgbot.render.status import describe_verdict, shorten
from dgbot.words import _

CHECK_RUN_NAME = "dgbot"
SUMMARY_LIMIT = 65_535  # characters of output.summary
ANNOTATION_LIMIT = 50  # annotations per request
MESSAGE_LIMIT = 64_000  # characters of one annotation message (GitHub: 64 KB)
_LEVEL = {Severity.ERROR: "failure", Severity.WARNING: "warning", Severity.NOTICE: "notice"}
_CONCLUSION = {Status.SUCCESS: "success", Status.FAILURE: "failure", Status.ERROR: "failure"}


def annotation(verdict: Verdict, finding: Finding) -> Annotation:
    where = f" ({finding.location.json_path})" if finding.location.json_path else ""
    hint = "\n" + _("hint: {hint}").format(hint=finding.hint) if finding.hint else ""
    message = f"{finding.message}{where}{hint}"
    return Annotation(
        path=report_path(verdict, finding),
        line=finding.location.line or 1,
        level=_LEVEL[finding.severity],
        message=message[:MESSAGE_LIMIT],
        title=f"{finding.check}/{finding.rule}",
    )


def check_run_for(verdict: Verdict, external_id: str) -> dict[str, Any]:
    """Keyword arguments of ChecksForge.post_check_run for this verdict."""
    return {
        "name": CHECK_RUN_NAME,
        "external_id": external_id,
        "conclusion": _CONCLUSION.get(verdict.status, "failure"),
        "title": shorten(describe_verdict(verdict), 255),
        "summary": render_markdown(verdict, limit=SUMMARY_LIMIT),
        "annotations": [annotation(verdict, f) for f in verdict.findings],
    }
