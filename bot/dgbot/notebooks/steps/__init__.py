"""What the cells of generated workflow notebooks call: dgbot's library, not logic pasted in cells.

Each function takes plain values (the notebook's papermill parameters) and returns a plain
record that the cell displays, so an executed notebook is its own record of what happened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dgbot.dmp.find import PLAN_NAMES, safe_relative
from dgbot.errors import UsageError

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


def show(record: Any) -> None:
    """Print a record as stable, readable JSON (the executed notebook keeps it as output)."""
    print(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False, default=str))
