"""Snapshots of a repository's files, from git and git-annex metadata, without content."""

from __future__ import annotations

from dgbot.snapshot.git import snapshot_commit, snapshot_worktree
from dgbot.snapshot.model import FileEntry, Sizes, Snapshot, sizes

__all__ = ["FileEntry", "Sizes", "Snapshot", "sizes", "snapshot_commit", "snapshot_worktree"]
