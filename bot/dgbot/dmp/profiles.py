"""Funder DMP profiles (basic, AMED, JST, METI, Moonshot) to the fields of a Plan.

The document may hold holes: a plan with schema errors is read with its wrong values taken
out (dgbot.dmp.partial), so every field is read with .get and checked for its type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from dgbot.dmp.access import dataset_access
from dgbot.dmp.plan import Compute, Dataset, Gpu, Person, Reproducibility, Tristate
from dgbot.dmp.units import format_size, read_size

Doc = Mapping[str, Any]
Keys = Mapping[str, str]  # Dataset field -> the key a profile's data entry uses for it

UNTITLED = "Untitled plan"

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
_FUNDER_KEYS = {**_BASIC_KEYS, "planned_size": "dataAmount", "release": "releasePolicy"}
_AMED_KEYS = {
    **_FUNDER_KEYS,
    "available_from": "availabilityStarts",
    "informed_consent": "gotInformedConsent",
}
_METI_KEYS = {**_FUNDER_KEYS, "release": "releaseLevel"}
_AMOUNTS = {"dataAmount"}  # the prototype's free-text amounts: "約50GB" is read too
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
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


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


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _date(value: Any) -> str | None:
    """A date as written, if it is an ISO date (forms of the prototype may hold any text)."""
    return value if isinstance(value, str) and _ISO_DATE.match(value) else None


def _mapping(value: Any) -> Doc:
    return value if isinstance(value, Mapping) else {}


def _tristate(value: Any) -> Tristate:
    return Tristate(value) if value in ("yes", "no", "unknown") else Tristate.UNKNOWN


def _dataset(entry: Doc, at: tuple[str | int, ...], keys: Keys) -> Dataset:
    value: dict[str, Any] = {field: entry.get(key) for field, key in keys.items()}
    size_key, release = keys["planned_size"], keys.get("release")
    size = read_size(value["planned_size"], approximate=size_key in _AMOUNTS)
    json_path = _json_path(*at)
    return Dataset(
        title=_text(value["title"]) or f"(untitled, {json_path})",
        path=_text(value["path"]),
        description=_text(value["description"]),
        planned_size=size,
        access=dataset_access(entry, keys["access"], release),
        license=_text(value["license"]),
        available_from=_date(value["available_from"]),
        issued=_date(value["issued"]),
        personal_data=_tristate(value["personal_data"]),
        sensitive_data=_tristate(value["sensitive_data"]),
        informed_consent=_tristate(value["informed_consent"]),
        formats=tuple(f for f in value["formats"] or () if isinstance(f, str)),
        json_path=json_path,
        planned_size_at=_json_path(*at, size_key) if size is not None else None,
        access_from=release if release is not None and release in entry else None,
    )


def _datasets(entries: Any, at: tuple[str, ...], keys: Keys) -> tuple[Dataset, ...]:
    if not isinstance(entries, list):
        return ()
    return tuple(
        _dataset(entry, (*at, i), keys) for i, entry in enumerate(entries) if isinstance(entry, Mapping)
    )


def _basic(data: Doc) -> _Funder:
    return _Funder(funder=None, language="eng")


def _project_title(data: Doc) -> str | None:
    return _text(_mapping(data.get("project")).get("title")) or None


def _amed(data: Doc) -> _Funder:
    entries = _mapping(data.get("researches")).get("data")
    datasets = _datasets(entries, ("researches", "data"), _AMED_KEYS)
    return _Funder("AMED", "jpn", _project_title(data), _date(data.get("createDate")), datasets)


def _jst(data: Doc) -> _Funder:
    datasets = _datasets(data.get("researches"), ("researches",), _FUNDER_KEYS)
    return _Funder("JST", "jpn", _project_title(data), _date(data.get("createDate")), datasets)


def _meti(data: Doc) -> _Funder:
    datasets = _datasets(data.get("researches"), ("researches",), _METI_KEYS)
    title = _text(data.get("agreementTitle")) or None
    return _Funder("METI", "jpn", title, _date(data.get("submitDate")), datasets)


def _moonshot(data: Doc) -> _Funder:
    size = data.get("fileSize")
    entry = {**data, "fileSize": _MOONSHOT_SIZE.get(size) if isinstance(size, str) else None}
    dataset = _dataset(entry, (), _MOONSHOT_KEYS)
    funder = _text(data.get("funder")) or "Moonshot"
    return _Funder(funder, "jpn", _text(data.get("projectName")) or None, datasets=(dataset,))


_PROFILES: dict[str, Callable[[Doc], _Funder]] = {
    "basic": _basic,
    "amed": _amed,
    "jst": _jst,
    "meti": _meti,
    "moonshot": _moonshot,
}


def _ethical_issues(data: Doc, datasets: tuple[Dataset, ...]) -> Tristate:
    if data.get("ethicalIssues") in ("yes", "no", "unknown"):
        return Tristate(data["ethicalIssues"])
    answers = [(d.personal_data, d.sensitive_data) for d in datasets]
    if any(Tristate.YES in pair for pair in answers):
        return Tristate.YES
    if answers and all(pair == (Tristate.NO, Tristate.NO) for pair in answers):
        return Tristate.NO
    return Tristate.UNKNOWN


def _contact(block: Any) -> Person | None:
    if not isinstance(block, Mapping) or not _text(block.get("name")):
        return None
    return Person(
        name=block["name"],
        mbox=_text(block.get("mbox")),
        identifier=_text(block.get("orcid")),
        affiliation=_text(block.get("affiliation")),
    )


def _gpu(block: Any) -> Gpu | None:
    if not isinstance(block, Mapping):
        return None
    count = block.get("count", 1)
    return Gpu(
        count if isinstance(count, int) else 1, read_size(block.get("minMemory")), _text(block.get("cuda"))
    )


def _compute(data: Doc) -> Compute:
    block = _mapping(data.get("compute"))
    return Compute(
        docker=data.get("useDocker") in (True, "YES"),
        docker_image=_text(block.get("dockerImage")),
        gpu=_gpu(block.get("gpu")),
    )


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _reproducibility(block: Doc) -> Reproducibility:
    return Reproducibility(notebooks=_texts(block.get("notebooks")), outputs=_texts(block.get("outputs")))


def _limit(value: Any) -> tuple[int | None, str | None]:
    """contentSize in bytes, and as the plan writes it."""
    size = read_size(value)
    if size is None:
        return None, None
    return size, value if isinstance(value, str) else format_size(size)


def profile_fields(data: Doc) -> dict[str, Any]:
    """Plan keyword arguments (all but source, sha256, form) of a profile document (holes allowed)."""
    profile = data["schema"]
    if profile not in _PROFILES:
        raise ValueError(f"unknown DMP profile {profile!r}")
    own = _PROFILES[profile](data)
    datasets = _datasets(data.get("datasets"), ("datasets",), _BASIC_KEYS) + own.datasets
    size_limit, size_limit_label = _limit(data.get("contentSize"))
    return {
        "profile": profile,
        "title": _text(data.get("title")) or own.title or UNTITLED,
        "description": _text(data.get("description")),
        "language": _text(data.get("language")) or own.language,
        "funder": own.funder,
        "created": _text(data.get("created")) or own.created,
        "modified": _text(data.get("modified")),
        "dmp_id": _text(data.get("dmpId")),
        "contact": _contact(data.get("contact")),
        "ethical_issues": _ethical_issues(data, datasets),
        "workflow": _text(data.get("workflowIdentifier")) or "basic",
        "size_limit": size_limit,
        "size_limit_label": size_limit_label,
        "dataset_structure": _text(data.get("datasetStructure")),
        "datasets": datasets,
        "compute": _compute(data),
        "reproducibility": _reproducibility(_mapping(data.get("reproducibility"))),
    }
