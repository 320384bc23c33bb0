"""Funder DMP profiles (basic, AMED, JST, METI, Moonshot) to the fields of a Plan."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from dgbot.dmp.plan import Access, Compute, Dataset, Gpu, Person, Reproducibility, Tristate
from dgbot.dmp.units import parse_size

Doc = Mapping[str, Any]
Keys = Mapping[str, str]  # Dataset field -> the key a profile's data entry uses for it

UNTITLED = "Untitled plan"

# Every funder vocabulary onto the Plan's access levels; Moonshot labels are looked up by
# the English part in parentheses, "公開 (open access)" -> "open access".
_ACCESS: dict[str, Access] = {
    **{access.value: access for access in Access},
    "Unshared": Access.CLOSED,
    "Restricted Closed Sharing": Access.SHARED,
    "Restricted Open Sharing": Access.SHARED,
    "Unrestricted Open Sharing": Access.OPEN,
    "open access": Access.OPEN,
    "restricted access": Access.SHARED,
    "embargoed access": Access.EMBARGOED,
    "metadata only access": Access.CLOSED,
}
_PARENTHESIZED = re.compile(r"\(([^()]*)\)\s*$")

# Moonshot sizes are ranges: the plan keeps the upper bound, none for ">100GB".
_MOONSHOT_SIZE = {"<1GB": "1GB", "1-10GB": "10GB", "10-100GB": "100GB"}

_BASIC_KEYS = {
    **{name: name for name in ("title", "path", "description", "license", "issued", "formats")},
    "planned_size": "plannedSize",
    "access": "accessRights",
    "available_from": "availableFrom",
    "personal_data": "personalData",
    "sensitive_data": "sensitiveData",
    "informed_consent": "informedConsent",
}
_FUNDER_KEYS = {**_BASIC_KEYS, "planned_size": "dataAmount"}
_AMED_KEYS = {
    **_FUNDER_KEYS,
    "available_from": "availabilityStarts",
    "informed_consent": "gotInformedConsent",
}
_MOONSHOT_KEYS = {
    **_BASIC_KEYS,
    "title": "dataTitle",
    "path": "dataPath",
    "description": "dataDescription",
    "planned_size": "fileSize",
    "available_from": "availableDate",
    "issued": "dataPublished",
}

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Funder(NamedTuple):
    """What a profile's own blocks contribute to the Plan."""

    funder: str | None
    language: str
    title: str | None = None
    created: str | None = None
    datasets: tuple[Dataset, ...] = ()


def _json_path(*parts: str | int) -> str:
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.match(part):
            path += f".{part}"
        else:
            path += "['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return path


def _access(label: str | None) -> Access | None:
    if label is None:
        return None
    match = _PARENTHESIZED.search(label)
    return _ACCESS.get(match.group(1) if match else label)


