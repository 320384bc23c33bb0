"""A runner's world for the CI tests: a Python without dgbot, repositories, the runner's variables."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO_ROOT, copy_example

EXAMPLE_REPO = REPO_ROOT / "examples" / "repo"
SHA = "0123456789abcdef0123456789abcdef01234567"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def runner_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment, as a runner's Python after setup-python, without dgbot.

    It sees the test environment's packages through a .pth file, so installing dgbot there
    (what the action and templates do) builds dgbot itself and downloads none of its
    dependencies. Its bin/ comes first on PATH for the commands under test.
    """
    venv = tmp_path_factory.mktemp("runner") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dgbot built once as a wheel: `pip install dgbot==<version>` finds it here, with no index."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(REPO_ROOT)],
        check=True,
        capture_output=True,
    )
    return folder


def from_wheelhouse(env: dict[str, str], wheelhouse: Path) -> dict[str, str]:
    """The environment of a runner whose package index holds dgbot (and its dependencies)."""
    return {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}


def run_shell(
    script: str, cwd: Path, env: dict[str, str], shell: tuple[str, ...] = ("bash", "-eo", "pipefail", "-c")
) -> subprocess.CompletedProcess[str]:
    """A step's script as the runner runs it (GitHub: bash -eo pipefail; GitLab: one shell per job)."""
    return subprocess.run([*shell, script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def runner_env(python_bin: Path, home: Path, **variables: str) -> dict[str, str]:
    """A minimal runner environment: PATH with the runner's Python first, an empty home, the variables."""
    path = f"{python_bin}{os.pathsep}{os.environ['PATH']}"
    env = {"PATH": path, "HOME": str(home), "LANG": "C.UTF-8", "GIT_CONFIG_NOSYSTEM": "1"}
    env["GIT_CONFIG_GLOBAL"] = str(home / ".gitconfig")
    env["XDG_CACHE_HOME"] = str(home / ".cache")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_CACHE_DIR"] = str(python_bin.parent.parent / "pip-cache")  # shared by the session's tests
    return {**env, **variables}


def make_repository(target: Path, broken: bool = False) -> Path:
    """A git repository holding the bundled example; `broken` breaks its plan's contentSize."""
    copy_example(EXAMPLE_REPO, target)
    if broken:
        plan = target / "dmp.json"
        plan.write_text(plan.read_text().replace('"contentSize": "1GB"', '"contentSize": "1 gigabyte"'))
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "example"], cwd=target, check=True)
    return target
