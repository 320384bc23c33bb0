"""Rendering a Verdict: pure functions from the verdict to each report format."""

from __future__ import annotations

from dgbot.render.annotations import render_annotations
from dgbot.render.codequality import render_codequality
from dgbot.render.junit import render_junit
from dgbot.render.markdown import ISSUE_BODY_LIMIT, STEP_SUMMARY_LIMIT, render_markdown
from dgbot.render.mdtext import escape_markdown
from dgbot.render.report import REPORT_FILES, REPORTS, render_report
from dgbot.render.sarif import render_sarif
from dgbot.render.status import status_payload
from dgbot.render.text import render_json, render_text

__all__ = [
    "ISSUE_BODY_LIMIT",
    "REPORTS",
    "REPORT_FILES",
    "STEP_SUMMARY_LIMIT",
    "escape_markdown",
    "render_annotations",
    "render_codequality",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_report",
    "render_sarif",
    "render_text",
    "status_payload",
]
