"""Saving a work tree with DataLad before a run, so the run starts on a commit `dgbot record` accepts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dgbot.errors import UsageError
from dgbot.fs.ignore import ensure_ignored_reports
from dgbot.record.annex_rules import data_folders, ensure_annex_rules
from dgbot.record.datalad import QUIET, Result, as_result, datalad_quiet
from dgbot.words import _

ANNEX_OBJECTS = "/.git/annex/objects/"


def _dataset(root: Path) -> Any:
    from datalad.api import Dataset

    dataset = Dataset(str(root))
    if not dataset.is_installed():
        said = _("{root} is not a DataLad dataset (create one with `datalad create --force {root}`)")
        raise UsageError(said.format(root=root))
    return dataset


def locked_files(root: Path, folders: Iterable[str]) -> list[str]:
    """Annexed files of `folders` that are locked (links into the annex, which a run cannot rewrite)."""
    found = []
    for folder in folders:
        top = root / folder
        for path in top.rglob("*") if top.is_dir() else ():
            if path.is_symlink() and ANNEX_OBJECTS in path.resolve().as_posix():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def unlock_outputs(root: Path, folders: Iterable[str]) -> list[str]:
    """Unlock the locked annexed files of `folders`, so a re-run rewrites copies, never annex objects."""
    locked = locked_files(root, folders)
    if locked:
        with datalad_quiet():
            for result in _dataset(root).unlock(path=locked, **QUIET):
                if as_result(result).failed:
                    said = _("cannot unlock {path}: {reason}")
                    raise UsageError(said.format(path=result.get("path"), reason=as_result(result).message))
    return locked


def save_state(
    root: Path,
    message: str,
    outputs: Iterable[str] = ("output_data",),
    structure: str | None = None,
    report_dir: str | None = None,
) -> list[Result]:
    """`datalad save` everything (data annexed per the plan's rules), outputs left unlocked and committed.

    The report folder goes into dgbot's block of .gitignore first, so the save never commits it.

    A run rewrites its outputs; locked annexed files would refuse that, and unlocking them only
    at run time would leave the work tree dirty, so the run could not be recorded.
    """
    dataset = _dataset(root)
    with datalad_quiet():
        ensure_annex_rules(root, data_folders(structure))
        if report_dir is not None:
            ensure_ignored_reports(root, report_dir)
        results = [as_result(r) for r in dataset.save(message=message, **QUIET)]
    if not any(r.failed for r in results) and (locked := unlock_outputs(root, outputs)):
        # DataLad sees an unlocked file with the same key as unchanged; git records the new mode.
        dataset.repo.commit(f"{message} (outputs unlocked for the run)", files=locked)
    return results
