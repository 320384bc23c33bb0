"""Saving the experiment's records: the last run as a DataLad run record (`dgbot record`), pushed if asked."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from dgbot.steps import head, inside, load_plan, summary


def record_run(repo: Path, message: str, sibling: str | None = None) -> dict[str, Any]:
    """Record the last run like `dgbot record [--push sibling]`; a refusal or failure stops the notebook."""
    from dgbot.record.datalad import record_run as record

    plan, settings = load_plan(repo)
    done = record(repo, settings, message, push=sibling, structure=plan.dataset_structure)
    if done.findings:
        raise RuntimeError("; ".join(f"{f.location}: {f.message}" for f in done.findings))
    return {
        "recorded": done.commit is not None,  # False: the run changed nothing since the last commit
        "commit": head(repo),
        "sibling": sibling,
        "results": summary(done.results),
    }


def annexed_counts(repo: Path) -> dict[str, int]:
    """How many files of each data folder (each parameter set's output_data/ too) are in git-annex."""
    from dgbot.record.annex_rules import DATA_FOLDERS
    from dgbot.record.parameter_sets import OUTPUTS, parameter_folders

    folders = [*DATA_FOLDERS, *(f"{name}/{OUTPUTS}" for name in parameter_folders(repo))]
    return {folder: len(annexed(repo, folder)) for folder in folders if inside(repo, folder).is_dir()}


def pushed(repo: Path, sibling: str) -> dict[str, Any]:
    """Whether the sibling's branch is at this commit (the push happened when the run was recorded)."""
    branch = _git(repo, "symbolic-ref", "--short", "HEAD")
    remote = _git(repo, "ls-remote", sibling, f"refs/heads/{branch}").split("\t", 1)[0]
    local = head(repo)
    return {"sibling": sibling, "branch": branch, "commit": remote or None, "up_to_date": remote == local}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def annexed(repo: Path, folder: str) -> list[str]:
    """Files of `folder` that git-annex manages (for the notebook to show where the data went)."""
    listed = subprocess.run(
        ["git", "annex", "find", "--include=*", str(inside(repo, folder))],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return sorted(line for line in listed.stdout.splitlines() if line)
