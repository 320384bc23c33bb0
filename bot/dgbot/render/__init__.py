"""Rendering a Verdict: pure functions from the verdict to each report format.

Each name is imported from its module on first use (PEP 562), so a command that writes one
report, or only escapes text (`dgbot.render.escape`), does not import every renderer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dgbot.render.annotations import render_annotations
    from dgbot.render.codequality import render_codequality
    from dgbot.render.junit import render_junit
    from dgbot.render.markdown import ISSUE_BODY_LIMIT, STEP_SUMMARY_LIMIT, render_markdown
    from dgbot.render.mdtext import escape_markdown
    from dgbot.render.report import REPORT_FILES, REPORTS, render_report
    from dgbot.render.sarif import render_sarif
    from dgbot.render.status import status_payload
    from dgbot.render.text import render_json, render_text

_MODULES = {
    "ISSUE_BODY_LIMIT": "markdown",
    "REPORTS": "report",
    "REPORT_FILES": "report",
    "STEP_SUMMARY_LIMIT": "markdown",
    "escape_markdown": "mdtext",
    "render_annotations": "annotations",
    "render_codequality": "codequality",
    "render_json": "text",
    "render_junit": "junit",
    "render_markdown": "markdown",
    "render_report": "report",
    "render_sarif": "sarif",
    "render_text": "text",
    "status_payload": "status",
}

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


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
