"""Packaging: an RO-Crate describing the experiment, written at the top of the repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dgbot.notebooks.steps import inside

CRATE_FILE = "ro-crate-metadata.json"
PARTS = ("source", "input_data", "output_data")
SPDX = "https://spdx.org/licenses/"
MAX_FILES = 10_000  # a crate lists files one by one; beyond this it lists the folders only


def _licence(value: str | None) -> str | None:
    if not value:
        return None
    return value if "://" in value else SPDX + value


def _files(repo: Path, folder: str) -> list[tuple[str, int | None]]:
    from dgbot.snapshot import snapshot_worktree

    snapshot = snapshot_worktree(repo)
    return [(entry.path, entry.size) for entry in snapshot.under(folder)][:MAX_FILES]


def _part(crate: Any, repo: Path, name: str, about: Mapping[str, Any] | None) -> int:
    properties: dict[str, Any] = {"name": (about or {}).get("title") or name}
    licence = _licence((about or {}).get("license"))
    if licence:
        properties["license"] = {"@id": licence}
    if (about or {}).get("access"):
        properties["conditionsOfAccess"] = about["access"]  # type: ignore[index]
    crate.add_dataset(dest_path=f"{name}/", properties=properties)
    files = _files(repo, name)
    for path, size in files:
        crate.add_file(dest_path=path, properties={"contentSize": size} if size is not None else {})
    return len(files)


def build_crate(
    repo: Path,
    title: str,
    description: str | None,
    contact: Mapping[str, Any] | None,
    datasets: Sequence[Mapping[str, Any]],
    date: str | None,
) -> dict[str, Any]:
    """Describe the repository as an RO-Crate (metadata only: the data stay where they are)."""
    from rocrate.model.person import Person
    from rocrate.rocrate import ROCrate

    crate = ROCrate()
    crate.name = title
    crate.description = description or title
    if date:
        crate.datePublished = date
    if contact and contact.get("name"):
        person = crate.add(Person(crate, "#contact", {"name": contact["name"]}))
        crate.root_dataset["author"] = person
    by_path = {str(d.get("path")).strip("/"): d for d in datasets if d.get("path")}
    names = sorted({*PARTS, *by_path})
    counted = {
        name: _part(crate, repo, name, by_path.get(name)) for name in names if inside(repo, name).is_dir()
    }
    crate.metadata.write(repo)
    return {"crate": CRATE_FILE, "parts": counted, "entities": len(crate.get_entities())}


def read_crate(repo: Path) -> dict[str, Any]:
    """Read the crate back with the rocrate library: its name and data entities."""
    from rocrate.rocrate import ROCrate

    crate = ROCrate(str(repo))
    return {"name": crate.name, "parts": sorted(e.id for e in crate.data_entities if e.id.endswith("/"))}


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
