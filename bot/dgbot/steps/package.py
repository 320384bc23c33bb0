"""Packaging: the repository, its last run and its plan as an RO-Crate, as `dgbot package` writes it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dgbot.errors import UsageError
from dgbot.steps import load_plan


def write_crate(repo: Path) -> dict[str, Any]:
    """Write `ro-crate-metadata.json` at the top of the repository (a Process Run Crate after a run)."""
    from dgbot.fs.budget import HashBudget
    from dgbot.record.crate import build_crate, write_crate
    from dgbot.record.datalad import load_provenance

    plan, settings = load_plan(repo)
    try:
        record = load_provenance(repo, settings, committed=True)
    except UsageError:
        record = None  # no run yet: the crate describes the data, code and plan only
    budget = HashBudget()
    crate = build_crate(repo, plan, record, repo, budget)
    written = write_crate(crate, repo, repo)
    return {
        "crate": written.relative_to(repo).as_posix(),
        "files": len(crate.data_entities),
        "runs": len((record or {}).get("notebooks", ())),
        "left_out": dict(budget.skipped),  # path -> why: not a regular file inside the repository
    }


def read_crate(repo: Path) -> dict[str, Any]:
    """Read the crate back with the rocrate library: its name, profiles and runs."""
    from rocrate.rocrate import ROCrate

    crate = ROCrate(str(repo))
    conforms = crate.root_dataset.get("conformsTo") or []
    profiles = [
        p.id if hasattr(p, "id") else str(p) for p in (conforms if isinstance(conforms, list) else [conforms])
    ]
    runs = [e.id for e in crate.get_entities() if e.type == "CreateAction"]
    return {"name": crate.name, "profiles": sorted(profiles), "runs": len(runs)}


def publication(datasets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The datasets the plan will publish (open or embargoed), with licence and release date."""
    keys = ("title", "path", "access", "license", "available_from")
    return [{key: d.get(key) for key in keys} for d in datasets if d.get("access") in ("open", "embargoed")]


def embargoes(datasets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Embargoed datasets and the date from which they may be released."""
    return [
        {"title": d.get("title"), "path": d.get("path"), "available_from": d.get("available_from")}
        for d in datasets
        if d.get("access") == "embargoed"
    ]
