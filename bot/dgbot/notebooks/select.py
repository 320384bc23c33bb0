"""Selection: which notebooks and optional sections a plan gets, read from templates/notebooks.yml."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import yaml

from dgbot.config import Settings
from dgbot.dmp.plan import Access, Plan
from dgbot.errors import ResourceError
from dgbot.resources import read_template

TABLE = "notebooks.yml"
Condition = Mapping[str, tuple[object, ...]]

# The facts a condition in the table may test, each computed from the plan or the settings.
FACTS: Mapping[str, Callable[[Plan, Settings], object]] = MappingProxyType(
    {
        "docker": lambda plan, _: plan.compute.docker,
        "gpu": lambda plan, _: plan.compute.gpu is not None,
        "workflow": lambda plan, _: plan.workflow,
        "structure": lambda plan, _: plan.dataset_structure or "none",
        "sibling": lambda _, settings: settings.sibling is not None,
        "personal_data": lambda plan, _: plan.personal_or_sensitive,
        "publication": lambda plan, _: any(
            d.access in (Access.OPEN, Access.EMBARGOED) for d in plan.datasets
        ),
        "embargo": lambda plan, _: any(d.access is Access.EMBARGOED for d in plan.datasets),
        "size_limit": lambda plan, _: plan.size_limit is not None,
        "reproducibility": lambda plan, _: bool(
            plan.reproducibility.outputs or plan.reproducibility.notebooks
        ),
    }
)


@dataclass(frozen=True)
class NotebookSpec:
    """One row of the table: a template, the file it becomes and the plan values it takes."""

    template: str
    file: str
    parameters: tuple[str, ...]
    when: Condition


@dataclass(frozen=True)
class Table:
    version: int
    notebooks: tuple[NotebookSpec, ...]
    sections: Mapping[str, Condition]


def _condition(raw: Any, where: str) -> Condition:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict) or any(name not in FACTS for name in raw):
        raise ResourceError(f"{TABLE}: {where}: a condition maps facts ({', '.join(FACTS)}) to values")
    return MappingProxyType({k: tuple(v) if isinstance(v, list) else (v,) for k, v in raw.items()})


@cache
def load_table() -> Table:
    """The selection table shipped in templates/ (a broken table is a packaging bug)."""
    try:
        raw = yaml.safe_load(read_template(TABLE))
        rows = tuple(
            NotebookSpec(
                str(row["template"]),
                str(row["file"]),
                tuple(row.get("parameters", ())),
                _condition(row.get("when"), f"notebook {row['template']}"),
            )
            for row in raw["notebooks"]
        )
        sections = {str(k): _condition(v, f"section {k}") for k, v in raw["sections"].items()}
        return Table(int(raw["version"]), rows, MappingProxyType(sections))
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ResourceError(f"{TABLE} is broken: {exc}") from exc


def facts(plan: Plan, settings: Settings) -> dict[str, object]:
    """Every fact about the plan (and settings) that the table may test."""
    return {name: compute(plan, settings) for name, compute in FACTS.items()}


def holds(condition: Condition, known: Mapping[str, object]) -> bool:
    return all(known[name] in allowed for name, allowed in condition.items())


@dataclass(frozen=True)
class Selection:
    notebooks: tuple[NotebookSpec, ...]
    sections: frozenset[str]  # the sections kept
    known_sections: frozenset[str]  # every section of the table


def select(plan: Plan, settings: Settings) -> Selection:
    """The notebooks and sections the plan calls for."""
    table, known = load_table(), facts(plan, settings)
    return Selection(
        tuple(spec for spec in table.notebooks if holds(spec.when, known)),
        frozenset(name for name, condition in table.sections.items() if holds(condition, known)),
        frozenset(table.sections),
    )