def _size(value: str | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return parse_size(value)


def _tristate(value: str | None) -> Tristate:
    return Tristate.UNKNOWN if value is None else Tristate(value)


def _dataset(entry: Doc, json_path: str, keys: Keys) -> Dataset:
    value: dict[str, Any] = {field: entry.get(key) for field, key in keys.items()}
    return Dataset(
        title=value["title"],
        path=value["path"],
        description=value["description"],
        planned_size=_size(value["planned_size"]),
        access=_access(value["access"]),
        license=value["license"],
        available_from=value["available_from"],
        issued=value["issued"],
        personal_data=_tristate(value["personal_data"]),
        sensitive_data=_tristate(value["sensitive_data"]),
        informed_consent=_tristate(value["informed_consent"]),
        formats=tuple(value["formats"] or ()),
        json_path=json_path,
    )


def _datasets(entries: Iterable[Doc], at: tuple[str, ...], keys: Keys) -> tuple[Dataset, ...]:
    return tuple(_dataset(entry, _json_path(*at, i), keys) for i, entry in enumerate(entries))


def _basic(data: Doc) -> _Funder:
    return _Funder(funder=None, language="eng")


def _amed(data: Doc) -> _Funder:
    entries = data["researches"]["data"]
    datasets = _datasets(entries, ("researches", "data"), _AMED_KEYS)
    return _Funder("AMED", "jpn", data["project"]["title"], data["createDate"], datasets)


def _jst(data: Doc) -> _Funder:
    datasets = _datasets(data["researches"], ("researches",), _FUNDER_KEYS)
    return _Funder("JST", "jpn", data["project"]["title"], data["createDate"], datasets)


def _meti(data: Doc) -> _Funder:
    datasets = _datasets(data.get("researches", ()), ("researches",), _FUNDER_KEYS)
    return _Funder("METI", "jpn", data["agreementTitle"], data.get("submitDate"), datasets)


def _moonshot(data: Doc) -> _Funder:
    entry = {**data, "fileSize": _MOONSHOT_SIZE.get(data.get("fileSize", ""))}
    dataset = _dataset(entry, "$", _MOONSHOT_KEYS)
    return _Funder(data["funder"], "jpn", data["projectName"], datasets=(dataset,))


_PROFILES: dict[str, Callable[[Doc], _Funder]] = {
    "basic": _basic,
    "amed": _amed,
    "jst": _jst,
    "meti": _meti,
    "moonshot": _moonshot,
}


def _ethical_issues(data: Doc, datasets: tuple[Dataset, ...]) -> Tristate:
    if "ethicalIssues" in data:
        return Tristate(data["ethicalIssues"])
    answers = [(d.personal_data, d.sensitive_data) for d in datasets]
    if any(Tristate.YES in pair for pair in answers):
        return Tristate.YES
    if answers and all(pair == (Tristate.NO, Tristate.NO) for pair in answers):
        return Tristate.NO
    return Tristate.UNKNOWN


def _contact(block: Doc | None) -> Person | None:
    if block is None:
        return None
    return Person(
        name=block["name"],
        mbox=block.get("mbox"),
        identifier=block.get("orcid"),
        affiliation=block.get("affiliation"),
    )


def _gpu(block: Doc | None) -> Gpu | None:
    if block is None:
        return None
    return Gpu(block.get("count", 1), _size(block.get("minMemory")), block.get("cuda"))


def _compute(data: Doc) -> Compute:
    block = data.get("compute", {})
    return Compute(
        docker=data.get("useDocker") in (True, "YES"),
        docker_image=block.get("dockerImage"),
        gpu=_gpu(block.get("gpu")),
    )


def _reproducibility(block: Doc) -> Reproducibility:
    return Reproducibility(
        notebooks=tuple(block.get("notebooks", ())), outputs=tuple(block.get("outputs", ()))
    )


def profile_fields(data: Doc) -> dict[str, Any]:
    """Plan keyword arguments (all but source, sha256, form) of a schema-valid profile document."""
    profile = data["schema"]
    if profile not in _PROFILES:
        raise ValueError(f"unknown DMP profile {profile!r}")
    own = _PROFILES[profile](data)
    datasets = _datasets(data.get("datasets", ()), ("datasets",), _BASIC_KEYS) + own.datasets
    return {
        "profile": profile,
        "title": data.get("title") or own.title or UNTITLED,
        "description": data.get("description"),
        "language": data.get("language", own.language),
        "funder": own.funder,
        "created": data.get("created") or own.created,
        "modified": data.get("modified"),
        "dmp_id": data.get("dmpId"),
        "contact": _contact(data.get("contact")),
        "ethical_issues": _ethical_issues(data, datasets),
        "workflow": data["workflowIdentifier"],
        "size_limit": parse_size(data["contentSize"]),
        "size_limit_label": data["contentSize"],
        "dataset_structure": data["datasetStructure"],
        "datasets": datasets,
        "compute": _compute(data),
        "reproducibility": _reproducibility(data.get("reproducibility", {})),
    }
