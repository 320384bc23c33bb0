"""What the checks look at: a dataset's files, the experiment data, and where in the plan a finding points."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator

from dgbot.dmp.plan import Dataset, Plan
from dgbot.records import Location
from dgbot.snapshot.model import FileEntry, NameText, Snapshot
from dgbot.words import N_, _

# Folders that hold experiment data wherever they are (the NII layout puts them in every
# experiment package, `experiments/<package>/input_data/`).
DATA_FOLDERS = ("input_data", "output_data")
_NAMES = "|".join(DATA_FOLDERS)
_IN_DATA_FOLDER = re.compile(rf"(?:^|/)(?:{_NAMES})/")
_OUTERMOST = re.compile(rf"^((?:[^/]*/)*?(?:{_NAMES}))/")


WHOLE = N_("the whole repository")  # how a dataset path of "", "." or "./" is shown


def clean_path(path: str) -> str:
    """A plan's repository path as snapshots write paths: no "./" parts, no trailing "/".

    "", ".", "./" (and "/" after stripping) mean the whole repository: "".
    """
    parts = [part for part in path.strip().split("/") if part not in ("", ".")]
    return "/".join(parts)


def shown(path: str, snapshot: Snapshot) -> str:
    """A path as a researcher reads it: folders end with "/"; the whole repository is named."""
    if not path:
        return _(WHOLE)
    return f"{path}/" if path in snapshot.folders else path


def dataset_entries(snapshot: Snapshot, path: str) -> Iterator[FileEntry]:
    """The files of a dataset path: the file itself, or every file under the folder."""
    files = snapshot.files
    for index in dataset_span(snapshot, path):
        yield files[index]


def dataset_span(snapshot: Snapshot, path: str) -> range:
    """Where the files of a dataset path are in `snapshot.files`: the file, or the folder's files."""
    path = clean_path(path)
    index = snapshot.index(path) if path else None
    return snapshot.span(path) if index is None else range(index, index + 1)


def innermost(spans: Iterable[tuple[range, int, int]]) -> Iterator[tuple[int, range]]:
    """(owner, part) for the parts of (range, owner, depth) triples that no range nested in them covers.

    Ranges of dataset paths nest or are disjoint, so one sweep gives each index to the
    innermost range holding it (of equal ranges: the deepest path, then the first owner),
    in time linear in the ranges, however many datasets share the same files.
    """
    order = sorted((t for t in spans if t[0]), key=lambda t: (t[0].start, -t[0].stop, t[2], -t[1]))
    stack: list[tuple[int, int]] = []  # (stop, owner) of the ranges open at `at`, innermost last
    at = 0
    for span, owner, _depth in (*order, (range(1 << 62, 1 << 62), -1, 0)):  # the sentinel closes them all
        while stack and stack[-1][0] <= span.start:
            stop, closed = stack.pop()
            if at < stop:
                yield closed, range(at, stop)
                at = stop
        if stack and at < span.start:
            yield stack[-1][1], range(at, span.start)
        at = max(at, span.start)
        stack.append((span.stop, owner))


def data_folder(path: str) -> str | None:
    """The outermost input_data/ or output_data/ folder holding a file, if any."""
    match = _OUTERMOST.match(path)
    return match.group(1) if match else None


def experiment_data(plan: Plan, snapshot: Snapshot) -> Iterator[FileEntry]:
    """Every file counted as experiment data, each once, in path order.

    Experiment data is what the plan declares (files under its datasets' paths) plus
    whatever sits in input_data/ or output_data/ folders at any depth, declared or not.
    Code in source/, notebooks and documentation outside those count only when a dataset
    of the plan names them. A plan that names no dataset path, in a repository without
    such folders (a BIDS dataset), leaves nothing to tell data from the rest: all counts.
    """
    roots = {clean_path(d.path) for d in plan.datasets if d.path is not None}
    files = snapshot.files
    if counts_whole(plan, snapshot):
        yield from files
        return
    # Files under a dataset's folder are ranges of the sorted files; only the rest is tested.
    spans = sorted((dataset_span(snapshot, root) for root in roots if root), key=lambda span: span.start)
    at = 0
    for span in (*spans, range(len(files), len(files))):
        for entry in files[at : max(at, span.start)]:
            if _IN_DATA_FOLDER.search(entry.path) is not None:
                yield entry
        yield from files[max(at, span.start) : span.stop]
        at = max(at, span.stop)


