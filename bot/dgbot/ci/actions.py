"""What a GitHub Actions step gets from `dgbot ci`: job summary, annotations and step outputs."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from dgbot.records import Verdict
from dgbot.render import STEP_SUMMARY_LIMIT, render_annotations, render_markdown


def _relative_to_workspace(root: Path, workspace: Path | None) -> str:
    """The repository's folder inside the workspace ("" at its top), so annotations find files."""
    if workspace is None:
        return ""
    try:
        inside = root.resolve().relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if inside == "." else f"{inside}/"


def _append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8", errors="backslashreplace") as stream:
        stream.write(text)


def _delimiter(value: str) -> str:
    """A heredoc delimiter the value does not contain, so no line of it can end the value early."""
    while (delimiter := f"dgbot_{secrets.token_hex(16)}") in value:
        pass  # 128 random bits: a repository cannot guess one, and a repeat is never expected
    return delimiter


def _output_lines(outputs: Mapping[str, str]) -> str:
    """GITHUB_OUTPUT lines; a value with a line break uses the heredoc form with a random delimiter."""
    lines = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = _delimiter(value)
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            lines.append(f"{name}={value}\n")
    return "".join(lines)


def report_to_actions(
    verdict: Verdict,
    root: Path,
    workspace: Path | None,
    outputs: Mapping[str, str],
    environ: Mapping[str, str],
    stream: TextIO,
) -> None:
    """Append the summary, set the outputs and print annotations, as the runner documents them."""
    prefix = _relative_to_workspace(root, workspace)
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append(summary, render_markdown(verdict, limit=STEP_SUMMARY_LIMIT))
    output = environ.get("GITHUB_OUTPUT")
    if output:
        _append(output, _output_lines(outputs))
    for line in render_annotations(verdict, path_of=lambda path: f"{prefix}{path}"):
        stream.write(line + os.linesep)
