"""formats: the formats each dataset declares against the files under its path."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

from dgbot.checks.base import check
from dgbot.checks.mediatypes import CASE_SENSITIVE, COMPRESSIONS, FORMATS
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
_DOUBLE = tuple(ext for ext in FORMATS if ext.count(".") == 2)
# Last extensions that may end a two-part suffix (".nii.gz", ".ome.tif", ".csv.bz2").
_SECOND_HALVES = frozenset({"." + ext.rpartition(".")[2] for ext in _DOUBLE} | set(COMPRESSIONS))
# What an extension looks like: letters and digits. "lh.pbt.sub-01_T1w" has none: its last
# part is a name, and then so are the parts before it.
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")


def _suffix(name: str) -> str:
    """The extension that decides a format: ".nii.gz", ".csv.gz", ".h5"; "" for none."""
    last = name.rfind(".")
    if last < 0:
        return ""
    if name[0] == ".":  # a hidden file's name: its leading dots are no extension
        return _extension(name)
    # It depends on the last two extensions only: one look-up per distinct pair, not per file.
    second = name.rfind(".", 0, last)
    return _tail_extension(name[second if second >= 0 else last :])


def _extension(name: str) -> str:
    parts = name.lstrip(".").split(".")[1:]
    if not parts or not _EXTENSION.fullmatch(parts[-1]):
        return ""
    if f".{parts[-1]}" in CASE_SENSITIVE:
        return f".{parts[-1]}"
    lower = [part.lower() for part in parts[-2:]]
    if len(lower) == 2 and _EXTENSION.fullmatch(lower[0]):
        pair = f".{lower[0]}.{lower[1]}"
        if pair in FORMATS or f".{lower[1]}" in COMPRESSIONS:
            return pair
    return f".{lower[-1]}"


@cache
def _tail_extension(tail: str) -> str:
    return _extension("x" + tail)


def _by_suffix(names: Sequence[str], files: Iterable[int]) -> dict[str, list[int]]:
    """The files (indices) of each suffix, grouped by their last extension first.

    A last extension decides the suffix alone unless it may be the second half of one
    (.gz, .tif); those files are grouped again by their last two. A hidden file's name is
    a group of its own ("\\0" and the name: no name holds a NUL).
    """
    by_last: defaultdict[str, list[int]] = defaultdict(list)
    for index in files:
        name = names[index]
        by_last[name[name.rfind(".") :] if name[0] != "." else "\0" + name].append(index)
    grouped: defaultdict[str, list[int]] = defaultdict(list)
    for last, indices in by_last.items():
        if last[0] == "\0":
            grouped[_suffix(last[1:])].extend(indices)
        elif last[0] != ".":  # no "." in these names: the key is their last letter
            grouped[""].extend(indices)
        elif last.lower() not in _SECOND_HALVES:
            grouped[_tail_extension(last)].extend(indices)
        else:
            by_two: defaultdict[str, list[int]] = defaultdict(list)
            for index in indices:
                name = names[index]
                second = name.rfind(".", 0, len(name) - len(last))
                by_two[name[second:] if second >= 0 else last].append(index)
            for tail, same in by_two.items():
                grouped[_tail_extension(tail)].extend(same)
    return dict(grouped)


# Labels that are not media types, in English (cached with `_describe`); `_shown` translates them.
_UNKNOWN = N_('"{extension}" (unknown to dgbot)')
_NO_EXTENSION = N_("unknown (no extension)")
_COMPRESSED = N_("{format} ({compression}-compressed)")
_WORDED: dict[str, tuple[str, dict[str, str]]] = {}  # English label -> its template and fields


def _worded(template: str, **fields: str) -> str:
    label = template.format(**fields)
    _WORDED[label] = (template, fields)
    return label


def _shown(label: str) -> str:
    """A label of `_describe` in the run's language (a media type stays as it is)."""
    if label not in _WORDED:
        return label
    template, fields = _WORDED[label]
    return _(template).format(**{name: _shown(value) for name, value in fields.items()})


@cache
def _describe(ext: str) -> tuple[str, frozenset[str]]:
    known = FORMATS.get(ext)
    tokens = {ext, ext[1:], ext.lower(), ext[1:].lower()} if ext else set()
    if known is not None:
        return known.media_type, frozenset({known.media_type, *known.names, *known.also, *tokens})
    inner, _dot, outer = ext.rpartition(".")
    compression = COMPRESSIONS.get(f".{outer}") if inner else None
    if compression is not None:  # ".asc.gz": the inner format, compressed
        label, inside = _describe(inner)
        compressed = FORMATS[f".{outer}"]
        if label.startswith(('"', "unknown")):
            label = compression
        else:
            label = _worded(_COMPRESSED, format=label, compression=compressed.names[0])
        return label, frozenset({*inside, compression, *compressed.names, *tokens})
    if not ext:
        return _worded(_NO_EXTENSION), frozenset()
    return _worded(_UNKNOWN, extension=ext), frozenset(tokens)


def describe(name: str) -> tuple[str, frozenset[str]]:
    """A file's format: a label for messages, and every token a plan may call it by."""
    return _describe(_suffix(name))


def _normal(declared: str) -> str:
    return declared.split(";")[0].strip().lower().removeprefix(".")


def matches(tokens: frozenset[str], declared: frozenset[str]) -> bool:
    """True when a file's tokens meet a declared format (wildcards like image/* allowed)."""
    if tokens & declared:
        return True
    majors = {d[:-1] for d in declared if d.endswith("/*")}
    return any(t.startswith(m) for t in tokens for m in majors)


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
    declared = frozenset(_normal(d) for d in dataset.formats)
    entries = snapshot.files
    undeclared: dict[str, list[str]] = {}
    seen: set[str] = set()
    for suffix, indices in _by_suffix(snapshot.names, files).items():
        label, tokens = _describe(suffix)
        seen |= tokens
        if not matches(tokens, declared):
            undeclared.setdefault(label, []).extend(entries[index].path for index in indices)
    absent = [name for name in dataset.formats if not matches(frozenset(seen), frozenset({_normal(name)}))]
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
                format=_shown(label),
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
