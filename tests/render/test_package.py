"""The render package: every format from one import, each a pure function of the verdict."""

from __future__ import annotations

import json

import dgbot.render
from dgbot.records import Verdict
from dgbot.render import render_json


def test_every_format_is_exported() -> None:
    assert set(dgbot.render.__all__) >= {
        "escape_markdown",
        "render_codequality",
        "render_json",
        "render_junit",
        "render_markdown",
        "render_sarif",
        "render_text",
        "status_payload",
    }


def test_render_json_is_still_where_it_was(failing: Verdict) -> None:
    assert json.loads(render_json(failing))["status"] == "error"


def test_rendering_leaves_the_verdict_as_it_was(any_verdict: Verdict) -> None:
    before = any_verdict.to_dict()
    for render in (dgbot.render.render_markdown, dgbot.render.render_junit, dgbot.render.render_codequality):
        render(any_verdict)
    dgbot.render.render_sarif(any_verdict, tool_version="0.1.0")
    dgbot.render.status_payload(any_verdict)
    assert any_verdict.to_dict() == before
