"""One entry point for every report format, used by `dgbot check` and `dgbot ci` alike."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from dgbot import __version__
from dgbot.choices import REPORT_FILES, REPORTS

if TYPE_CHECKING:
    from dgbot.records import Verdict


def _status(verdict: Verdict) -> str:
    from dgbot.render.escape import json_text
    from dgbot.render.status import status_payload

    return json_text(status_payload(verdict))


def _sarif(verdict: Verdict) -> str:
    from dgbot.render.sarif import render_sarif

    return render_sarif(verdict, tool_version=__version__)


# Each format's module is imported when that format is asked for: a run writes one or two.
_RENDERERS: dict[str, tuple[str, str] | Callable[[Verdict], str]] = {
    "text": ("text", "render_text"),
    "json": ("text", "render_json"),
    "markdown": ("markdown", "render_markdown"),
    "junit": ("junit", "render_junit"),
    "codequality": ("codequality", "render_codequality"),
    "sarif": _sarif,
    "status": _status,
}


__all__ = ["REPORTS", "REPORT_FILES", "render_report"]


def render_report(verdict: Verdict, fmt: str, colour: bool = False) -> str:
    """The verdict in one of REPORTS (colour applies to text only)."""
    renderer = _RENDERERS[fmt]
    if isinstance(renderer, tuple):
        module, name = renderer
        renderer = getattr(import_module(f"dgbot.render.{module}"), name)
    if fmt == "text":
        return renderer(verdict, colour, whole_run=True)  # type: ignore[call-arg]
    return renderer(verdict)
