"""The plan values a notebook may take as papermill parameters: plain JSON data, never code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from dgbot import __version__
from dgbot.config import Settings
from dgbot.dmp.plan import Dataset, Plan


def _dataset(dataset: Dataset) -> dict[str, Any]:
    return {
        "title": dataset.title,
        "path": dataset.path,
        "access": dataset.access.value if dataset.access else None,
        "license": dataset.license,
        "available_from": dataset.available_from,
        "planned_size": dataset.planned_size,
        "personal_data": dataset.personal_data.value,
        "sensitive_data": dataset.sensitive_data.value,
        "formats": list(dataset.formats),
    }


def _contact(plan: Plan) -> dict[str, Any] | None:
    person = plan.contact
    if person is None:
        return None
    return {"name": person.name, "mbox": person.mbox, "affiliation": person.affiliation}


def _gpu(plan: Plan) -> dict[str, Any] | None:
    gpu = plan.compute.gpu
    return None if gpu is None else {"count": gpu.count, "min_memory": gpu.min_memory, "cuda": gpu.cuda}


Value = Callable[[Plan, Settings], Any]
VALUES: Mapping[str, Value] = MappingProxyType(
    {
        "title": lambda plan, _: plan.title,
        "description": lambda plan, _: plan.description,
        "funder": lambda plan, _: plan.funder,
        "profile": lambda plan, _: plan.profile,
        "workflow": lambda plan, _: plan.workflow,
        "contact": lambda plan, _: _contact(plan),
        "date": lambda plan, _: plan.modified or plan.created,
        "ci_notebooks": lambda plan, _: list(plan.reproducibility.notebooks),
        "dgbot_version": lambda _, __: __version__,  # not a plan value: the dgbot the kernel needs
        "docker": lambda plan, _: plan.compute.docker,
        "docker_image": lambda plan, _: plan.compute.docker_image,
        "gpu": lambda plan, _: _gpu(plan),
        "experiment": lambda _, settings: settings.experiment,
        "experiment_parameters": lambda _, settings: dict(sorted(settings.experiment_parameters.items())),
        "dataset_structure": lambda plan, _: plan.dataset_structure,
        "sibling": lambda _, settings: settings.sibling,
        "datasets": lambda plan, _: [_dataset(d) for d in plan.datasets],
        "size_limit": lambda plan, _: plan.size_limit,
        "size_limit_label": lambda plan, _: plan.size_limit_label,
    }
)


def parameters(names: tuple[str, ...], plan: Plan, settings: Settings) -> dict[str, Any]:
    """The named values, in the table's order, for papermill to write into the injected cell."""
    return {name: VALUES[name](plan, settings) for name in names}


def text_values(plan: Plan, settings: Settings) -> dict[str, str]:
    """Values Markdown cells may show as {{name}} (escaped before they are placed)."""
    found = {
        name: VALUES[name](plan, settings)
        for name in (
            "title",
            "description",
            "funder",
            "profile",
            "workflow",
            "experiment",
            "size_limit_label",
            "dataset_structure",
        )
    }
    return {name: "" if value is None else str(value) for name, value in found.items()}
