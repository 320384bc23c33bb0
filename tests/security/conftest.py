"""Hostile repositories are built with real git, git-annex and DataLad: the snapshot tests' environment."""

from __future__ import annotations

from snapshot.conftest import git_env, run

__all__ = ["git_env", "run"]
