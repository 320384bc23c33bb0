"""reproducibility: a real re-run's outputs against those the repository holds."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT, copy_example
from dgbot.ci.execute import execute_stage
from dgbot.ci.run import CiRequest, run_ci
from dgbot.record.reproduce import notebook_digest


def _repository(target: Path) -> Path:
    copy_example(REPO_ROOT / "examples" / "repo", target)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "example"], cwd=target, check=True)
    return target


def _result(repo: Path) -> dict[str, object]:
    verdict = run_ci(CiRequest(repo, quiet=True), {}, io.StringIO(), executor=execute_stage).verdict
    (check,) = (c for c in verdict.checks if c.id == "reproducibility")
    return {"status": check.status.value, "rules": sorted((f.rule, f.location.path) for f in check.findings)}


@pytest.mark.slow
def test_a_rerun_that_reproduces_passes_and_one_that_does_not_fails(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    assert _result(repo) == {"status": "success", "rules": []}
    table = repo / "output_data" / "trials_per_tone.csv"
    table.write_text("tone,trials\ndeviant,2\nstandard,2\n")  # what the repository holds differs now
    assert _result(repo) == {
        "status": "failure",
        "rules": [("changed-output", "output_data/trials_per_tone.csv")],
    }
    assert table.read_text() == "tone,trials\ndeviant,2\nstandard,2\n"  # never rewritten in place
    rerun = repo / ".dgbot" / "report" / "rerun" / "output_data" / "trials_per_tone.csv"
    assert rerun.read_text() == "tone,trials\ndeviant,1\nstandard,3\n"  # the re-run's own, aside


def test_without_a_run_the_check_is_skipped_not_passed(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    verdict = govern(_repository(tmp_path / "repo")).verdict
    (check,) = (c for c in verdict.checks if c.id == "reproducibility")
    assert check.skipped is not None and check.skipped.startswith("no run to compare")


def _notebook(count: int, when: str, address: str) -> bytes:
    output = {"output_type": "stream", "name": "stdout", "text": f"done at {when} by <obj at {address}>\n"}
    cell = {
        "cell_type": "code",
        "id": f"c{count}",
        "source": "run()",
        "execution_count": count,
        "metadata": {"papermill": {"duration": count}},
        "outputs": [output],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_notebooks_compare_with_their_volatile_parts_masked() -> None:
    first = notebook_digest(_notebook(1, "2026-12-01T10:00:00+09:00", "0x7f3a2b1c9d00"))
    again = notebook_digest(_notebook(7, "2026-12-02 04:05:06.123Z", "0x7f11aa22bb33"))
    assert first is not None and first == again
    different = _notebook(1, "2026-12-01T10:00:00+09:00", "0x7f3a2b1c9d00").replace(b"run()", b"run(2)")
    assert notebook_digest(different) != first
    assert notebook_digest(b"not a notebook") is None


def test_a_pattern_that_matches_nothing_is_a_warning_naming_it(tmp_path: Path) -> None:
    """Nothing compared is never success: a pattern matching no output says so (issue 12)."""

    repo = _repository(tmp_path / "repo")
    plan = json.loads((repo / "dmp.json").read_text())
    plan["reproducibility"]["outputs"] = ["output_data/*.csv", "figures/*.png"]
    (repo / "dmp.json").write_text(json.dumps(plan, indent=2))
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qam", "plan"],
        cwd=repo,
        check=True,
    )
    verdict = run_ci(CiRequest(repo, quiet=True), {}, io.StringIO(), executor=execute_stage).verdict
    (check,) = (c for c in verdict.checks if c.id == "reproducibility")
    (warning,) = check.findings
    assert (warning.rule, warning.severity.value) == ("nothing-compared", "warning")
    assert "'figures/*.png'" in warning.message
    assert (warning.location.path, warning.location.json_path) == ("dmp.json", "$.reproducibility.outputs[1]")
    assert warning.location.line is not None  # located in the plan's own text
