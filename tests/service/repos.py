"""Research repositories pushed to a forge fake: a plan, code in git, data in git-annex without content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "checks" / "volume"
ANNEXED = {"output_data/extra.h5": 100_000}  # added with the real git-annex; content never pushed


@pytest.fixture
def git_author(monkeypatch: pytest.MonkeyPatch) -> None:
    """git-annex from this environment and a known author (the home is isolated by the root conftest)."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Research Tester")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tester@example.org")


def run(cwd: Path, *command: str) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}{done.stderr}"
    return done.stdout


def research_repo(path: Path, example: str = "fail") -> str:
    """A git-annex repository holding the `example` volume repository plus one real annexed file; its head."""
    shutil.copytree(EXAMPLES / example, path, symlinks=True)
    run(path, "git", "init", "-q", "-b", "main")
    run(path, "git", "annex", "init", "-q", "research")
    for name, size in ANNEXED.items():
        (path / name).write_bytes(os.urandom(size))
        run(path, "git", "annex", "add", "-q", name)
    run(path, "git", "add", "-A")
    run(path, "git", "commit", "-q", "-m", "plan, code and data")
    return run(path, "git", "rev-parse", "HEAD").strip()


def replace_with(path: Path, example: str, extra: dict[str, bytes] | None = None) -> str:
    """Commit the files of another example over the repository's (data stays annexed); the new head."""
    for source in (EXAMPLES / example).rglob("*"):
        target = path / source.relative_to(EXAMPLES / example)
        if source.is_dir() and not source.is_symlink():
            target.mkdir(exist_ok=True)
            continue
        if target.is_symlink() or target.exists():
            target.unlink()
        shutil.copy2(source, target, follow_symlinks=False)
    for name, content in (extra or {}).items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(content)
    run(path, "git", "add", "-A")
    run(path, "git", "commit", "-q", "-m", f"the {example} example")
    return run(path, "git", "rev-parse", "HEAD").strip()


def push(path: Path, url: str, branch: str = "main") -> None:
    """Push `branch` only: git-annex content and its branch stay on this machine."""
    run(path, "git", "-c", "http.postBuffer=524288000", "push", "-q", url, f"{branch}:{branch}")
