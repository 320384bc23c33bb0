"""Generation: templates → workflow notebooks for a plan, deterministic to the byte."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

import nbformat

from dgbot import __version__
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.errors import ResourceError, UsageError
from dgbot.notebooks.content import CellHashes, cell_hashes, dump, parse
from dgbot.notebooks.execute import parameterize
from dgbot.notebooks.select import NotebookSpec, Selection, select
from dgbot.notebooks.text import fill, placeholders
from dgbot.notebooks.values import parameters, text_values
from dgbot.resources import read_template

PLAN_CELL = "plan-parameters"  # the cell of plan values papermill wrote
LANGUAGES = ("en", "ja")
# The first line of the cell papermill writes, in the notebook's language.
PLAN_COMMENT = {
    "en": "# Values dgbot took from the plan (papermill wrote them; values given at run time come after)",
    "ja": "# dgbot が計画から取り出した値（papermill が書き込み、実行時に与えた値はこの後に入ります）",
}


@dataclass(frozen=True)
class Generated:
    """One generated notebook: its file name in the notebook folder and its exact text."""

    name: str
    template: str
    text: str
    cells: CellHashes
    parameters: dict[str, Any]


@cache
def _template(name: str) -> nbformat.NotebookNode:
    notebook = parse(read_template(f"{name}.ipynb"))
    ids = [cell.get("id") for cell in notebook.cells]
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", ())]
    if len(tagged) != 1 or len(set(ids)) != len(ids) or None in ids:
        raise ResourceError(f"template {name}: needs one `parameters` cell and unique cell ids")
    for cell in notebook.cells:
        if cell.cell_type != "markdown" and placeholders(cell.source):
            raise ResourceError(f"template {name} cell {cell.id}: placeholders belong in Markdown only")
        comment = cell.metadata.get("dgbot", {}).get("comment", {}) if cell.cell_type == "code" else {}
        if cell.cell_type == "code" and not all(comment.get(language) for language in LANGUAGES):
            raise ResourceError(f"template {name} cell {cell.id}: needs metadata.dgbot.comment in en and ja")
    return notebook


def _keep(cell: Any, language: str, chosen: Selection, where: str) -> bool:
    for tag in cell.metadata.get("tags", ()):
        kind, _, value = tag.partition("-")
        if kind == "lang" and value != language:
            return False
        if kind == "section":
            if value not in chosen.known_sections:
                raise ResourceError(f"{where}: unknown section {value!r} (add it to notebooks.yml)")
            if value not in chosen.sections:
                return False
    return True


def _clean(cell: Any, language: str) -> Any:
    tags = [t for t in cell.metadata.get("tags", ()) if not t.startswith(("lang-", "section-"))]
    comment = cell.metadata.pop("dgbot", {}).get("comment")
    if comment:  # what the cell does, on its first line, in the notebook's language
        cell.source = f"# {comment[language]}\n{cell.source}"
    if tags:
        cell.metadata["tags"] = tags
    else:
        cell.metadata.pop("tags", None)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def _cells(
    template: nbformat.NotebookNode, spec: NotebookSpec, chosen: Selection, plan: Plan, settings: Settings
) -> list[Any]:
    texts = text_values(plan, settings)
    kept = []
    for cell in template.cells:
        where = f"template {spec.template} cell {cell.id}"
        if not _keep(cell, settings.language, chosen, where):
            continue
        cell = _clean(copy.deepcopy(cell), settings.language)
        if cell.cell_type == "markdown":
            cell.source = fill(cell.source, texts, where)
        kept.append(cell)
    return kept


def _retag(cell: Any, language: str) -> None:
    """The plan's values become the `parameters` cell, so values given to papermill at run time
    (injected after that cell) override them while the template's defaults come first."""
    tags = cell.metadata.tags
    if "injected-parameters" in tags:
        cell.id = PLAN_CELL  # papermill gives it a random id
        tags[:] = ["parameters"]
        first, _, rest = cell.source.partition("\n")  # papermill's own "# Parameters" line
        cell.source = f"{PLAN_COMMENT[language]}\n{rest}" if first.startswith("#") else cell.source
    elif "parameters" in tags:
        tags.remove("parameters")
    if not tags:
        del cell.metadata["tags"]


def generate_one(spec: NotebookSpec, chosen: Selection, plan: Plan, settings: Settings) -> Generated:
    """One notebook: cells chosen, Markdown filled, plan values injected by papermill, provenance kept."""
    template = _template(spec.template)
    notebook = nbformat.from_dict({"cells": [], "metadata": copy.deepcopy(dict(template.metadata))})  # type: ignore[no-untyped-call]
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    version = notebook.metadata.pop("dgbot", {}).get("template_version", 1)
    notebook.cells = _cells(template, spec, chosen, plan, settings)
    values = parameters(spec.parameters, plan, settings)
    for cell in notebook.cells:
        cell.metadata.setdefault("tags", [])  # papermill looks for tags on every cell
    notebook = parameterize(notebook, values)
    for cell in notebook.cells:
        _retag(cell, settings.language)
    hashes = cell_hashes(notebook)
    notebook.metadata["dgbot"] = {
        "version": __version__,
        "template": {"id": spec.template, "version": version},
        "plan": {"path": plan.source, "sha256": plan.sha256},
        "language": settings.language,
        "cells": [f"{cell}:{digest}" for cell, digest in hashes],
    }
    return Generated(spec.file, spec.template, dump(notebook), hashes, values)


def generate(plan: Plan, settings: Settings) -> tuple[Generated, ...]:
    """Every notebook the plan calls for, in the table's order."""
    if settings.language not in LANGUAGES:
        raise UsageError(f"no notebook templates in language {settings.language!r} (en or ja)")
    chosen = select(plan, settings)
    return tuple(generate_one(spec, chosen, plan, settings) for spec in chosen.notebooks)
