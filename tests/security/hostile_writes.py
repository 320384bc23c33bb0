"""A hostile repository beside a folder it must never reach: committed links, pre-planted temp names."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ci.conftest import make_repository
from dgbot.cli import main

PLANTED = "existing.pth"  # what a link aims at: a .pth in site-packages runs at the next Python start


@dataclass(frozen=True)
class Called:
    code: int
    out: str
    err: str


def dgbot(*argv: str | Path) -> Called:
    """`dgbot ARGV` in this process, its exit code and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return Called(code, out.getvalue(), err.getvalue())


@dataclass(frozen=True)
class Hostile:
    repo: Path  # the example repository, committed
    site: Path  # outside it: stands for a Python site-packages folder
    before: dict[str, str]

    def link(self, name: str, to: str) -> Path:
        """Commit a symbolic link `name` (in the repository) pointing at `to`, as a pull request could."""
        path = self.repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(to)
        commit(self.repo)
        return path

    def untouched(self) -> bool:
        """Nothing outside the repository was created, changed or removed."""
        return tree(self.site) == self.before


def hostile(tmp_path: Path) -> Hostile:
    repo = make_repository(tmp_path / "repo")
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / PLANTED).write_text("# the runner's own file\n")
    return Hostile(repo, site, tree(site))


def commit(repo: Path) -> None:
    git = ["git", "-c", "user.name=Attacker", "-c", "user.email=a@example.org"]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "hostile"], cwd=repo, check=True)


def tree(folder: Path) -> dict[str, str]:
    """Every entry under `folder` with what it is: a link's target, a file's digest, or a folder."""
    found = {}
    for top, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(top) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = f"link {os.readlink(path)}"
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(folder: Path) -> list[str]:
    """Temporary files dgbot left behind (planted links excluded)."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*dgbot-*")
        if not p.is_symlink() and ".git/" not in p.as_posix()
    )
