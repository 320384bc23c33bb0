"""The one way to reach data shipped with dgbot: JSON Schemas, notebook templates, message catalogs."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dgbot.errors import ResourceError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

# In a wheel the data lives in dgbot/_data/; in an editable install (source tree) it
# lives at the repository root next to bot/.
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


@cache
def _data_root() -> Traversable:
    # A wheel installed as files, or the source tree, need no importlib.resources (nor zipfile)
    installed = Path(__file__).resolve().parent / "_data"
    if installed.is_dir():
        return installed
    if (_SOURCE_ROOT / "schemas").is_dir() and (_SOURCE_ROOT / "bot" / "dgbot").is_dir():
        return _SOURCE_ROOT
    from importlib.resources import files

    packaged = files("dgbot") / "_data"  # e.g. inside a zip
    if packaged.is_dir():
        return packaged
    raise ResourceError("dgbot's data files (schemas/, templates/) are missing: reinstall dgbot")


def data_file(kind: str, name: str) -> Traversable:
    """A file under schemas/, templates/, locales/ or ci-templates/, e.g. data_file("schemas", "dmp.json")."""
    if kind not in ("schemas", "templates", "locales", "ci-templates"):
        raise ValueError(f"unknown data kind {kind!r}")
    node = _data_root() / kind
    for part in name.split("/"):
        node = node / part
    return node


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Parse a JSON Schema shipped in schemas/ (cached: schemas never change at run time)."""
    node = data_file("schemas", name)
    try:
        loaded = json.loads(node.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResourceError(f"schema {name} cannot be read: {exc}") from exc
    if not isinstance(loaded, dict):
        raise ResourceError(f"schema {name} is not a JSON object")
    return loaded


def provenance_schema() -> dict[str, Any]:
    """The JSON Schema of the provenance record `dgbot run` writes (schemas/provenance.schema.json)."""
    return load_schema("provenance.schema.json")


def list_data(kind: str, folder: str = "") -> list[str]:
    """Names of the files in a data folder, sorted."""
    node = data_file(kind, folder) if folder else _data_root() / kind
    return sorted(child.name for child in node.iterdir() if child.is_file())


def read_template(name: str) -> str:
    """The text of a file in templates/, e.g. a notebook template or the selection table."""
    try:
        return data_file("templates", name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(f"template {name} cannot be read: {exc}") from exc


def read_ci_template(forge: str) -> str:
    """The CI wiring dgbot delivers to a repository without CI: ci-templates/<forge>/dgbot.yml."""
    try:
        return data_file("ci-templates", f"{forge}/dgbot.yml").read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(f"CI template for {forge} cannot be read: {exc}") from exc


def read_catalog(language: str) -> str:
    """The text of the message catalog of `language` (locales/<language>.po)."""
    try:
        return data_file("locales", f"{language}.po").read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(f"message catalog {language}.po cannot be read: {exc}") from exc
