"""One entry point for every report format, used by `dgbot check` and `dgbot ci` alike."""

from __future__ import annotations

from collections.abc import Callable

from dgbot import __version__
from dgbot.choices import REPORT_FILES, REPORTS
from dgbot.records import Verdict
from dgbot.render.codequality import render_codequality
from dgbot.render.escape import json_text
from dgbot.render.junit import render_junit
from dgbot.render.markdown import render_markdown
from dgbot.render.sarif import render_sarif
from dgbot.render.status import status_payload
from dgbot.render.text import render_json, render_text


def _status(verdict: Verdict) -> str:
    return json_text(status_payload(verdict))


_RENDERERS: dict[str, Callable[[Verdict], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "junit": render_junit,
    "codequality": render_codequality,
    "sarif": lambda v: render_sarif(v, tool_version=__version__),
    "status": _status,
}


__all__ = ["REPORTS", "REPORT_FILES", "render_report"]


def render_report(verdict: Verdict, fmt: str, colour: bool = False) -> str:
    """The verdict in one of REPORTS (colour applies to text only)."""
    if fmt == "text":
        return render_text(verdict, colour, whole_run=True)
    return _RENDERERS[fmt](verdict)
