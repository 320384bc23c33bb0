"""The pre-commit hook as pre-commit runs it: its `files` pattern over the staged files, then entry + args.

pre-commit itself would build a new environment with dgbot and every dependency from the
package index for the hook; the test runs the same hook definition in this environment.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT

from .conftest import load_yaml, make_repository

(HOOK,) = load_yaml(REPO_ROOT / ".pre-commit-hooks.yaml")


def _staged(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "diff", "--cached", "--name-only", "-z"], cwd=repo, capture_output=True, text=True
    )
    return [name for name in out.stdout.split("\0") if name]


def _run_hook(repo: Path) -> subprocess.CompletedProcess[str] | None:
    """None when no staged file matches the hook's `files` (pre-commit skips it); else its run."""
    pattern = re.compile(HOOK["files"])
    matched = [name for name in _staged(repo) if pattern.search(name)]
    if not matched:
        return None
    command = [*shlex.split(HOOK["entry"]), *HOOK.get("args", [])]
    if HOOK.get("pass_filenames", True):
        command += matched
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env)


def test_a_staged_invalid_plan_fails_with_the_located_message(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    plan = repo / "dmp.json"
    plan.write_text(plan.read_text().replace('"datasetStructure": "with_code"', '"datasetStructure": "code"'))
    subprocess.run(["git", "add", "dmp.json"], cwd=repo, check=True)
    done = _run_hook(repo)
    assert done is not None and done.returncode == 1, done
    assert 'dmp.json:5:23 $.datasetStructure\n    error: the text "code" is not allowed here' in done.stdout


def test_a_valid_plan_passes_and_other_files_do_not_trigger_it(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    (repo / "notes.txt").write_text("lab notes\n")
    subprocess.run(["git", "add", "notes.txt"], cwd=repo, check=True)
    assert _run_hook(repo) is None
    plan = repo / "dmp.json"
    plan.write_text(plan.read_text().replace('"useDocker": false', '"useDocker": true'))
    subprocess.run(["git", "add", "dmp.json"], cwd=repo, check=True)
    done = _run_hook(repo)
    assert done is not None and done.returncode == 0, done.stdout + done.stderr
