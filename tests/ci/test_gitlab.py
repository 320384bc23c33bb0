"""The GitLab CI template's jobs run as a runner would run them, with GitLab's predefined variables."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from junitparser import JUnitXml

from conftest import REPO_ROOT
from dgbot import __version__

from .conftest import SHA, from_wheelhouse, make_repository, run_shell, runner_env
from .expressions import gitlab_interpolate, gitlab_job_runs

pytestmark = pytest.mark.slow

TEMPLATE = REPO_ROOT / "ci-templates" / "gitlab" / "dgbot.yml"


def load_template(**inputs: Any) -> dict[str, Any]:
    """The template as GitLab sees it after `include:` with `inputs`: header read, inputs interpolated."""
    header, body = yaml.safe_load_all(TEMPLATE.read_text(encoding="utf-8"))
    specs = header["spec"]["inputs"]
    assert set(inputs) <= set(specs), f"unknown inputs {set(inputs) - set(specs)}"
    values = {name: inputs.get(name, spec.get("default")) for name, spec in specs.items()}
    for name, value in values.items():
        assert value is not None, f"input {name} has no default and was not given"
        assert value in specs[name].get("options", [value]), f"{name}={value!r} is not one of its options"
    result: dict[str, Any] = gitlab_interpolate(body, values)
    return result


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`extends:` merging: hashes merge deeply, everything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        both = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merge(merged[key], value) if both else value
    return merged


def jobs(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    reserved = {"stages", "variables", "default", "include", "workflow", "spec"}
    found = {}
    for name, job in config.items():
        if name in reserved or name.startswith("."):
            continue
        parent = job.get("extends")
        found[name] = (
            _merge(config[parent], {k: v for k, v in job.items() if k != "extends"}) if parent else job
        )
    return found


_REFERENCE = re.compile(r"\$(\w+)|\$\{(\w+)\}")


def _expand(value: str, env: dict[str, str]) -> str:
    return _REFERENCE.sub(lambda m: env.get(m.group(1) or m.group(2), ""), value)


def run_job(job: dict[str, Any], workspace: Path, env: dict[str, str]) -> Any:
    """before_script and script in one POSIX shell that stops at the first failing line."""
    variables = {name: _expand(str(value), env) for name, value in job.get("variables", {}).items()}
    script = "\n".join([*job.get("before_script", []), *job["script"]])
    return run_shell(script, workspace, {**env, **variables}, shell=("sh", "-e", "-c"))


@pytest.fixture
def gitlab_env(tmp_path: Path, runner_python: Path, wheelhouse: Path) -> tuple[Path, dict[str, str]]:
    workspace = tmp_path / "project"
    env = runner_env(
        runner_python,
        tmp_path / "home",
        GITLAB_CI="true",
        CI="true",
        CI_PROJECT_DIR=str(workspace),
        CI_PROJECT_PATH="lab/pupil-study",
        CI_PROJECT_VISIBILITY="private",
        CI_COMMIT_SHA=SHA,
        CI_COMMIT_REF_NAME="main",
        CI_SERVER_URL="http://127.0.0.1:9",
        CI_PIPELINE_SOURCE="push",
    )
    return workspace, from_wheelhouse(env, wheelhouse)


def _report_paths(job: dict[str, Any]) -> dict[str, str]:
    return dict(job.get("artifacts", {}).get("reports", {}))


def test_every_job_runs_and_leaves_the_reports_gitlab_reads(gitlab_env: tuple[Path, dict[str, str]]) -> None:
    workspace, env = gitlab_env
    make_repository(workspace)
    config = load_template(gpu="yes")  # the default requirement, dgbot==<version>, from the index
    ran = []
    for name, job in jobs(config).items():
        assert job["stage"] in config["stages"]
        if not gitlab_job_runs(job, env):
            continue
        done = run_job(job, workspace, env)
        assert done.returncode == 0, f"{name}\n{done.stdout}{done.stderr}"
        ran.append(name)
        for path in job["artifacts"]["paths"]:
            assert (workspace / path).is_dir(), f"{name}: artifact {path} missing"
        for kind, path in _report_paths(job).items():
            if kind == "junit":
                suites = JUnitXml.fromfile(str(workspace / path))
                assert sum(suite.tests for suite in suites) >= 2
            elif kind == "codequality":
                issues = json.loads((workspace / path).read_text())
                assert issues and {"description", "check_name", "fingerprint", "severity", "location"} <= set(
                    issues[0]
                )
    assert ran == ["dgbot-validate", "dgbot-execute", "dgbot-execute-gpu", "dgbot-check"]
    verdict = json.loads((workspace / ".dgbot/report/check/verdict.json").read_text())
    assert verdict["status"] == "success" and verdict["commit"] == SHA
    executed = json.loads((workspace / ".dgbot/report/execute-gpu/verdict.json").read_text())
    execute = next(c for c in executed["checks"] if c["id"] == "execute")
    assert execute["skipped"].startswith("the plan needs no GPU")


def test_an_invalid_plan_fails_the_first_job(gitlab_env: tuple[Path, dict[str, str]]) -> None:
    workspace, env = gitlab_env
    make_repository(workspace, broken=True)
    validate = jobs(load_template())["dgbot-validate"]
    done = run_job(validate, workspace, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "dmp.json:4:18 $.contentSize" in done.stdout
    suites = JUnitXml.fromfile(str(workspace / ".dgbot/report/validate/junit.xml"))
    assert sum(suite.failures for suite in suites) >= 1


def test_the_gpu_job_exists_only_when_asked_for(gitlab_env: tuple[Path, dict[str, str]]) -> None:
    _, env = gitlab_env
    assert not gitlab_job_runs(jobs(load_template())["dgbot-execute-gpu"], env)
    gpu = jobs(load_template(gpu="yes", **{"gpu-tags": ["gpu", "cuda-12"]}))["dgbot-execute-gpu"]
    assert gitlab_job_runs(gpu, env)
    assert gpu["tags"] == ["gpu", "cuda-12"]


def test_the_default_requirement_is_this_version() -> None:
    header = next(yaml.safe_load_all(TEMPLATE.read_text(encoding="utf-8")))
    assert header["spec"]["inputs"]["dgbot"]["default"] == f"dgbot=={__version__}"


def test_only_the_job_that_runs_no_notebook_may_read_the_token() -> None:
    """DGBOT_TOKEN is scoped to the environment dgbot-publish; only a job naming it gets the token."""
    for name, job in jobs(load_template(gpu="yes", publish="yes")).items():
        script = " ".join(job["script"])
        stages = re.search(r"--stages (\S+)", script)
        assert stages is not None, name
        runs_notebooks = "execute" in stages.group(1).split(",")
        publishes = "publish" in stages.group(1).split(",")
        environment = job.get("environment")
        if publishes:
            assert not runs_notebooks, name
            assert environment == {"name": "dgbot-publish", "action": "access"}, name
        else:
            assert environment is None, f"{name} runs notebooks and names an environment"
