"""What the cells of generated workflow notebooks call: thin wrappers over dgbot's record layer.

Each function takes plain values (the notebook's papermill parameters) and returns a small plain
record that the cell displays, so an executed notebook is its own record of what happened. The
work itself (runs with provenance, DataLad records, RO-Crates, checks) is done by the same code
as `dgbot run`, `dgbot record`, `dgbot package` and `dgbot check`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dgbot.config import Settings
from dgbot.dmp import find_plan, validate_file
from dgbot.dmp.find import PLAN_NAMES, safe_relative
from dgbot.dmp.plan import Plan
from dgbot.dmp.settings import load_settings
from dgbot.errors import PlanError, UsageError

MARKERS = (*PLAN_NAMES, ".dgbot.yml")


def repository(hint: str = "", start: Path | None = None) -> Path:
    """The research repository: `hint` when given, else the nearest folder up from `start` with a plan."""
    if hint:
        found = Path(hint).resolve()
        if not found.is_dir():
            raise UsageError(f"the repository folder {hint} does not exist")
        return found
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in MARKERS):
            return folder
    raise UsageError(
        f"no repository with a plan (dmp.json or dmp.yaml) found at or above {here}; "
        "set the `repository` parameter"
    )


def inside(repo: Path, name: str) -> Path:
    """`name` (from the plan or settings) resolved inside the repository, or refused."""
    clean = safe_relative(name)
    target = (repo / clean).resolve() if clean else None
    if target is None or not target.is_relative_to(repo.resolve()):
        raise UsageError(f"the path {name!r} leaves the repository; it is refused")
    return target


def load_plan(repo: Path) -> tuple[Plan, Settings]:
    """The repository's current plan and settings; an invalid plan stops the notebook with its errors."""
    settings, problems = load_settings(repo)
    if problems:
        raise UsageError("; ".join(f"{p.location}: {p.message}" for p in problems))
    path, missing = find_plan(repo, settings.dmp)
    if path is None:
        raise UsageError(missing.message if missing else "no plan found")
    validation = validate_file(path, path.relative_to(repo).as_posix(), repo)
    if not validation.valid or validation.plan is None:
        errors = [f"{f.location}: {f.message}" for f in validation.findings if f.severity == "error"]
        raise PlanError("the plan is not valid: " + "; ".join(errors), path=validation.path)
    return validation.plan, settings


def show(record: Any) -> None:
    """Show a record as a short table (the executed notebook keeps it as output)."""
    from dgbot.steps.table import show as show_table

    show_table(record)


def head(repo: Path) -> str:
    """The commit the repository's HEAD names."""
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def summary(results: Iterable[Any]) -> dict[str, int]:
    """DataLad results counted by `action:status` (the notebook shows the counts, not every path)."""
    counts: dict[str, int] = {}
    for result in results:
        key = f"{result.action}:{result.status}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))
