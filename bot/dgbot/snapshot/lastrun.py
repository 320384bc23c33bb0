"""The record of the last `dgbot run` in a work tree, trusted only when a run here wrote it.

A repository can commit a `provenance.json` of its own that says every output was reproduced.
So a record counts only when a run in this work tree wrote it (git does not track it, or it
differs from the committed one), it is a regular file (no symlink read through), it was made at
the commit checked out now, and, where the caller knows which run it made (`dgbot ci`'s own
execute stage), it carries that run's id.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dgbot.errors import UnsafePathError
from dgbot.fs.read import read_regular
from dgbot.words import _

PROVENANCE = "provenance.json"  # what `dgbot run` writes into the report folder
# Paths are literal: a report_dir such as ":(icase)x" is a name, never pathspec magic.
_GIT = ["git", "--literal-pathspecs"]
_LIMIT = 64 * 1024 * 1024  # a provenance record of 100k files is ~20 MB


class UntrustedRun(Exception):
    """There is no record of a run that counts here; the message says why."""


@dataclass(frozen=True)
class LastRun:
    record: dict[str, Any]
    where: str  # the record's path, relative to the repository


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    """One git command's result, or None when git cannot be run."""
    try:
        return subprocess.run([*_GIT, "-C", str(root), *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _git_lines(root: Path, *args: str) -> list[str] | None:
    """git's NUL-separated output, or None outside a git work tree."""
    done = _git(root, *args)
    if done is None or done.returncode != 0:
        return None
    return [p.decode("utf-8", "surrogateescape") for p in done.stdout.split(b"\0") if p]


def _inside(root: Path, report_dir: str) -> str | None:
    """The report folder relative to the repository ("/"-separated), None when it lies outside."""
    folder = Path(os.path.abspath(Path(root, report_dir)))
    top = Path(os.path.abspath(root))
    return folder.relative_to(top).as_posix() if folder.is_relative_to(top) else None


def committed_reports(root: Path, report_dir: str) -> list[str]:
    """Files git tracks under the report folder (it should hold none: each run writes it anew)."""
    folder = _inside(root, report_dir)
    if folder is None or folder == ".":
        return []
    return _git_lines(root, "ls-files", "-z", "--", f"{folder}/") or []


def _as_committed(root: Path, where: str) -> bool:
    """Whether git tracks the file and the work tree holds it as committed (nothing here rewrote it).

    Where git cannot answer (no work tree, a folder git refuses), nobody can tell a record a run
    wrote here from one the folder came with: UntrustedRun.
    """
    tracked = _git_lines(root, "ls-files", "-z", "--", where)
    if tracked is None:
        said = _(
            "{folder} is not a git work tree dgbot can read, so it cannot tell whether "
            "a run here wrote {path} or the folder came with it"
        )
        raise UntrustedRun(said.format(folder=root.name or root, path=where))
    if not tracked:
        return False
    same = _git(root, "diff", "--quiet", "HEAD", "--", where)
    return same is None or same.returncode != 1  # 1: it differs from the commit: a run here rewrote it


def head_commit(root: Path) -> str | None:
    found = _git_lines(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return found[0].strip() if found else None


def _read(root: Path, path: Path, inside: bool, where: str) -> bytes:
    """The record's bytes: a regular file, no symbolic link on the way from the repository's top."""
    base, name = (root, where) if inside else (path.parent, path.name)
    try:
        return read_regular(base, name, _LIMIT)
    except FileNotFoundError:
        raise UntrustedRun(_("`dgbot run` (or `dgbot ci`) executes the notebooks first")) from None
    except UnsafePathError as refused:  # a symlink, a FIFO or device, too large
        raise UntrustedRun(str(refused)) from None
    except OSError as error:
        raise UntrustedRun(
            _("{path} cannot be read ({reason})").format(path=where, reason=error.strerror)
        ) from None


def load_last_run(
    root: Path, report_dir: str, run_id: str | None = None, check_commit: bool = True, committed: bool = False
) -> LastRun:
    """The trusted record of the last run in this work tree, or UntrustedRun with the reason.

    `check_commit=False` leaves judging the commit the run was made at to the caller (`dgbot record`
    names it in its own refusal); `committed=True` also takes the record the repository holds, as
    a description of itself (`dgbot package` after `dgbot record` committed it), never as a verdict.
    """
    folder = _inside(root, report_dir)
    path = Path(root, report_dir, PROVENANCE)
    where = f"{folder}/{PROVENANCE}" if folder is not None else str(path)
    try:  # read first: a link anywhere on the way is refused before git is asked about the path
        record = json.loads(_read(Path(root), path, folder is not None, where))
    except ValueError as broken:
        said = _("{path} is not a provenance record dgbot wrote: {reason}")
        raise UntrustedRun(said.format(path=where, reason=broken)) from None
    if not isinstance(record, dict):
        raise UntrustedRun(_("{path} is not a provenance record dgbot wrote").format(path=where))
    if run_id is not None:  # this job's own run needs no git to be told apart
        if record.get("run_id") != run_id:
            raise UntrustedRun(_("{path} is not the record of this job's run").format(path=where))
        return LastRun(record, where)
    if not committed and folder is not None and _as_committed(root, where):
        said = _(
            "{path} is the one committed to the repository, so no run here wrote it; "
            "a run's record counts only in the work tree where dgbot made it"
        )
        raise UntrustedRun(said.format(path=where))
    if check_commit:
        _made_at_head(root, record, where, required=folder is not None and not committed)
    return LastRun(record, where)


def _made_at_head(root: Path, record: dict[str, Any], where: str, required: bool) -> None:
    """UntrustedRun unless the record was made at the commit checked out now."""
    state = record.get("repository")
    made_at = state.get("commit") if isinstance(state, dict) else None
    now = head_commit(root)
    if now is None and required:
        said = _("no commit is checked out to tell which one the run of {path} was made at")
        raise UntrustedRun(said.format(path=where))
    if now is not None and made_at != now:
        said = _(
            "the last run was made at commit {made_at}, not at {now} checked out now; "
            "run the notebooks again (`dgbot run`)"
        )
        raise UntrustedRun(said.format(made_at=str(made_at)[:12], now=now[:12]))
