"""Snapshots of a repository's files, from git and git-annex metadata, without content."""

from __future__ import annotations

import threading
from pathlib import Path

from dgbot.snapshot.git import snapshot_commit
from dgbot.snapshot.model import FileEntry, Sizes, Snapshot, sizes
from dgbot.snapshot.worktree import snapshot_worktree

__all__ = [
    "FileEntry",
    "Sizes",
    "Snapshot",
    "Taking",
    "sizes",
    "snapshot_commit",
    "snapshot_worktree",
    "start_snapshot",
]


class Taking:
    """A snapshot being taken in a background thread; `result` waits for it.

    A plain thread, not concurrent.futures, which would import logging into every check.
    """

    def __init__(self, root: Path, commit: str | None):
        self._root, self._commit = root, commit
        self._snapshot: Snapshot | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._take, name="dgbot-snapshot", daemon=True)
        self._thread.start()

    def _take(self) -> None:
        try:
            root, commit = self._root, self._commit
            self._snapshot = snapshot_commit(root, commit) if commit else snapshot_worktree(root)
        except BaseException as error:  # raised again by `result`, in the caller's thread
            self._error = error

    def result(self) -> Snapshot:
        """The snapshot, or raises what taking it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._snapshot is not None
        return self._snapshot


def start_snapshot(root: Path, commit: str | None) -> Taking:
    """The snapshot of `commit` (or of the work tree), taken in a background thread.

    git lists and reads the tree while the caller goes on (e.g. imports what will check it);
    the result is the snapshot, or raises what taking it raised.
    """
    return Taking(root, commit)
