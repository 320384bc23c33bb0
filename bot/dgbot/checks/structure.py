"""structure: the folders the plan's datasetStructure requires, and every path the plan declares."""

from __future__ import annotations

from collections.abc import Iterator

from dgbot.checks.base import check
from dgbot.checks.scope import clean_path, dataset_location, dataset_name, plan_location
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import Snapshot
from dgbot.words import N_, _

CHECK = "structure"
# The NII-DG layout keeps one experiment package per folder under experiments/; without
# that folder the repository itself is the one experiment.
PACKAGES = "experiments"
REQUIRED = {
    "with_code": ("source", "input_data", "output_data"),
    "for_parameters": ("source", "input_data"),
}
# A parameter folder is a folder of an experiment, other than these, holding params/ or
# output_data/; it must hold both.
PARAMETER_PARTS = ("params", "output_data")
NOT_PARAMETERS = frozenset({"source", "input_data", "output_data"})
STRUCTURE_FIELD = "$.datasetStructure"


def _join(root: str, name: str) -> str:
    return f"{root}/{name}" if root else name


def _children(snapshot: Snapshot, root: str) -> list[str]:
    return list(snapshot.subfolders.get(root, ()))


def _present(snapshot: Snapshot, folder: str) -> bool:
    """A folder holding a file, or a subdataset there (DataLad keeps inputs as subdatasets)."""
    if folder in snapshot.folders:
        return True
    entry = snapshot.find(folder)
    return entry is not None and entry.subdataset


def experiments(snapshot: Snapshot) -> list[str]:
    """Experiment folders: each experiments/<package>, or the repository root ("")."""
    return _children(snapshot, PACKAGES) or [""]


def _missing(snapshot: Snapshot, folder: str, why: str) -> Finding:
    said = (
        _("{why} needs the folder {folder}/, which is a file")
        if snapshot.find(folder) is not None
        else _("{why} needs the folder {folder}/, which is missing or empty")
    )
    return Finding(
        CHECK,
        "missing-folder",
        Severity.ERROR,
        said.format(why=why, folder=folder),
        Location(path=folder),
        hint=_("git keeps no empty folders: add at least one file, e.g. an empty {folder}/.gitkeep").format(
            folder=folder
        ),
    )


def _parameter_folders(snapshot: Snapshot, root: str) -> list[str]:
    return [
        folder
        for folder in _children(snapshot, root)
        if folder.rsplit("/", 1)[-1] not in NOT_PARAMETERS
        and not folder.rsplit("/", 1)[-1].startswith(".")
        and any(_present(snapshot, _join(folder, part)) for part in PARAMETER_PARTS)
    ]


def _layout(plan: Plan, snapshot: Snapshot, root: str) -> Iterator[Finding]:
    structure = plan.dataset_structure or ""
    why = _('the plan\'s datasetStructure "{structure}"').format(structure=structure)
    for name in REQUIRED[structure]:
        if not _present(snapshot, _join(root, name)):
            yield _missing(snapshot, _join(root, name), why)
    if structure != "for_parameters":
        return
    found = _parameter_folders(snapshot, root)
    if not found:
        where = f"{root}/" if root else _("the repository")
        yield Finding(
            CHECK,
            "no-parameter-folder",
            Severity.ERROR,
            _(
                "{why} needs at least one parameter folder in {where}, such as {example}/ "
                "holding params/ and output_data/; there is none"
            ).format(why=why, where=where, example=_join(root, "param_1")),
            plan_location(plan, STRUCTURE_FIELD),
        )
    for folder in found:
        for part in PARAMETER_PARTS:
            if not _present(snapshot, _join(folder, part)):
                of = _("the parameter folder {folder}/ of {why}").format(folder=folder, why=why)
                yield _missing(snapshot, _join(folder, part), of)


def _dataset_paths(plan: Plan, snapshot: Snapshot) -> Iterator[Finding]:
    for dataset in plan.datasets:
        if dataset.path is None:
            continue
        path = clean_path(dataset.path)
        if not path or path in snapshot.folders or snapshot.find(path) is not None:
            continue
        yield Finding(
            CHECK,
            "missing-dataset-path",
            Severity.ERROR,
            _(
                "the plan puts {dataset} at {path}, but the repository has no file or non-empty folder there"
            ).format(dataset=dataset_name(dataset), path=path),
            dataset_location(plan, dataset),
            hint=_(
                "add the data, or an empty {path}/.gitkeep while the folder has no data yet; "
                "or correct the path in the plan"
            ).format(path=path),
        )


@check(
    CHECK,
    N_("Dataset structure"),
    Severity.ERROR,
    N_(
        "The folders the plan's datasetStructure asks for: with_code needs source/, input_data/ "
        "and output_data/; for_parameters needs source/, input_data/ and at least one parameter "
        "folder holding params/ and output_data/. They are checked in every experiments/<package>/ "
        "when the repository has an experiments/ folder, else at its top. Every path the plan "
        "gives a dataset must exist. A folder counts when it holds a file, since git keeps no "
        "empty folders, or when it is a subdataset (a git submodule)."
    ),
)
def check_structure(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Required folders per experiment, and the datasets' paths."""
    if plan.dataset_structure in REQUIRED:
        for root in experiments(snapshot):
            yield from _layout(plan, snapshot, root)
    yield from _dataset_paths(plan, snapshot)
