"""Saving the experiment's records with DataLad: data folders to git-annex, code and notebooks to git."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dgbot.errors import UsageError
from dgbot.notebooks.steps import inside

# Data folders get their own .gitattributes so DataLad annexes everything in them, whatever the
# dataset's own rules (e.g. text2git) say; everything else is saved to git.
DATA_RULE = "* annex.largefiles=anything\n.gitattributes annex.largefiles=nothing\n"


def _dataset(repo: Path) -> None:
    if not (repo / ".datalad").is_dir():
        raise UsageError(f"{repo} is not a DataLad dataset; make it one with `datalad create --force {repo}`")


def _summary(results: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        key = f"{result.get('action')}:{result.get('status')}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def save_records(repo: Path, message: str, data_folders: Iterable[str]) -> dict[str, Any]:
    """`datalad save` the data folders (annexed), then the rest of the repository (to git)."""
    import datalad.api as dl

    _dataset(repo)
    folders = [inside(repo, name) for name in data_folders]
    present = [folder for folder in folders if folder.is_dir()]
    for folder in present:
        rules = folder / ".gitattributes"
        if not rules.exists():
            rules.write_text(DATA_RULE, encoding="utf-8")
    options: dict[str, Any] = {"result_renderer": "disabled", "return_type": "list", "on_failure": "stop"}
    results = []
    if present:
        results += dl.save(dataset=str(repo), path=[str(f) for f in present], message=message, **options)
    results += dl.save(dataset=str(repo), message=message, to_git=True, **options)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True)
    return {
        "commit": head.stdout.strip(),
        "data_folders": [f.relative_to(repo.resolve()).as_posix() for f in present],
        "results": _summary(results),
    }


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


def push_records(repo: Path, sibling: str) -> dict[str, Any]:
    """`datalad push` the dataset (git history and annexed data) to the configured sibling."""
    import datalad.api as dl

    _dataset(repo)
    results = dl.push(
        dataset=str(repo), to=sibling, result_renderer="disabled", return_type="list", on_failure="stop"
    )
    return {"sibling": sibling, "results": _summary(results)}
