"""A re-run aside (`dgbot ci`, the reproducibility notebook): what it starts from and what it keeps.

The re-run works in a private copy of the work tree; what it wrote there is kept in
`<report>/rerun/` for people to compare, and the repository's own files are never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dgbot.errors import UnsafePathError
from dgbot.fs.read import open_regular
from dgbot.fs.write import copy_file, staged_folder, write_file
from dgbot.snapshot import FileEntry, Snapshot

ASIDE = "rerun"  # under the report folder
MARKER = ".dgbot-rerun"  # in the folder: dgbot's own, replaced by the next re-run


def to_copy(before: Snapshot, report: str) -> list[str]:
    """The files the copy starts with: the work tree's, the report folder aside."""
    prefix = report.rstrip("/") + "/"
    return [e.path for e in before.files if not e.path.startswith(prefix) and e.mode != 0o160000]


def keep_aside(within: Path, folder: Path, scratch: Path, changed: Iterable[FileEntry]) -> list[str]:
    """Copy the files the re-run wrote in `scratch` into `folder` (replacing the last re-run's)."""
    kept = []
    with staged_folder(within, folder, MARKER) as staging:
        write_file(within, staging / MARKER, "written by dgbot: the outputs of the last re-run\n", sync=False)
        for entry in changed:
            try:  # a link the notebook made, pointing anywhere: never followed
                with open_regular(scratch, entry.path) as handle:
                    copy_file(within, staging / entry.path, handle, sync=False)
            except (UnsafePathError, OSError):
                continue
            kept.append(entry.path)
    return sorted(kept)