def has_data_folder(snapshot: Snapshot) -> bool:
    """True when an input_data/ or output_data/ folder holds a file, at any depth."""
    text = snapshot.path_text  # "\0input_data/" at a path's start, "/input_data/" deeper
    return any(
        next(text.holding(part, at_start=start), None) is not None
        for name in DATA_FOLDERS
        for part, start in ((f"{name}/", True), (f"/{name}/", False))
    )


def counts_whole(plan: Plan, snapshot: Snapshot) -> bool:
    """True when every file is experiment data: a dataset at the top, or nothing else to go by."""
    paths = [clean_path(d.path) for d in plan.datasets if d.path is not None]
    return "" in paths or (not paths and not has_data_folder(snapshot))


def counted(plan: Plan, snapshot: Snapshot) -> str | None:
    """What `experiment_data` counts where the plan does not say it (it names no dataset path)."""
    if any(d.path is not None for d in plan.datasets):
        return None
    if counts_whole(plan, snapshot):
        return _(
            "every file counts, as the plan names no dataset paths and there is no "
            "input_data/ or output_data/ folder"
        )
    return _(
        "only the files in input_data/ and output_data/ folders count, as the plan names no dataset paths"
    )


def plan_location(plan: Plan, json_path: str) -> Location:
    """A finding about the plan: its file and the JSON path of the field (lines come later)."""
    return Location(path=plan.source, json_path=json_path)


def dataset_location(plan: Plan, dataset: Dataset) -> Location:
    return plan_location(plan, dataset.json_path)


def dataset_name(dataset: Dataset) -> str:
    title = " ".join(dataset.title.split()) if dataset.title else ""  # never an empty or blank name
    return _('dataset "{title}"').format(title=title) if title else _("a dataset")


_WILD = re.compile(r"[*?[]")


class Globs:
    """fnmatch patterns for file names, matched without a regex for the common shapes.

    Checks match every file of datasets with hundreds of thousands of files, so exact names,
    "*.suffix" and "prefix*" patterns use set and string tests, and every other pattern is
    joined into one regex, run only on names that hold one of the patterns' literal parts.
    `select` matches all the names of a snapshot at once: one string search over all of
    them per pattern, instead of tests per name.
    """

    def __init__(self, patterns: Iterable[str]):
        self.exact: set[str] = set()
        suffixes: list[str] = []
        prefixes: list[str] = []
        rest: list[str] = []
        literals: list[str] = []
        for pattern in patterns:
            if "\0" in pattern and "[" not in pattern:
                continue  # a literal NUL: no name holds one, so nothing matches
            # (in a class such as [?\0] the NUL is one choice of several: such a pattern goes to
            # the per-name regex below, never into NameText's searches, which would cross names)
            if not _WILD.search(pattern):
                self.exact.add(pattern)
            elif pattern.startswith("*") and not _WILD.search(pattern[1:]):
                suffixes.append(pattern[1:])
            elif pattern.endswith("*") and not _WILD.search(pattern[:-1]):
                prefixes.append(pattern[:-1])
            else:
                rest.append(fnmatch.translate(pattern))
                # a class like [?] holds no literal the name must contain: no prefilter then
                literals.append("" if "[" in pattern else max(_WILD.split(pattern), key=len))
        self.suffixes, self.prefixes = tuple(suffixes), tuple(prefixes)
        self.rest = re.compile("|".join(rest)).match if rest else None
        self.literals = tuple(sorted(set(literals)))
        self.hint = re.compile("|".join(map(re.escape, literals))).search

    def match(self, name: str) -> bool:
        return (
            name in self.exact
            or name.endswith(self.suffixes)
            or name.startswith(self.prefixes)
            or (self.rest is not None and self.hint(name) is not None and self.rest(name) is not None)
        )

    def select(self, names: NameText) -> list[int]:
        """The indices of the names that match, in order (a string search per pattern)."""
        found: set[int] = set()
        for name in self.exact:
            found.update(names.holding(name, at_start=True, at_end=True))
        for suffix in self.suffixes:
            found.update(names.holding(suffix, at_end=True))
        for prefix in self.prefixes:
            found.update(names.holding(prefix, at_start=True))
        if self.rest is not None:
            rest = self.rest
            held = set().union(*(names.holding(literal) for literal in self.literals))
            found.update(i for i in held if i not in found and rest(names.name(i)) is not None)
        return sorted(found)
