"""action.yml run step by step as GitHub's runner would: install dgbot, run the pipeline, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from conftest import REPO_ROOT
from dgbot import __version__
from forges.servers import SIMPLE, TOKEN, serve

from .conftest import SHA, from_wheelhouse, load_yaml, make_repository, run_shell, runner_env
from .expressions import github_eval, github_substitute

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
    return {"inputs": {**defaults, **inputs}, "github": github, "steps": {}}


def _run_steps(workspace: Path, env: dict[str, str], inputs: dict[str, str]) -> list[Any]:
    """Every `run` step of the action as the runner runs it: expressions substituted, `if:` evaluated,
    a failure skipping the steps not marked always(), and each step's outputs in `steps.<id>.outputs`.
    """
    context = _context(inputs, workspace, env)
    results, failed = [], False
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            assert step["uses"] in USES
            continue
        condition = step.get("if", "")
        if (failed and "always()" not in condition) or (condition and not github_eval(condition, context)):
            continue
        assert step["shell"] == "bash"
        step_env = {k: github_substitute(str(v), context) for k, v in step.get("env", {}).items()}
        script = github_substitute(step["run"], context)
        done = run_shell(script, workspace, {**env, **step_env})
        results.append(done)
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": _outputs(Path(env["GITHUB_OUTPUT"]))}
        failed = failed or done.returncode != 0
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
    if not path.exists():  # nothing written yet
        return {}
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


# Appended to the example's notebook: every ancestor's environment, as a hostile notebook reads it.
ANCESTORS = (
    "import os, pathlib\n"
    "seen, pid = [], os.getpid()\n"
    "while pid > 1:\n"
    "    proc = pathlib.Path(f'/proc/{pid}')\n"
    "    seen.append(f'{pid}: ' + (proc / 'environ').read_bytes().decode(errors='replace'))\n"
    "    pid = int((proc / 'stat').read_text().rsplit(')', 1)[1].split()[1])\n"
    "pathlib.Path('../ancestors.txt').write_text('\\n'.join(seen))"
)


def test_the_notebooks_run_without_the_token_and_the_next_step_publishes(
    github: tuple[Path, dict[str, str]],
) -> None:
    workspace, env = github
    make_repository(workspace)
    notebook = nbformat.read(workspace / "source" / "main.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(ANCESTORS))
    nbformat.write(notebook, workspace / "source" / "main.ipynb")
    served = serve("github", SIMPLE)
    env = {**env, "GITHUB_API_URL": served.fake.server.url, "GITHUB_REPOSITORY": SIMPLE.repo}
    env["GITHUB_SHA"] = SIMPLE.sha
    try:
        steps = _run_steps(workspace, env, {"publish": "true", "token": TOKEN, "version": VERSION})
    finally:
        served.stop()
    assert not (workspace / "ancestors.txt").exists()  # ci re-runs aside, in a copy of the work tree...
    probed = workspace / ".dgbot" / "report" / "rerun" / "ancestors.txt"  # ...and keeps what it wrote
    assert probed.is_file(), "".join(step.stdout + step.stderr for step in steps)
    ancestors = probed.read_text()
    assert "DGBOT_PATH=" in ancestors  # the walk reached the step's own shell
    assert TOKEN not in ancestors and "DGBOT_TOKEN" not in ancestors
    assert len(steps) == 3, steps[-1].stdout + steps[-1].stderr  # install, pipeline, publish
    assert steps[2].returncode == 0, steps[2].stdout + steps[2].stderr
    assert steps[2].stdout.startswith("published: dgbot/dmp=success, dgbot/checks=success")
    posted = {s["context"]: s["state"] for s in served.repo.statuses[SIMPLE.sha]}
    assert posted["dgbot/dmp"] == "success"
    assert TOKEN not in "".join(step.stdout + step.stderr for step in steps)
