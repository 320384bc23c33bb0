"""Monitoring: dgbot's own checks (volume, structure, metadata) run on the repository's work tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dgbot.steps import load_plan


def monitor(repo: Path, checks: Iterable[str]) -> dict[str, Any]:
    """Run the named checks on the work tree: each check's status and findings (data, not a crash)."""
    from dgbot.checks import REGISTRY
    from dgbot.checks.base import run_check, visible
    from dgbot.snapshot import snapshot_worktree

    plan, settings = load_plan(repo)
    snapshot = visible(snapshot_worktree(repo), settings.ignore)
    results: dict[str, Any] = {}
    for name in checks:
        result = run_check(REGISTRY[name], plan, snapshot, settings)
        results[name] = {
            "status": result.status.value,
            "findings": [f"{f.severity.value}: {f.location}: {f.message}" for f in result.findings],
        }
    return results


def volume(repo: Path) -> dict[str, Any]:
    """The experiment data's total size against the plan's limit, with the volume check's verdict."""
    from dgbot.checks.scope import experiment_data
    from dgbot.snapshot import sizes, snapshot_worktree

    plan, _ = load_plan(repo)
    total = sizes(experiment_data(plan, snapshot_worktree(repo)))
    share = round(100 * total.total / plan.size_limit, 2) if plan.size_limit else None
    return {
        "bytes": total.total,
        "files": total.files,
        "limit": plan.size_limit,
        "percent_of_limit": share,
        "unknown_size": list(total.unknown),
    }


def conclude(results: dict[str, Any], strict: bool) -> dict[str, Any]:
    """The failed checks; with `strict` (e.g. in CI) a failure stops the notebook."""
    failures = sorted(name for name, result in results.items() if result["status"] != "success")
    if strict and failures:
        raise RuntimeError(f"monitoring failed: {', '.join(failures)}")
    return {"checks": sorted(results), "failed": failures}
