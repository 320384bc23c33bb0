"""The action and CI templates against the published schemas, and what a fork can never get."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO_ROOT
from dgbot import __version__

from .conftest import load_yaml
from .expressions import github_eval, gitlab_job_runs
from .test_gitlab import TEMPLATE, jobs, load_template

WORKFLOW = REPO_ROOT / "ci-templates" / "github" / "dgbot.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def _validate(schema: str, path: Path) -> None:
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _validate_document(schema: str, document: Any, path: Path) -> None:
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    _validate(schema, path)


def test_the_action_follows_the_github_actions_schema() -> None:
    _validate("vendor.github-actions", REPO_ROOT / "action.yml")


def test_the_workflow_follows_the_github_workflows_schema() -> None:
    _validate("vendor.github-workflows", WORKFLOW)


@pytest.mark.parametrize(
    "inputs", [{}, {"gpu": "yes", "gpu-tags": ["gpu", "a100"], "publish": "yes", "image": "python:3.12"}]
)
def test_the_gitlab_template_follows_the_gitlab_ci_schema(tmp_path: Path, inputs: dict[str, Any]) -> None:
    header = next(yaml.safe_load_all(TEMPLATE.read_text(encoding="utf-8")))
    _validate_document("vendor.gitlab-ci", header, tmp_path / "header.yml")  # the spec: inputs document
    _validate_document("vendor.gitlab-ci", load_template(**inputs), tmp_path / "body.yml")  # as included


def test_the_workflow_uses_this_version_of_the_action() -> None:
    workflow = load_yaml(WORKFLOW)
    used = {s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "dgbot" in s["uses"]}
    assert used == {f"dgbot/dgbot@v{__version__}"}


def test_no_checkout_leaves_the_token_where_notebooks_can_read_it() -> None:
    checkouts = [
        step
        for job in load_yaml(WORKFLOW)["jobs"].values()
        for step in job["steps"]
        if step["uses"].startswith("actions/checkout@")
    ]
    assert checkouts and all(step["with"]["persist-credentials"] is False for step in checkouts)


def _github_events() -> dict[str, dict[str, Any]]:
    head = {"repo": {"full_name": "someone/fork"}, "sha": "f" * 40}
    own = {"repo": {"full_name": "lab/study"}, "sha": "a" * 40}
    return {
        "fork": {"event_name": "pull_request", "event": {"pull_request": {"head": head}}},
        "same": {"event_name": "pull_request", "event": {"pull_request": {"head": own}}},
        "push": {"event_name": "push", "event": {}},
    }


def _context(case: str) -> dict[str, Any]:
    return {"github": {**_github_events()[case], "repository": "lab/study"}}


def _job_runs(job: dict[str, Any], context: dict[str, Any]) -> bool:
    condition = job.get("if")
    return True if condition is None else bool(github_eval(str(condition), context))


def _privileged(job: dict[str, Any], context: dict[str, Any]) -> list[str]:
    """What a job hands out: a self-hosted or GPU runner, secrets, a publishing token."""
    runs_on = job["runs-on"] if isinstance(job["runs-on"], list) else [job["runs-on"]]
    found = [f"runner {label}" for label in runs_on if label in ("self-hosted", "gpu")]
    if "secrets." in yaml.safe_dump(job):
        found.append("secrets")
    for step in job["steps"]:
        publish = str(step.get("with", {}).get("publish", "false"))
        if publish.startswith("${{"):
            publish = str(github_eval(publish.strip()[3:-2], context))
        if publish.lower() == "true":
            found.append("publishing token")
    return found


def test_no_fork_pull_request_gets_a_privileged_job() -> None:
    workflow = load_yaml(WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert "pull_request_target" not in triggers and "workflow_run" not in triggers
    assert workflow["permissions"] == {
        "contents": "read",
        "statuses": "write",
        "issues": "write",
        "pull-requests": "write",
    }
    for case in ("fork", "same", "push"):
        context = _context(case)
        granted = [
            p
            for job in workflow["jobs"].values()
            if _job_runs(job, context)
            for p in _privileged(job, context)
        ]
        if case == "fork":
            assert granted == []
        else:  # the same workflow does hand them out where it may, so the check above means something
            assert "runner self-hosted" in granted and "publishing token" in granted


def test_no_fork_merge_request_reaches_a_gpu_runner() -> None:
    fork = {"CI_PROJECT_PATH": "lab/study", "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH": "someone/study"}
    same = {"CI_PROJECT_PATH": "lab/study", "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH": "lab/study"}
    push = {"CI_PROJECT_PATH": "lab/study"}
    for name, job in jobs(load_template(gpu="yes")).items():
        if "tags" not in job:
            continue
        assert not gitlab_job_runs(job, fork), f"{name} runs for a fork's merge request"
        assert gitlab_job_runs(job, same) and gitlab_job_runs(job, push), name
