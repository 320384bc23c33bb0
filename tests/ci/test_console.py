"""What `dgbot ci` prints: each stage says what it did, where the reports are, the whole verdict last."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from conftest import REPO_ROOT, copy_example
from dgbot.ci.execute import execute_stage
from dgbot.ci.run import CiRequest, parse_stages, run_ci
from dgbot.render import REPORT_FILES

from .conftest import make_repository


def _research_repository(target: Path) -> Path:
    copy_example(REPO_ROOT / "examples" / "research-repo", target)
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run([*git, *command], cwd=target, check=True)
    return target


def test_ci_says_what_each_stage_did_and_ends_with_the_verdict(tmp_path: Path) -> None:
    repo = _research_repository(tmp_path / "repo")
    log = io.StringIO()
    result = run_ci(CiRequest(repo), {}, log, executor=execute_stage)
    lines = log.getvalue().splitlines()
    report_dir = repo / ".dgbot" / "report"
    assert lines[-7:] == [
        "plan: dmp.json (basic profile) is valid",
        "drift: passed",
        "notebooks: executed source/main.ipynb; every one ran to the end",
        "checks: 6 ran, 6 passed, 0 failed",
        "reproducibility: passed",
        f"reports: {report_dir} ({', '.join(REPORT_FILES.values())})",
        "passed with warnings: license (1 warning); 11 passed; 1 notice",
    ]
    first = lines.index("LICENSE")  # the findings come before the stage lines
    assert "warning: the plan gives a licence" in lines[first + 1] and first < len(lines) - 7
    assert sorted(result.reports) == sorted(REPORT_FILES)


def test_a_failing_ci_run_names_every_failed_check_last(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    (repo / ".env").write_text("API_TOKEN=x\n")  # a file that looks like a secret: access fails too
    for folder in ("source", "output_data"):
        subprocess.run(["git", "rm", "-rq", folder], cwd=repo, check=True)
    log = io.StringIO()
    run_ci(CiRequest(repo, stages=parse_stages("validate,drift,check")), {}, log)
    lines = log.getvalue().splitlines()
    assert "notebooks:" not in log.getvalue()  # the execute stage was not selected: no line of its own
    assert "reproducibility: skipped: the execute stage was not selected" in lines
    assert lines[-1] == "failed: structure (3 errors), access (1 error); 7 passed, 1 skipped"


def test_quiet_ci_prints_errors_and_the_verdict_only(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo", broken=True)
    log = io.StringIO()
    run_ci(CiRequest(repo, stages=parse_stages("validate,check"), quiet=True), {}, log)
    lines = log.getvalue().splitlines()
    assert lines[0] == "dmp.json:4:18 $.contentSize" and "plan:" not in log.getvalue()
    assert lines[-1].startswith("failed: dmp (1 error, 1 notice); ")  # the embargo notice: same pass
