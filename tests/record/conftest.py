"""Real git, git-annex and DataLad for record tests: the snapshot tests' isolated environment."""

from __future__ import annotations

from snapshot.conftest import git_env, run

__all__ = ["git_env", "run"]
