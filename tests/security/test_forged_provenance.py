"""Attack 2 of issue 11: a provenance record the repository brings along never makes reproducibility green."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, copy_example
from dgbot.ci.execute import execute_stage
from dgbot.ci.run import CiRequest, parse_stages, run_ci
from dgbot.cli import main

REPORT = ".dgbot/report"
GIT = ["git", "-c", "user.name=Mallory", "-c", "user.email=m@example.org"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _forged(commit: str | None) -> dict[str, Any]:
    """What an attacker commits: a successful run that reproduced every output."""
    same = "0" * 64
    return {
        "provenance_version": 1,
        "run_id": "forged",
        "status": "success",
        "repository": {"commit": commit, "dirty": False, "changes": []},
        "notebooks": [],
        "inputs": [],
        "outputs": [],
        "reproducibility": {"outputs": [{"path": "output_data/x.csv", "recorded": same, "rerun": same}]},
    }


def _repository(target: Path, plan: dict[str, Any] | None = None) -> Path:
    copy_example(REPO_ROOT / "examples" / "repo", target)
    if plan is not None:
        (target / "dmp.json").write_text(json.dumps(plan))
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "example")
    return target


def _commit_forgery(repo: Path) -> None:
    """Commit a provenance record that claims success at the commit it lands in (as far as it can)."""
    head = _git(repo, "rev-parse", "HEAD").strip()
    (repo / REPORT).mkdir(parents=True)
    (repo / REPORT / "provenance.json").write_text(json.dumps(_forged(head)))
    _git(repo, "add", "-f", REPORT)
    _git(repo, "commit", "-q", "-m", "reports")


def _gpu_plan() -> dict[str, Any]:
    plan: dict[str, Any] = json.loads((REPO_ROOT / "examples" / "repo" / "dmp.json").read_text())
    plan = copy.deepcopy(plan)
    plan["compute"] = {"gpu": {"count": 1}}
    return plan


def _reproducibility(verdict: Any) -> Any:
    (check,) = (c for c in verdict.checks if c.id == "reproducibility")
    return check


def test_dgbot_check_never_trusts_a_committed_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path / "repo")
    _commit_forgery(repo)
    report = tmp_path / "verdict.json"
    assert main(["check", str(repo), "--format", "json", "--output", str(report)]) == 0
    check = next(c for c in json.loads(report.read_text())["checks"] if c["id"] == "reproducibility")
    assert (check["status"], check["findings"]) == ("skipped", [])
    assert check["skipped"] == (
        f"no run to compare: {REPORT}/provenance.json is the one committed to the repository, so no run "
        "here wrote it; a run's record counts only in the work tree where dgbot made it (the report "
        f"folder {REPORT}/ is committed (1 file); dgbot's checks never trust what it holds: only a "
        "record a run wrote in this work tree counts)"
    )


def test_a_trusted_run_in_a_repository_with_committed_reports_gets_the_notice(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    _commit_forgery(repo)
    record = _forged(_git(repo, "rev-parse", "HEAD").strip())
    record["run_id"] = "a later run here"  # a run in this work tree rewrote the committed record
    (repo / REPORT / "provenance.json").write_text(json.dumps(record))
    check = _reproducibility(govern(repo, report_notice=True).verdict)
    assert [(f.rule, f.severity.value) for f in check.findings] == [("committed-reports", "notice")]
    assert _reproducibility(govern(repo).verdict).findings == ()  # ci and the notebooks: no notice


def test_the_check_skips_a_committed_record_with_the_reason(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    _commit_forgery(repo)
    check = _reproducibility(govern(repo).verdict)
    assert check.status.value == "skipped"
    assert check.skipped.startswith("no run to compare: .dgbot/report/provenance.json is the one committed")


def test_a_cpu_job_that_leaves_the_notebooks_to_the_gpu_job_never_reads_the_forgery(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo", _gpu_plan())
    _commit_forgery(repo)
    request = CiRequest(repo, quiet=True, device="cpu")
    verdict = run_ci(request, {}, io.StringIO(), executor=execute_stage).verdict
    (execute,) = (c for c in verdict.checks if c.id == "execute")
    assert execute.skipped is not None and "GPU" in execute.skipped
    check = _reproducibility(verdict)
    assert check.skipped == "no run to compare: this job executed no notebooks"
    assert not check.findings  # dgbot ci ignores the committed folder: no notice either


def test_ci_without_the_execute_stage_never_reads_the_forgery(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    _commit_forgery(repo)
    request = CiRequest(repo, quiet=True, stages=parse_stages("validate,check"))
    check = _reproducibility(run_ci(request, {}, io.StringIO(), executor=execute_stage).verdict)
    assert check.status.value == "skipped" and check.skipped == "the execute stage was not selected"


def test_ci_takes_the_record_of_its_own_run_even_over_a_committed_one(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    _commit_forgery(repo)
    verdict = run_ci(CiRequest(repo, quiet=True), {}, io.StringIO(), executor=execute_stage).verdict
    check = _reproducibility(verdict)
    assert check.status.value == "success" and check.findings == ()
    written = json.loads((repo / REPORT / "provenance.json").read_text())
    assert written["run_id"] != "forged"  # the job's own run replaced it, and that is what was judged
    assert "output_data/trials_per_tone.csv" in [o["path"] for o in written["reproducibility"]["outputs"]]


def test_a_record_whose_run_id_is_not_the_jobs_is_refused(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    head = _git(repo, "rev-parse", "HEAD").strip()
    (repo / REPORT).mkdir(parents=True)
    (repo / REPORT / "provenance.json").write_text(json.dumps(_forged(head)))  # untracked, planted
    check = _reproducibility(govern(repo, own_run="the-id-of-this-jobs-run").verdict)
    assert check.skipped == f"no run to compare: {REPORT}/provenance.json is not the record of this job's run"


def test_a_provenance_symlink_is_never_read_through(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    head = _git(repo, "rev-parse", "HEAD").strip()
    outside = tmp_path / "elsewhere.json"
    outside.write_text(json.dumps(_forged(head)))
    (repo / REPORT).mkdir(parents=True)
    os.symlink(outside, repo / REPORT / "provenance.json")
    check = _reproducibility(govern(repo).verdict)
    assert check.status.value == "skipped"
    assert "provenance.json is a symbolic link; dgbot never reads through one" in check.skipped


def test_a_report_folder_that_is_a_symlink_is_never_read_through(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    head = _git(repo, "rev-parse", "HEAD").strip()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "provenance.json").write_text(json.dumps(_forged(head)))
    (repo / ".dgbot").mkdir()
    os.symlink(tmp_path / "elsewhere", repo / REPORT)
    check = _reproducibility(govern(repo).verdict)
    assert check.skipped == (
        f"no run to compare: {REPORT}/provenance.json: {REPORT} is a symbolic link; "
        "dgbot never reads through one"
    )


def test_a_record_of_another_commit_is_skipped_with_the_reason(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    old = _git(repo, "rev-parse", "HEAD").strip()
    (repo / "notes.txt").write_text("later\n")
    _git(repo, "add", "notes.txt")
    _git(repo, "commit", "-q", "-m", "later")
    (repo / REPORT).mkdir(parents=True)
    (repo / REPORT / "provenance.json").write_text(json.dumps(_forged(old)))
    check = _reproducibility(govern(repo).verdict)
    assert check.skipped is not None
    assert check.skipped.startswith(f"no run to compare: the last run was made at commit {old[:12]}")


def test_a_run_that_compared_nothing_is_a_warning_not_a_success(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    record = _forged(_git(repo, "rev-parse", "HEAD").strip())
    record["reproducibility"] = {"outputs": []}
    (repo / REPORT).mkdir(parents=True)
    (repo / REPORT / "provenance.json").write_text(json.dumps(record))
    check = _reproducibility(govern(repo).verdict)
    assert [(f.rule, f.severity.value) for f in check.findings] == [("nothing-compared", "warning")]


def test_dgbot_record_refuses_a_committed_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datalad.api import create

    repo = _repository(tmp_path / "repo")
    create(path=str(repo), force=True, result_renderer="disabled")
    _commit_forgery(repo)
    head = _git(repo, "rev-parse", "HEAD")
    assert main(["record", str(repo)]) == 2
    assert "no run to record: .dgbot/report/provenance.json is the one committed" in capsys.readouterr().err
    assert _git(repo, "rev-parse", "HEAD") == head  # nothing was recorded


def test_a_folder_without_git_never_trusts_the_record_it_holds(tmp_path: Path) -> None:
    """A tarball or a folder git refuses cannot tell a run's record from one it came with."""
    from dgbot.pipeline import govern

    repo = tmp_path / "unpacked"
    copy_example(REPO_ROOT / "examples" / "repo", repo)
    (repo / REPORT).mkdir(parents=True)
    (repo / REPORT / "provenance.json").write_text(json.dumps(_forged(None)))
    check = _reproducibility(govern(repo).verdict)
    assert check.status.value == "skipped"
    assert "is not a git work tree dgbot can read" in check.skipped


def test_a_report_dir_that_looks_like_pathspec_magic_is_a_plain_name(tmp_path: Path) -> None:
    from dgbot.pipeline import govern

    repo = _repository(tmp_path / "repo")
    (repo / ".dgbot.yml").write_text("report_dir: ':(icase)R'\n")
    folder = repo / ":(icase)R"
    folder.mkdir()
    (folder / "provenance.json").write_text(json.dumps(_forged(_git(repo, "rev-parse", "HEAD").strip())))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "reports under a magic-looking name")
    check = _reproducibility(govern(repo, report_notice=True).verdict)
    assert check.status.value == "skipped" and "is the one committed" in check.skipped
