"""`dgbot package`: an RO-Crate (Process Run Crate) of the repository, its last run and its plan."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from dgbot.dmp.plan import Plan
from dgbot.errors import UnsafePathError
from dgbot.fs.budget import HashBudget
from dgbot.fs.read import open_regular
from dgbot.fs.write import boundary, copy_file, staged_folder, write_file
from dgbot.record import crate_entities as entities
from dgbot.snapshot import FileEntry, snapshot_worktree

METADATA = "ro-crate-metadata.json"
PROCESS_RUN_CRATE = "https://w3id.org/ro/wfrun/process/0.5"
_LEFT_OUT = (".git", ".gitattributes", ".gitignore", ".gitmodules", ".datalad/", METADATA)


def build_crate(
    root: Path,
    plan: Plan,
    record: Mapping[str, Any] | None,
    out: Path | None = None,
    budget: HashBudget | None = None,
) -> Any:
    """The crate (an rocrate.ROCrate) of the work tree, the runs in `record` and the plan; `out` left out.

    Files that are not regular files inside the repository are left out; `budget.skipped` says why.
    """
    from rocrate.rocrate import ROCrate

    leave_out = None
    if out is not None and out.resolve() != root.resolve() and out.resolve().is_relative_to(root.resolve()):
        leave_out = out.resolve().relative_to(root.resolve()).as_posix()
    crate = ROCrate(gen_preview=False)  # RO-Crate 1.3, whose JSON-LD context the rocrate package ships
    _describe_root(crate, plan)
    budget = budget if budget is not None else HashBudget()
    files = {e.path: e for e in snapshot_worktree(root).files if _kept(e, leave_out)}
    added = {path: entities.add_file(crate, root, entry, budget) for path, entry in files.items()}
    by_path = {path: entity for path, entity in added.items() if entity is not None}
    dmp = by_path.get(plan.source) or entities.add_file(
        crate, root, FileEntry(plan.source, 0o100644, None), budget
    )
    if dmp is None:  # the plan was read moments ago; it cannot be refused now
        raise UnsafePathError(f"{plan.source} cannot be read any more", path=plan.source)
    dmp["name"] = "Data Management Plan"
    dmp["encodingFormat"] = "application/json" if plan.source.endswith(".json") else "application/yaml"
    crate.root_dataset["subjectOf"] = dmp
    agent = entities.add_person(crate, plan)
    for notebook in (record or {}).get("notebooks", ()):
        action = entities.add_action(crate, by_path, record or {}, notebook, agent)
        crate.root_dataset.append_to("mentions", action)
    if record and record.get("notebooks"):
        profile = entities.add_profile(crate, PROCESS_RUN_CRATE, "Process Run Crate", "0.5")
        crate.root_dataset.append_to("conformsTo", profile)
    return crate


def _copy_in(root: Path, relative: str, staging: Path) -> None:
    """Copy a file of the crate into the staging folder: a regular file inside the repository only.

    No fsync per file (3 ms each): the crate appears whole or not at all by the staged folder's rename.
    """
    try:
        with open_regular(root, relative, follow=True) as source:
            copy_file(staging, staging / relative, source, sync=False)
    except FileNotFoundError:
        return  # gone since the crate was built


def _kept(entry: FileEntry, leave_out: str | None) -> bool:
    if entry.mode == 0o160000 or any(entry.path == p or entry.path.startswith(p) for p in _LEFT_OUT):
        return False
    return leave_out is None or not entry.path.startswith(leave_out.rstrip("/") + "/")


def _describe_root(crate: Any, plan: Plan) -> None:
    root = crate.root_dataset
    root["name"] = plan.title
    root["description"] = plan.description or f"Data, code and workflow runs of {plan.title}"
    root["datePublished"] = plan.modified or plan.created or datetime.now(UTC).isoformat(timespec="seconds")
    licences = sorted({d.license for d in plan.datasets if d.license})
    if licences:
        root["license"] = [entities.add_licence(crate, licence) for licence in licences]
        if len(licences) == 1:
            root["license"] = root["license"][0]


def write_crate(crate: Any, root: Path, out: Path) -> Path:
    """Write the crate's metadata to `out`; elsewhere than in place, with copies of the files present."""
    document = json.dumps(crate.metadata.generate(), indent=2, ensure_ascii=False) + "\n"
    if os.path.abspath(out) == os.path.abspath(root):
        write_file(root, root / METADATA, document)
        return root / METADATA
    with staged_folder(boundary(out.parent, root), out, METADATA) as staging:
        for entity in crate.data_entities:
            relative = unquote(entity.id)
            if "File" in entity.type and not relative.startswith("#"):  # annexed, no content: described
                _copy_in(root, relative, staging)
        write_file(staging, staging / METADATA, document)
    return out / METADATA
