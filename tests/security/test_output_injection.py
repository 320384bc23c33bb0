"""Workflow-command, section-marker and terminal injection through what dgbot prints, end to end.

The hostile repository names files `x\\n::error::owned` and one full of ESC sequences, and its
plan gives a dataset a title that is a forged annotation and a path that is a command. A real
`dgbot ci` under GitHub Actions must print only its own annotations, keep every repository
value on its line and escaped, and set exactly its own step outputs.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ci.conftest import make_repository
from dgbot.notebooks.execution import Execution, Job, Outcome
from dgbot.record.console import render_run, terminal_progress
from dgbot.record.run import RunReport
from dgbot.render.escape import visible

from .runner_log import assert_inert, parse_annotation, parse_output_file

NEWLINE_FILE = "input_data/x\n::error::owned"
# an extension of its own: the formats check names it apart from the file above (one finding per kind)
ESC_FILE = "output_data/e\x1b[31mred\x1b]0;title\x07\x1b[2J.bin"
TITLE = "D\n::error file=dmp.json::forged\r\x1b[0K ##[add-mask]verdict \u2028::warning::ls \u202eevil"
PATH = "::stop-commands::dgbot"  # a dataset path the repository does not have
OUTPUTS = {"verdict", "report-dir", "errors", "warnings", "notices", "summary"}
DGBOT = Path(sys.executable).with_name("dgbot")


def _git(repo: Path, *args: str) -> None:
    git = ["git", "-c", "user.name=A", "-c", "user.email=a@example.org"]
    subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)


def _hostile_repository(target: Path) -> Path:
    repo = make_repository(target)
    for name in (NEWLINE_FILE, ESC_FILE):
        (repo / name).write_text("1\n", encoding="utf-8")
    plan = json.loads((repo / "dmp.json").read_text(encoding="utf-8"))
    plan["datasets"].append({**plan["datasets"][1], "title": TITLE, "path": PATH})
    (repo / "dmp.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "hostile")
    return repo


def _local_env() -> dict[str, str]:
    """This process's environment without the variables of the CI the suite itself may run in."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB", "CI"))}


def _runner_env(tmp_path: Path, repo: Path) -> dict[str, str]:
    env = _local_env() | {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(repo), "NO_COLOR": "1"}
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        (tmp_path / name).write_text("")
        env[name] = str(tmp_path / name)
    return env


def test_dgbot_ci_under_github_actions_prints_no_injected_command(tmp_path: Path) -> None:
    repo = _hostile_repository(tmp_path / "repo")
    env = _runner_env(tmp_path, repo)
    done = subprocess.run(
        [str(DGBOT), "ci", str(repo), "--stages", "validate,drift,check"],
        env=env,
        capture_output=True,
        timeout=300,
    )
    stdout, stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 1, stderr  # the dataset path is missing: a governance failure
    annotations = assert_inert(stdout, annotations=True)
    assert_inert(stderr)
    kinds = [parse_annotation(line)[0] for line in annotations]
    assert "error" in kinds and "warning" in kinds  # the real findings, and nothing else
    for line in annotations:
        assert line.startswith(("::error file=dmp.json,", "::warning file=", "::notice "))
    assert "input_data/x\\n::error::owned" in stdout  # the file is named, escaped
    assert "e\\x1b[31mred\\x1b]0;title\\x07\\x1b[2J" in stdout
    assert visible(TITLE) in stdout and f"at {PATH}," in stdout  # a command only at a line's start
    outputs = parse_output_file((tmp_path / "GITHUB_OUTPUT").read_bytes().decode("utf-8"))
    assert set(outputs) == OUTPUTS and outputs["verdict"] == "failure"
    assert_inert((tmp_path / "GITHUB_STEP_SUMMARY").read_text(encoding="utf-8"))


def test_report_files_name_hostile_files_escaped_and_parse(tmp_path: Path) -> None:
    repo = _hostile_repository(tmp_path / "repo")
    command = [str(DGBOT), "ci", str(repo), "--stages", "validate,check", "-q"]
    subprocess.run(command, env=_local_env(), capture_output=True, timeout=300)
    reports = repo / ".dgbot" / "report"
    text = (reports / "report.txt").read_text(encoding="utf-8")
    junit = (reports / "junit.xml").read_text(encoding="utf-8")
    for report in (text, junit):
        assert_inert(report)
        assert "input_data/x\\n::error::owned" in report
    assert not any(line.startswith("::") for line in text.splitlines())
    ET.fromstring(junit.encode("utf-8"))
    for name in ("verdict.json", "dgbot.sarif", "gl-code-quality-report.json", "status.json"):
        assert_inert((reports / name).read_text(encoding="utf-8"))
        json.loads((reports / name).read_text(encoding="utf-8"))
    verdict = json.loads((reports / "verdict.json").read_text(encoding="utf-8"))
    paths = {f["path"] for c in verdict["checks"] for f in c["findings"]}
    assert NEWLINE_FILE in paths  # the verdict JSON keeps the exact name, as data


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_run_progress_and_summary_show_notebook_names_escaped(tmp_path: Path) -> None:
    name = "source/\x1b]0;owned\x07\n::error::nb.ipynb"
    terminal = _Terminal()
    progress = terminal_progress(terminal, verbose=False, environ={})
    assert progress is not None
    progress(name, 0, 3)
    live = terminal.getvalue()
    assert live.startswith("\r\x1b[K") and "\x07" not in live and "\n" not in live  # only dgbot's own
    assert_inert(live.removeprefix("\r\x1b[K"))
    job = Job(tmp_path / "a.ipynb", tmp_path / "b.ipynb", name)
    failed = Execution(job, Outcome.FAILED, "t0", "t1", 1.0, message="ValueError: \x1b[2J\n::add-mask::x")
    report = RunReport((failed,), (), tmp_path / "provenance\n::error::p.json", None)
    assert_inert(render_run(report, "repo\u2028::warning::x"))
    log = io.StringIO()
    progress = terminal_progress(log, verbose=True, environ={"CI": "true"})
    assert progress is not None
    progress(name, 1, 3)
    assert_inert(log.getvalue())
    assert log.getvalue().count("\n") == 1


@pytest.mark.parametrize("first", ["import logging; from dgbot import cli", "from dgbot import cli"])
def test_library_warnings_are_printed_escaped(first: str) -> None:
    """Escaped whether logging was imported before dgbot set up its streams or only after."""
    script = (
        f"{first}; cli.robust_streams(); import logging; "
        "logging.getLogger('papermill').warning('Passed unknown parameter: %s', 'p\\n::error::owned\\x1b[2J')"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stderr == "Passed unknown parameter: p\\n::error::owned\\x1b[2J\n"
