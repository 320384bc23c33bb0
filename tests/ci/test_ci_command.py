"""`dgbot ci` in process: stages, the runner's context, outputs, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dgbot.ci.actions import report_to_actions
from dgbot.ci.execute import Executed
from dgbot.ci.run import CiRequest, parse_stages, run_ci
from dgbot.ci.runners import detect_runner
from dgbot.cli import main
from dgbot.errors import UsageError
from dgbot.records import CheckResult, Status
from dgbot.render import REPORT_FILES

from .conftest import SHA, make_repository


def test_stages_are_checked_and_validate_always_runs() -> None:
    assert parse_stages("all") == {"validate", "drift", "execute", "check", "publish"}
    assert parse_stages("check") == {"validate", "check"}
    with pytest.raises(UsageError, match="unknown stage lint; the stages are validate, drift"):
        parse_stages("check,lint")


def test_a_pull_request_is_published_on_its_head_not_the_merge_commit(tmp_path: Path) -> None:
    event = {
        "pull_request": {"number": 7, "head": {"sha": "b" * 40, "repo": {"full_name": "someone/study"}}},
        "repository": {"private": False},
    }
    (tmp_path / "event.json").write_text(json.dumps(event))
    runner = detect_runner(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
            "GITHUB_SHA": "m" * 40,
            "GITHUB_REF": "refs/pull/7/merge",
            "GITHUB_HEAD_REF": "feature",
            "GITHUB_REPOSITORY": "lab/study",
        }
    )
    assert (runner.kind, runner.sha, runner.pull, runner.branch) == ("github", "b" * 40, 7, "feature")
    assert runner.visibility == "public" and runner.fork


def test_gitlab_merge_requests_and_forks_come_from_predefined_variables() -> None:
    runner = detect_runner(
        {
            "GITLAB_CI": "true",
            "CI_PROJECT_PATH": "lab/study",
            "CI_MERGE_REQUEST_IID": "12",
            "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH": "lab/study",
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "topic",
            "CI_COMMIT_SHA": SHA,
            "CI_PROJECT_VISIBILITY": "internal",
        }
    )
    assert (runner.kind, runner.pull, runner.branch, runner.sha, runner.fork) == (
        "gitlab",
        12,
        "topic",
        SHA,
        False,
    )
    assert detect_runner({}).kind == "local"


def test_a_broken_event_file_is_no_crash(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text("{not json")
    runner = detect_runner({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(tmp_path / "event.json")})
    assert runner.kind == "github" and runner.pull is None and runner.visibility is None


def test_only_the_selected_stages_run(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    result = run_ci(CiRequest(repo, stages=parse_stages("validate")), {}, io.StringIO())
    by_id = {c.id: c for c in result.verdict.checks}
    assert by_id["dmp"].status is Status.SUCCESS
    assert by_id["volume"].skipped == "the check stage was not selected"
    assert "execute" not in by_id  # not selected: not part of this verdict
    assert {p.name for p in result.report_dir.iterdir()} == set(REPORT_FILES.values())


def test_an_executor_runs_only_for_a_valid_plan_and_its_result_joins_the_verdict(tmp_path: Path) -> None:
    calls = []

    def executor(root: Path, report_dir: Path, plan: object, settings: object, env: object) -> Executed:
        calls.append(root)
        return Executed(CheckResult("execute", "Notebooks run in CI"))

    good = make_repository(tmp_path / "good")
    verdict = run_ci(CiRequest(good), {}, io.StringIO(), executor=executor).verdict
    assert calls == [good] and [c.id for c in verdict.checks][:3] == ["config", "dmp", "execute"]
    bad = make_repository(tmp_path / "bad", broken=True)
    verdict = run_ci(CiRequest(bad), {}, io.StringIO(), executor=executor).verdict
    assert calls == [good]
    assert (
        next(c for c in verdict.checks if c.id == "execute").skipped == "the plan is not valid; fix it first"
    )


def test_a_cpu_job_leaves_a_gpu_plan_to_the_gpu_job(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    plan = json.loads((repo / "dmp.json").read_text())
    plan["compute"] = {"gpu": {"count": 1, "cuda": "12.2"}}
    (repo / "dmp.json").write_text(json.dumps(plan))
    cpu = run_ci(CiRequest(repo, device="cpu"), {}, io.StringIO()).verdict
    assert next(c for c in cpu.checks if c.id == "execute").skipped.startswith("the plan needs a GPU")
    gpu = run_ci(CiRequest(repo, device="gpu"), {}, io.StringIO()).verdict
    assert (
        next(c for c in gpu.checks if c.id == "execute").skipped == "notebook execution is not available here"
    )


def test_multi_line_outputs_use_a_delimiter(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    verdict = run_ci(CiRequest(repo), {}, io.StringIO()).verdict
    output = tmp_path / "output"
    env = {"GITHUB_OUTPUT": str(output)}
    report_to_actions(verdict, repo, None, {"one": "a", "two": "x\ny"}, env, io.StringIO())
    lines = output.read_text().splitlines()
    assert lines[0] == "one=a"
    assert lines[1].startswith("two<<dgbot_") and lines[2:4] == ["x", "y"] and lines[4] == lines[1][5:]


def test_the_command_gates_on_the_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = make_repository(tmp_path / "good"), make_repository(tmp_path / "bad", broken=True)
    assert main(["ci", str(good), "-q"]) == 0
    assert main(["ci", str(bad), "--report-dir", str(tmp_path / "reports")]) == 1
    assert "dmp.json:4:18 $.contentSize" in capsys.readouterr().out
    assert json.loads((tmp_path / "reports" / "verdict.json").read_text())["status"] == "failure"
    assert main(["ci", str(tmp_path / "nowhere")]) == 2
    assert main(["ci", str(good), "--publish"]) == 2  # no forge to publish to outside CI


def test_run_settings_come_from_the_settings_file() -> None:
    from dgbot.config import Settings

    run = Settings.from_mapping({"run": {"workdir": "repository", "parallel": 1, "cell_timeout": 5}}).run
    assert (run.workdir, run.parallel, run.cell_timeout) == ("repository", 1, 5.0)
    assert Settings.from_mapping({}).run.workdir == "notebook"
