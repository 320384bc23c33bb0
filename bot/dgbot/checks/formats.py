"""formats: the formats each dataset declares against the files under its path."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from dgbot.checks.base import check
from dgbot.checks.filetypes import describe_suffix, group_by_suffix, matches, normal_format, shown_label
from dgbot.checks.metadata import RO_CRATES
from dgbot.checks.scope import (
    Globs,
    clean_path,
    dataset_location,
    dataset_name,
    dataset_span,
    innermost,
    shown,
)
from dgbot.config import Settings
from dgbot.dmp.plan import Dataset, Plan
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import MODE_SUBMODULE, MODE_SYMLINK, Snapshot
from dgbot.words import N_, _, join, ngettext

CHECK = "formats"
EXAMPLES = 3  # datasets named in a message before "and N more"
_NOT_FILES = frozenset({MODE_SUBMODULE, MODE_SYMLINK})  # without a key: a subdataset, or a plain link


# Documentation, metadata and git's own files are not data, by name anywhere ...
NOT_DATA = (".*", "README*", "LICENSE*", "LICENCE*", "COPYING*", "CHANGELOG*", "CHANGES*", "CITATION*")
_NOT_DATA = Globs(NOT_DATA)
# ... and at the top of the repository (the plan itself is left out wherever it is).
NOT_DATA_AT_TOP = ("datacite.yml", "dmp.json", "dmp.yaml", "dmp.yml", *RO_CRATES)


def _not_data(plan: Plan, snapshot: Snapshot) -> set[int]:
    """The files that are not data: by name, in hidden folders (.datalad/), metadata at the top,
    the plan; subdatasets (their files are another repository's) and links that are not annexed."""
    found = set(_NOT_DATA.select(snapshot.name_text))
    found.update(snapshot.path_text.holding("/."))  # inside a hidden folder, at any depth
    found.update(snapshot.path_text.holding(".", at_start=True))  # a hidden file or folder at the top
    for path in (*NOT_DATA_AT_TOP, plan.source):
        index = snapshot.index(path) if path else None
        if index is not None:
            found.add(index)
    found.update(i for i, f in enumerate(snapshot.files) if f.mode in _NOT_FILES and f.key is None)
    return found


def _owned(plan: Plan, snapshot: Snapshot) -> dict[int, list[int]]:
    """The data files (indices) of each dataset that declares formats.

    A file belongs to the deepest dataset holding it, whether that one declares formats or not.
    """
    if not any(d.formats for d in plan.datasets):
        return {}
    paths = [(i, clean_path(d.path)) for i, d in enumerate(plan.datasets) if d.path is not None]
    spans = ((dataset_span(snapshot, path), i, len(path)) for i, path in paths)
    not_data = _not_data(plan, snapshot)
    owned: dict[int, list[int]] = {}
    for i, part in innermost(spans):
        if plan.datasets[i].formats:
            owned.setdefault(i, []).extend(k for k in part if k not in not_data)
    return {i: files for i, files in owned.items() if files}


def _compare(
    snapshot: Snapshot, dataset: Dataset, files: Sequence[int]
) -> tuple[dict[str, list[str]], list[str]]:
    """The paths of each format the dataset holds but does not declare, and the declared formats
    none of its files has."""
    declared = frozenset(normal_format(d) for d in dataset.formats)
    entries = snapshot.files
    undeclared: dict[str, list[str]] = {}
    seen: set[str] = set()
    for suffix, indices in group_by_suffix(snapshot.names, files).items():
        label, tokens = describe_suffix(suffix)
        seen |= tokens
        if not matches(tokens, declared):
            undeclared.setdefault(label, []).extend(entries[index].path for index in indices)
    absent = [
        name for name in dataset.formats if not matches(frozenset(seen), frozenset({normal_format(name)}))
    ]
    return undeclared, absent


def _where(plan: Plan, snapshot: Snapshot, indices: Sequence[int]) -> str:
    """The datasets' folders: "sub-01/", or "12 datasets (sub-01/, sub-02/, sub-03/ and 9 more)"."""
    shown_paths = [shown(clean_path(plan.datasets[i].path or ""), snapshot) for i in indices]
    if len(indices) == 1:
        return shown_paths[0]
    listed = join(shown_paths[:EXAMPLES])
    if len(indices) > EXAMPLES:
        listed = _("{paths} and {count} more").format(paths=listed, count=len(indices) - EXAMPLES)
    return _("{count} datasets ({paths})").format(count=len(indices), paths=listed)


def _declares(plan: Plan, indices: Sequence[int]) -> str:
    """ "dataset "X" does not declare (it declares a, b)", or the same for several datasets."""
    lists = {plan.datasets[i].formats for i in indices}
    if len(indices) == 1:
        dataset = plan.datasets[indices[0]]
        return _("{dataset} does not declare (it declares {formats})").format(
            dataset=dataset_name(dataset), formats=join(dataset.formats)
        )
    if len(lists) == 1:
        return _("they do not declare (they declare {formats})").format(formats=join(next(iter(lists))))
    return _("they do not declare")


def _undeclared(plan: Plan, snapshot: Snapshot, found: dict[str, dict[int, list[str]]]) -> Iterator[Finding]:
    for label, by_dataset in sorted(found.items()):
        indices = sorted(by_dataset)
        paths = [path for i in indices for path in by_dataset[i]]
        first = min(paths)
        files = ngettext("{count} file", "{count} files", len(paths)).format(count=len(paths))
        said = (
            _("{where} holds {files} of type {format} (e.g. {first}), which {declares}")
            if len(indices) == 1
            else _("{where} hold {files} of type {format} (e.g. {first}), which {declares}")
        )
        yield Finding(
            CHECK,
            "undeclared-format",
            Severity.WARNING,
            said.format(
                where=_where(plan, snapshot, indices),
                files=files,
                format=shown_label(label),
                first=first,
                declares=_declares(plan, indices),
            ),
            Location(path=first),
            hint=_("add the format to the dataset's formats in the plan, or move the files"),
        )


def _absent(plan: Plan, snapshot: Snapshot, found: dict[str, list[int]]) -> Iterator[Finding]:
    for name, indices in found.items():
        first = plan.datasets[indices[0]]
        if len(indices) == 1:
            said = _('{dataset} declares the format "{format}", but no file in {path} has it').format(
                dataset=dataset_name(first), format=name, path=shown(clean_path(first.path or ""), snapshot)
            )
        else:
            said = _('{datasets} declare the format "{format}", but no file in them has it').format(
                datasets=_where(plan, snapshot, indices), format=name
            )
        yield Finding(
            CHECK,
            "missing-format",
            Severity.NOTICE,
            said,
            dataset_location(plan, first),
        )


@check(
    CHECK,
    N_("File formats"),
    Severity.WARNING,
    N_(
        "The formats a dataset declares (media types such as text/csv, or names such as NIfTI "
        "or HDF5) against the files under its path, recognised by extension from dgbot's own "
        "table (IANA media types, BIDS file extensions): files of a format the dataset does not "
        "declare are reported, and so are declared formats no file has, one finding per format "
        "however many datasets share it. Each file belongs to the most specific dataset holding "
        "it; README, LICENSE, hidden files and folders (.datalad/), datacite.yml, the plan, "
        "subdatasets and links that are not annexed files are not data."
    ),
)
def check_formats(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Declared formats against the files present, per format over all datasets."""
    undeclared: dict[str, dict[int, list[str]]] = {}
    absent: dict[str, list[int]] = {}
    for index, files in sorted(_owned(plan, snapshot).items()):
        kinds, missing = _compare(snapshot, plan.datasets[index], files)
        for label, paths in kinds.items():
            undeclared.setdefault(label, {})[index] = paths
        for name in missing:
            absent.setdefault(name, []).append(index)
    yield from _undeclared(plan, snapshot, undeclared)
    yield from _absent(plan, snapshot, absent)
