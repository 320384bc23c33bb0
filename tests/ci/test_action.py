"""action.yml run step by step as GitHub's runner would: install dgbot, run the pipeline, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT
from dgbot import __version__

from .conftest import SHA, from_wheelhouse, load_yaml, make_repository, run_shell, runner_env
from .expressions import github_substitute

pytestmark = pytest.mark.slow

ACTION = load_yaml(REPO_ROOT / "action.yml")
USES = {"actions/setup-python@v5", "actions/upload-artifact@v4"}
VERSION = f"dgbot=={__version__}"


def _context(inputs: dict[str, str], workspace: Path, env: dict[str, str]) -> dict[str, Any]:
    defaults = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    github = {
        "action_path": str(REPO_ROOT),
        "token": "ghs_not-a-real-token",
        "job": "governance",
        "event": json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text()),
        "workspace": str(workspace),
    }
    defaults["token"] = "ghs_not-a-real-token"  # the default is ${{ github.token }}
    return {"inputs": {**defaults, **inputs}, "github": github}


def _run_steps(workspace: Path, env: dict[str, str], inputs: dict[str, str]) -> list[Any]:
    """Every `run` step of the action, its env and script with expressions substituted."""
    context = _context(inputs, workspace, env)
    results = []
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            assert step["uses"] in USES
            continue
        assert step["shell"] == "bash"
        step_env = {k: github_substitute(str(v), context) for k, v in step.get("env", {}).items()}
        script = github_substitute(step["run"], context)
        done = run_shell(script, workspace, {**env, **step_env})
        results.append(done)
        if done.returncode != 0:
            break
    return results


@pytest.fixture
def github(tmp_path: Path, runner_python: Path, wheelhouse: Path) -> tuple[Path, dict[str, str]]:
    workspace = tmp_path / "workspace"
    files = tmp_path / "runner"
    files.mkdir()
    (files / "event.json").write_text(json.dumps({"repository": {"visibility": "private"}}))
    env = runner_env(
        runner_python,
        tmp_path / "home",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_REPOSITORY="lab/pupil-study",
        GITHUB_SHA=SHA,
        GITHUB_REF="refs/heads/main",
        GITHUB_REF_NAME="main",
        GITHUB_EVENT_NAME="push",
        GITHUB_EVENT_PATH=str(files / "event.json"),
        GITHUB_STEP_SUMMARY=str(files / "summary.md"),
        GITHUB_OUTPUT=str(files / "output"),
        GITHUB_API_URL="http://127.0.0.1:9",
    )
    # tests that name a version install it from an index holding dgbot; the default builds the checkout
    return workspace, from_wheelhouse(env, wheelhouse)


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_the_action_passes_the_example_and_reports_everything(github: tuple[Path, dict[str, str]]) -> None:
    workspace, env = github
    make_repository(workspace)
    online = {k: v for k, v in env.items() if k not in ("PIP_NO_INDEX", "PIP_FIND_LINKS")}
    install, pipeline = _run_steps(workspace, online, {})  # the default: the action's own checkout
    assert install.returncode == 0, install.stderr
    assert pipeline.returncode == 0, pipeline.stdout + pipeline.stderr
    outputs = _outputs(Path(env["GITHUB_OUTPUT"]))
    assert outputs["verdict"] == "success"
    assert outputs["warnings"] == "1" and outputs["errors"] == "0"
    report_dir = workspace / ".dgbot" / "report"
    assert Path(outputs["report-dir"]).resolve() == report_dir.resolve()
    for name in ("verdict.json", "report.md", "junit.xml", "gl-code-quality-report.json", "dgbot.sarif"):
        assert (report_dir / name).is_file(), name
    verdict = json.loads((report_dir / "verdict.json").read_text())
    assert verdict["commit"] == SHA
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert summary.startswith("### dgbot verdict: Passed")
    assert "::warning file=LICENSE,title=dgbot license%3A missing-file::" in pipeline.stdout


def test_the_action_fails_the_step_on_an_invalid_plan(github: tuple[Path, dict[str, str]]) -> None:
    workspace, env = github
    make_repository(workspace, broken=True)
    install, pipeline = _run_steps(workspace, env, {"report-dir": "reports", "version": VERSION})
    assert install.returncode == 0, install.stderr
    assert pipeline.returncode == 1, pipeline.stdout + pipeline.stderr
    assert _outputs(Path(env["GITHUB_OUTPUT"]))["verdict"] == "failure"
    errors = [line for line in pipeline.stdout.splitlines() if line.startswith("::error ")]
    assert errors[0].startswith("::error file=dmp.json,line=4,col=18,title=dgbot dmp.schema%3A ")
    assert "$.contentSize" in errors[0]
    assert (workspace / "reports" / "junit.xml").is_file()
    assert "### dgbot verdict: Failed" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()


def test_inputs_reach_the_script_as_variables_not_as_code(github: tuple[Path, dict[str, str]]) -> None:
    workspace, env = github
    make_repository(workspace)
    hostile = "$(touch PWNED)"
    _, pipeline = _run_steps(workspace, env, {"stages": f"validate,{hostile}", "version": VERSION})
    assert pipeline.returncode == 2  # a usage error naming the unknown stage, nothing run
    assert "unknown stage $(touch PWNED)" in pipeline.stderr
    assert not any(p.name == "PWNED" for p in workspace.parent.rglob("PWNED"))


def test_a_public_repository_may_not_hold_restricted_data(github: tuple[Path, dict[str, str]]) -> None:
    workspace, env = github
    make_repository(workspace)
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps({"repository": {"visibility": "public"}}))
    _, pipeline = _run_steps(workspace, env, {"stages": "validate,check", "version": VERSION})
    assert pipeline.returncode == 1
    errors = [line for line in pipeline.stdout.splitlines() if line.startswith("::error ")]
    assert [e.split("::")[1] for e in errors] == [
        "error file=input_data,title=dgbot access%3A restricted-data-public",
        "error file=output_data,title=dgbot access%3A restricted-data-public",
    ]
