"""Real git, git-annex and DataLad for snapshot tests, isolated from the home directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="module")
def git_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """git-annex from this environment, a known author, and a home of our own.

    Module-scoped so that module-scoped repositories (built once, DataLad is slow) are
    built inside it too; the root conftest's per-test home isolation comes too late for them.
    """
    home = tmp_path_factory.mktemp("snapshot-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        for role in ("AUTHOR", "COMMITTER"):
            patch.setenv(f"GIT_{role}_NAME", "Snapshot Test")
            patch.setenv(f"GIT_{role}_EMAIL", "snapshot@example.org")
        yield


def run(cwd: Path, *command: str) -> str:
    """Run a command in `cwd`; its output, or a failure that shows what it said."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}{done.stderr}"
    return done.stdout


def git_repo(path: Path, files: dict[str, bytes]) -> Path:
    """A plain git repository at `path` with `files` committed (no git-annex)."""
    run(path.parent, "git", "init", "-q", path.name)
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    run(path, "git", "add", "-A")
    run(path, "git", "commit", "-q", "-m", "files")
    return path


ANNEXED = {  # path -> byte count; output_data/ is unlocked in the "unlocked" commit
    "input_data/sub-01/anat.nii.gz": 12345,
    "input_data/sub-02/func/bold.edf": 54321,
    "input_data/with space ü.dat": 777,
    "output_data/results.csv": 4321,
    "output_data/model.h5": 100_000,
}
IN_GIT = {"source/analysis.py": b"print('analysis')\n", "README.md": b"# A dataset\n"}
URL_FILE, URL_KEY = "input_data/remote.bin", "URL--https://example.org/data.bin"
UNLOCKED = [path for path in ANNEXED if path.startswith("output_data/")]


@dataclass(frozen=True)
class Dataset:
    path: Path  # content dropped, output_data/ unlocked
    clone: Path  # git clone --no-checkout: no content, no work tree


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, git_env: None) -> Dataset:
    """A DataLad dataset built once per module: data annexed, code in git, then content dropped."""
    top = tmp_path_factory.mktemp("datalad")
    run(top, "datalad", "-l", "error", "create", "ds")
    path = top / "ds"
    with (path / ".gitattributes").open("a") as rules:
        rules.write("source/** annex.largefiles=nothing\nREADME.md annex.largefiles=nothing\n")
    for name, size in ANNEXED.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(os.urandom(size))
    for name, content in IN_GIT.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(content)
    run(path, "datalad", "-l", "error", "save", "-m", "add data and code")
    run(path, "git", "tag", "locked")
    run(path, "git", "annex", "unlock", *UNLOCKED)
    run(path, "git", "commit", "-q", "-m", "unlock outputs")  # datalad save would lock them again
    run(path, "git", "tag", "unlocked")
    run(path, "git", "annex", "fromkey", "--force", URL_KEY, URL_FILE)  # offline: no size known
    run(path, "datalad", "-l", "error", "save", "-m", "a file only known by its URL")
    run(path, "git", "annex", "drop", "--force", ".")
    run(top, "git", "clone", "-q", "--no-checkout", "ds", "clone")
    return Dataset(path, top / "clone")
