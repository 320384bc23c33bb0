"""An RDA maDMP document to Plan fields (the governance view of it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dgbot.dmp.plan import Access, Compute, Dataset, Gpu, Person, Tristate

_OPENNESS = {"open": 3, "shared": 2, "closed": 1}
_GPU = re.compile(r"\bgpus?\b", re.IGNORECASE)
_REPO_PATH = re.compile(r"^(?![/.])(?!.*(?:^|/)\.\.(?:/|$))[\w.-]+(?:/[\w.-]+)*/?$")


def _path(dataset_id: Any) -> str | None:
    """A dataset_id of type "other" written as a repository path names the dataset's folder."""
    identifier = _identifier(dataset_id)
    if isinstance(dataset_id, Mapping) and dataset_id.get("type") == "other" and identifier:
        return identifier if _REPO_PATH.match(identifier) else None
    return None


def _tristate(value: Any) -> Tristate:
    return Tristate(value) if value in ("yes", "no", "unknown") else Tristate.UNKNOWN


def _identifier(block: Any) -> str | None:
    if isinstance(block, Mapping) and isinstance(block.get("identifier"), str):
        return str(block["identifier"])
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _size_at(index: int, raw: Mapping[str, Any]) -> str | None:
    """The JSON path of the dataset's one byte_size, if it has exactly one."""
    sized = [
        i
        for i, d in enumerate(_list(raw.get("distribution")))
        if isinstance(d, Mapping) and isinstance(d.get("byte_size"), int)
    ]
    return f"$.dmp.dataset[{index}].distribution[{sized[0]}].byte_size" if len(sized) == 1 else None


def _dataset(index: int, raw: Mapping[str, Any]) -> Dataset:
    distributions = [d for d in _list(raw.get("distribution")) if isinstance(d, Mapping)]
    sizes = [d["byte_size"] for d in distributions if isinstance(d.get("byte_size"), int)]
    accesses = [d["data_access"] for d in distributions if d.get("data_access") in _OPENNESS]
    licenses = [lic for d in distributions for lic in _list(d.get("license")) if isinstance(lic, Mapping)]
    formats = sorted({f for d in distributions for f in _list(d.get("format")) if isinstance(f, str)})
    return Dataset(
        title=str(raw.get("title", "")),
        path=_path(raw.get("dataset_id")),
        description=raw.get("description"),
        planned_size=sum(sizes) if sizes else None,
        access=Access(max(accesses, key=_OPENNESS.__getitem__)) if accesses else None,
        license=licenses[0].get("license_ref") if licenses else None,
        available_from=licenses[0].get("start_date") if licenses else None,
        issued=raw.get("issued"),
        personal_data=_tristate(raw.get("personal_data")),
        sensitive_data=_tristate(raw.get("sensitive_data")),
        formats=tuple(formats),
        json_path=f"$.dmp.dataset[{index}]",
        planned_size_at=_size_at(index, raw),
    )


def _contact(raw: Any) -> Person | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        return None
    return Person(name=raw["name"], mbox=raw.get("mbox"), identifier=_identifier(raw.get("contact_id")))


def _funder(dmp: Mapping[str, Any]) -> str | None:
    for project in _list(dmp.get("project")):
        for funding in _list(project.get("funding")) if isinstance(project, Mapping) else []:
            if isinstance(funding, Mapping) and (found := _identifier(funding.get("funder_id"))):
                return found
    return None


def _compute(dmp: Mapping[str, Any]) -> Compute:
    names = [
        f"{r.get('name', '')} {r.get('description', '')}"
        for d in _list(dmp.get("dataset"))
        for r in (_list(d.get("technical_resource")) if isinstance(d, Mapping) else [])
        if isinstance(r, Mapping)
    ]
    return Compute(gpu=Gpu() if any(_GPU.search(n) for n in names) else None)


def madmp_fields(data: Mapping[str, Any], version: str) -> dict[str, Any]:
    """Plan keyword arguments from a maDMP document (holes of dgbot.dmp.partial allowed)."""
    dmp = data["dmp"]
    datasets = [(i, d) for i, d in enumerate(_list(dmp.get("dataset"))) if isinstance(d, Mapping)]
    return {
        "profile": f"madmp-{version}",
        "title": str(dmp.get("title") or "Untitled plan"),
        "description": dmp.get("description"),
        "language": dmp.get("language", "eng"),
        "funder": _funder(dmp),
        "created": dmp.get("created"),
        "modified": dmp.get("modified"),
        "dmp_id": _identifier(dmp.get("dmp_id")),
        "contact": _contact(dmp.get("contact")),
        "ethical_issues": _tristate(dmp.get("ethical_issues_exist")),
        "datasets": tuple(_dataset(i, d) for i, d in datasets),
        "compute": _compute(dmp),
    }
