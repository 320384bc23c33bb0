"""Snapshots of a repository's files, from git and git-annex metadata, without content."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from dgbot.snapshot.git import snapshot_commit
from dgbot.snapshot.model import FileEntry, Sizes, Snapshot, sizes
from dgbot.snapshot.worktree import snapshot_worktree

__all__ = [
    "FileEntry",
    "Sizes",
    "Snapshot",
    "sizes",
    "snapshot_commit",
    "snapshot_worktree",
    "start_snapshot",
]


def start_snapshot(root: Path, commit: str | None) -> Future[Snapshot]:
    """The snapshot of `commit` (or of the work tree), taken in a background thread.

    git lists and reads the tree while the caller goes on (e.g. imports what will check it);
    the future's result is the snapshot, or raises what taking it raised.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dgbot-snapshot")
    try:
        return pool.submit(snapshot_commit, root, commit) if commit else pool.submit(snapshot_worktree, root)
    finally:
        pool.shutdown(wait=False)
