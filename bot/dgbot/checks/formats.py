"""formats: the formats each dataset declares against the files under its path."""

from __future__ import annotations

import mimetypes
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from dgbot.checks.base import check
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
from dgbot.snapshot.model import Snapshot
from dgbot.words import N_, _, join, ngettext

CHECK = "formats"


@dataclass(frozen=True)
class Format:
    media_type: str
    names: tuple[str, ...] = ()  # what plans call it, lower case
    also: tuple[str, ...] = ()  # formats it is built on (NWB is HDF5)


def _formats(fmt: Format, *extensions: str) -> dict[str, Format]:
    return dict.fromkeys(extensions, fmt)


# Research formats, by extension (double extensions first); the stdlib table does the rest.
RESEARCH_FORMATS: dict[str, Format] = {
    **_formats(Format("application/x-nifti", ("nifti", "nifti-1", "nifti-2", "nii")), ".nii.gz", ".nii"),
    **_formats(Format("image/tiff", ("ome-tiff", "ome tiff", "tiff")), ".ome.tif", ".ome.tiff"),
    **_formats(Format("text/x-fastq", ("fastq",), ("application/gzip",)), ".fastq.gz", ".fq.gz"),
    **_formats(Format("application/x-hdf5", ("hdf5", "hdf", "h5")), ".h5", ".hdf5", ".he5"),
    ".nwb": Format("application/x-nwb", ("nwb", "neurodata without borders"), ("application/x-hdf5",)),
    **_formats(Format("application/x-edf", ("edf", "edf+", "european data format")), ".edf"),
    ".bdf": Format("application/x-bdf", ("bdf", "biosemi")),
    ".mat": Format("application/x-matlab-data", ("mat", "matlab")),
    ".parquet": Format("application/vnd.apache.parquet", ("parquet", "apache parquet")),
    ".ipynb": Format("application/x-ipynb+json", ("ipynb", "jupyter notebook", "jupyter")),
    **_formats(Format("application/x-npy", ("npy", "numpy")), ".npy", ".npz"),
    **_formats(Format("application/yaml", ("yaml",)), ".yaml", ".yml"),
    ".extxyz": Format("chemical/x-xyz", ("extxyz", "xyz")),
    ".fif": Format("application/x-fif", ("fif", "mne")),
    **_formats(Format("application/x-eeglab", ("eeglab",)), ".set", ".fdt"),
    **_formats(Format("application/x-brainvision", ("brainvision",)), ".vhdr", ".vmrk", ".eeg"),
    ".dcm": Format("application/dicom", ("dicom", "dcm")),
    **_formats(Format("application/x-freesurfer-mgh", ("mgh", "mgz", "freesurfer")), ".mgz", ".mgh"),
    ".gii": Format("application/x-gifti", ("gifti",)),
    **_formats(Format("text/x-fastq", ("fastq",)), ".fastq", ".fq"),
    **_formats(Format("text/x-fasta", ("fasta",)), ".fasta", ".fa"),
    ".bam": Format("application/x-bam", ("bam",)),
    ".vcf": Format("text/x-vcf", ("vcf",)),
    ".czi": Format("application/x-czi", ("czi",)),
    ".nd2": Format("application/x-nd2", ("nd2",)),
    ".pdb": Format("chemical/x-pdb", ("pdb",)),
    ".cif": Format("chemical/x-cif", ("cif", "mmcif")),
    ".r": Format("text/x-r", ("r",)),
    ".jl": Format("text/x-julia", ("julia",)),
}
_ENCODINGS = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}
_COMPRESSED = (".gz", ".bz2", ".xz")
# Documentation and git's own files are not data.
NOT_DATA = (".*", "README*", "LICENSE*", "LICENCE*", "COPYING*", "CHANGELOG*", "CHANGES*", "CITATION*")
_NOT_DATA = Globs(NOT_DATA)
_DOUBLE = tuple(ext for ext in RESEARCH_FORMATS if ext.count(".") == 2)
# Last extensions that may end a two-part suffix (".nii.gz", ".ome.tif", ".csv.bz2").
_SECOND_HALVES = frozenset({"." + ext.rpartition(".")[2] for ext in _DOUBLE} | set(_COMPRESSED))


@cache
def _stdlib() -> mimetypes.MimeTypes:
    return mimetypes.MimeTypes()  # the built-in table only, not the machine's /etc/mime.types


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
    lower = name.lower()
    if lower.endswith(_DOUBLE):
        return next(ext for ext in _DOUBLE if lower.endswith(ext))
    parts = lower.lstrip(".").split(".")[1:]
    if len(parts) >= 2 and f".{parts[-1]}" in _COMPRESSED:
        return f".{parts[-2]}.{parts[-1]}"
    return f".{parts[-1]}" if parts else ""


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


