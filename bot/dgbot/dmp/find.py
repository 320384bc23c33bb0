"""Finding the plan file of a repository, in a work tree or at a commit."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from dgbot.records import Finding, Location, Severity
from dgbot.words import _

PLAN_NAMES = ("dmp.json", "dmp.yaml", "dmp.yml")


def safe_relative(name: str) -> str | None:
    """`name` as a clean repository-relative path, or None if it is absolute or leaves the repository."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        return None
    return path.as_posix()


def choose_plan(
    exists: Callable[[str], bool], configured: str | None = None
) -> tuple[str | None, Finding | None]:
    """The repository-relative name of the plan, or a finding saying why there is none."""
    if configured is not None:
        name = safe_relative(configured)
        if name is None:
            said = _("the plan path {path} in .dgbot.yml leaves the repository").format(path=repr(configured))
            return None, _missing(said, ".dgbot.yml")
        if exists(name):
            return name, None
        said = _("the plan file {path} named in .dgbot.yml does not exist").format(path=configured)
        return None, _missing(said, configured)
    present = [name for name in PLAN_NAMES if exists(name)]
    if len(present) == 1:
        return present[0], None
    if not present:
        return None, _missing(_("no plan found: add dmp.json or dmp.yaml at the top of the repository"), ".")
    said = _("two plans found ({names}); keep one, or name it with `dmp:` in .dgbot.yml")
    return None, _missing(said.format(names=_(" and ").join(present)), present[1])


def find_plan(repo: Path, configured: str | None = None) -> tuple[Path | None, Finding | None]:
    """The plan file in a work tree; a symlink counts as there (loading it is refused with a finding)."""

    def exists(name: str) -> bool:
        return os.path.lexists(repo / name)

    name, missing = choose_plan(exists, configured)
    return (repo / name if name is not None else None), missing


def _missing(message: str, path: str) -> Finding:
    return Finding("dmp.load", "no-plan", Severity.ERROR, message, Location(path))
