"""dgbot's block in `.gitignore`: the report folder, which each run writes anew, stays out of git."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from dgbot.fs.managed import ensure_block, escape_pattern

BEGIN = "# >>> dgbot: reports each run writes anew, never committed (managed; edits are replaced)"


def report_pattern(root: Path, report_dir: str) -> str | None:
    """The report folder as a .gitignore line anchored at the top; None when it lies outside `root`."""
    relative = os.path.relpath(os.path.abspath(Path(root, report_dir)), os.path.abspath(root))
    parts = PurePosixPath(Path(relative).as_posix()).parts
    if not parts or parts[0] in (".", "..") or relative == ".":
        return None
    return "/" + escape_pattern("/".join(parts)) + "/"


def ensure_ignored_reports(root: Path, report_dir: str) -> bool:
    """Put the report folder in dgbot's block of `.gitignore`; True when the file changed."""
    pattern = report_pattern(root, report_dir)
    if pattern is None:
        return False
    return ensure_block(root, ".gitignore", BEGIN, [pattern])