@cache
def _known(ext: str) -> tuple[str | None, frozenset[str]]:
    """The media type of an extension (None: unknown) and every token a plan may call it by."""
    known = RESEARCH_FORMATS.get(ext)
    if known is not None:
        return known.media_type, frozenset({known.media_type, *known.names, *known.also, ext, ext[1:]})
    media_type, encoding = _stdlib().guess_type("file" + ext, strict=False)
    tokens = {ext, ext[1:]} if ext else set()
    if encoding in _ENCODINGS:
        tokens.add(_ENCODINGS[encoding])
        media_type = media_type or _ENCODINGS[encoding]
    if media_type is None:
        return None, frozenset(tokens)
    return media_type, frozenset({media_type, *tokens})


def _describe(ext: str) -> tuple[str, frozenset[str]]:
    media_type, tokens = _known(ext)
    if media_type is not None:
        return media_type, tokens
    label = (
        _('"{extension}" (unknown to dgbot)').format(extension=ext) if ext else _("unknown (no extension)")
    )
    return label, tokens


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


def _owned(plan: Plan, snapshot: Snapshot) -> dict[int, list[int]]:
    """The data files (indices) of each dataset that declares formats.

    A file belongs to the deepest dataset holding it, whether that one declares formats or not.
    """
    if not any(d.formats for d in plan.datasets):
        return {}
    paths = [(i, clean_path(d.path)) for i, d in enumerate(plan.datasets) if d.path is not None]
    spans = ((dataset_span(snapshot, path), i, len(path)) for i, path in paths)
    not_data = set(_NOT_DATA.select(snapshot.name_text))
    owned: dict[int, list[int]] = {}
    for i, part in innermost(spans):
        if plan.datasets[i].formats:
            owned.setdefault(i, []).extend(k for k in part if k not in not_data)
    return {i: files for i, files in owned.items() if files}


def _compare(plan: Plan, snapshot: Snapshot, dataset: Dataset, files: Sequence[int]) -> Iterator[Finding]:
    declared = frozenset(_normal(d) for d in dataset.formats)
    where = shown(clean_path(dataset.path or ""), snapshot)
    names, entries = snapshot.names, snapshot.files
    by_suffix = _by_suffix(names, files)
    undeclared: dict[str, list[str]] = {}
    seen: set[str] = set()
    for suffix, indices in by_suffix.items():
        label, tokens = _describe(suffix)
        seen |= tokens
        if not matches(tokens, declared):
            undeclared.setdefault(label, []).extend(entries[index].path for index in indices)
    for label, paths in sorted(undeclared.items()):
        first = min(paths)
        said = ngettext(
            "{path} holds {count} file of type {format} (e.g. {first}), which {dataset} "
            "does not declare (it declares {declared})",
            "{path} holds {count} files of type {format} (e.g. {first}), which {dataset} "
            "does not declare (it declares {declared})",
            len(paths),
        )
        yield Finding(
            CHECK,
            "undeclared-format",
            Severity.WARNING,
            said.format(
                path=where,
                count=len(paths),
                format=label,
                first=first,
                dataset=dataset_name(dataset),
                declared=join(dataset.formats),
            ),
            Location(path=first),
            hint=_("add the format to the dataset's formats in the plan, or move the files"),
        )
    for name in dataset.formats:
        if not matches(frozenset(seen), frozenset({_normal(name)})):
            yield Finding(
                CHECK,
                "missing-format",
                Severity.NOTICE,
                _('{dataset} declares the format "{format}", but no file in {path} has it').format(
                    dataset=dataset_name(dataset), format=name, path=where
                ),
                dataset_location(plan, dataset),
            )


@check(
    CHECK,
    N_("File formats"),
    Severity.WARNING,
    N_(
        "The formats a dataset declares (media types such as text/csv, or names such as NIfTI "
        "or HDF5) against the files under its path, recognised by extension: files of a format "
        "the dataset does not declare are reported, and so are declared formats no file has. "
        "Each file belongs to the most specific dataset holding it; README, LICENSE and hidden "
        "files are not data."
    ),
)
def check_formats(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Declared formats against the files present, per dataset."""
    owned = _owned(plan, snapshot)
    for index, dataset in enumerate(plan.datasets):
        if dataset.formats and owned.get(index):
            yield from _compare(plan, snapshot, dataset, owned[index])
