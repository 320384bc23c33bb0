"""volume: the size of the experiment data against the plan's limit and the datasets' planned sizes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set

from dgbot.checks.base import check
from dgbot.checks.figures import apart, share
from dgbot.checks.scope import (
    WHOLE,
    clean_path,
    counted,
    counts_whole,
    data_folder,
    dataset_location,
    dataset_name,
    dataset_span,
    experiment_data,
    plan_location,
    shown,
)
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.dmp.units import format_size
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import FileEntry, Sizes, Snapshot, sizes

CHECK = "volume"
WARNING_RATIO = 0.9  # from this share of the limit on, warn before the limit is reached
EXAMPLES = 3  # paths named in a message before "…"
LIMIT_FIELD = "$.contentSize"


TOP_FILES = "files at the top of the repository"  # a group of its own in breakdowns


def _group(path: str, roots: Set[str]) -> str:
    """The outermost data folder or dataset path holding a file, to name it in messages.

    Where that is the whole repository, the folder at the top holding the file (a BIDS
    dataset's sub-*/): a breakdown names folders, not single files.
    """
    # the path's own ancestors, outermost first, looked up: not every root tested per file
    end = path.find("/")
    while end >= 0 and path[:end] not in roots:
        end = path.find("/", end + 1)
    root = path[:end] if end >= 0 else path if path in roots else None
    folder = data_folder(path)
    found = [p for p in (root, folder) if p is not None]
    if found:
        return min(found, key=len)
    top = path.partition("/")
    return top[0] if top[1] else TOP_FILES


def _breakdown(entries: Sequence[FileEntry], plan: Plan, snapshot: Snapshot) -> str:
    """ "output_data/ holds" or "the experiment data (a/ 1 GB, b/ 2 GB, …) holds"."""
    roots = {clean_path(d.path) for d in plan.datasets if d.path} - {""}
    groups: dict[str, int] = {}
    by_folder: dict[str, str] = {}  # a group that is a folder is the same for all files beside
    for entry in entries:
        if entry.subdataset:
            continue  # its data is another repository's: named apart, not a group of 0 B
        folder = entry.path.rpartition("/")[0]
        key = by_folder.get(folder) or _group(entry.path, roots)
        if key != entry.path:
            by_folder[folder] = key
        groups[key] = groups.get(key, 0) + (entry.size or 0)
    whole = counts_whole(plan, snapshot)
    if not groups:  # subdatasets only
        return f"{WHOLE if whole else 'the experiment data'} holds"
    if len(groups) == 1 and not (whole and TOP_FILES in groups):
        return f"{shown(next(iter(groups)), snapshot)} holds"
    largest = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    parts = [
        f"{name if name == TOP_FILES else shown(name, snapshot)} {format_size(size)}"
        for name, size in largest[:EXAMPLES]
    ]
    more = ", …" if len(largest) > EXAMPLES else ""
    return f"{WHOLE if whole else 'the experiment data'} ({', '.join(parts)}{more}) holds"


def _examples(paths: Sequence[str]) -> str:
    listed = ", ".join(paths[:EXAMPLES])
    return listed + (f" and {len(paths) - EXAMPLES} more" if len(paths) > EXAMPLES else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _not_counting(unknown: int, subdatasets: int = 0) -> str:
    parts = [_plural(unknown, "file") + " of unknown size"] if unknown else []
    parts += [_plural(subdatasets, "subdataset")] if subdatasets else []
    return f" (not counting {' and '.join(parts)})" if parts else ""


def _counted(plan: Plan, snapshot: Snapshot) -> str:
    """What was counted, said where the plan does not say it (it names no dataset paths)."""
    reason = counted(plan, snapshot)
    return f"; {reason}" if reason else ""


def _limit(plan: Plan, snapshot: Snapshot, entries: Sequence[FileEntry], total: Sizes) -> Iterator[Finding]:
    """The total against the limit: an error over it, a warning near it, else a notice with the figure."""
    limit, where = plan.size_limit, plan_location(plan, LIMIT_FIELD)
    counted_here = _counted(plan, snapshot)
    if not entries:
        against = (
            f" to count against the plan's limit of {plan.size_limit_label or format_size(limit)}"
            if limit
            else ""
        )
        yield Finding(
            CHECK, "total", Severity.NOTICE, f"there is no experiment data{against}{counted_here}", where
        )
        return
    held = f"{_breakdown(entries, plan, snapshot)} "
    note = _not_counting(len(total.unknown), len(total.subdatasets))
    if limit is None:
        message = (
            f"{held}{format_size(total.total)}{note}; the plan sets no limit (contentSize){counted_here}"
        )
        yield Finding(CHECK, "total", Severity.NOTICE, message, where)
        return
    size, precise = apart(total.total, limit)
    label = plan.size_limit_label or format_size(limit)
    if size != format_size(total.total):  # rounding hid the difference: the limit as precisely
        label = f"{label} ({precise})"
    if total.total > limit:
        yield Finding(
            CHECK,
            "over-limit",
            Severity.ERROR,
            f"{held}{size}{note}, more than the plan's limit of {label}{counted_here}",
            where,
            hint="remove or move data out of the repository, or raise contentSize in the plan",
        )
        return
    rule, severity = (
        ("near-limit", Severity.WARNING)
        if total.total >= WARNING_RATIO * limit
        else ("total", Severity.NOTICE)
    )
    message = f"{held}{size}{note}, {share(total.total, limit)} of the plan's limit of {label}{counted_here}"
    yield Finding(CHECK, rule, severity, message, where)


def _unknown(plan: Plan, total: Sizes) -> Iterator[Finding]:
    if plan.size_limit is None or not total.unknown:
        return
    count = len(total.unknown)
    yield Finding(
        CHECK,
        "unknown-size",
        Severity.WARNING,
        f"{_plural(count, 'file')} of the experiment data {'have' if count != 1 else 'has'} "
        f"no known size, so the total of {format_size(total.total)} leaves "
        f"{'them' if count != 1 else 'it'} out: {_examples(total.unknown)}",
        Location(path=total.unknown[0]),
        hint="git-annex keys without a size (e.g. URL keys from addurl --relaxed) hide it; "
        "`git annex migrate --backend SHA256E` records it",
    )


def _subdatasets(total: Sizes) -> Iterator[Finding]:
    paths = total.subdatasets
    if not paths:
        return
    what = (
        f"{paths[0]} is a subdataset" if len(paths) == 1 else f"{len(paths)} subdatasets ({_examples(paths)})"
    )
    yield Finding(
        CHECK,
        "subdataset",
        Severity.NOTICE,
        f"{what} (a git submodule): {'its' if len(paths) == 1 else 'their'} data "
        f"{'is' if len(paths) == 1 else 'are'} kept in {'its' if len(paths) == 1 else 'their'} own "
        "repository, so the total does not count it"
        + ("" if len(paths) == 1 else "; each is checked in its own repository"),
        Location(path=paths[0]),
    )


def _datasets(plan: Plan, snapshot: Snapshot) -> Iterator[Finding]:
    for dataset in plan.datasets:
        if dataset.path is None or dataset.planned_size is None:
            continue
        path = clean_path(dataset.path)
        held = snapshot.totals(dataset_span(snapshot, path))  # datasets may share files
        name = f"{dataset_name(dataset)} ({shown(path, snapshot)})"
        entry = snapshot.find(path) if path else None
        if entry is not None and entry.subdataset:
            yield Finding(
                CHECK,
                "dataset-is-subdataset",
                Severity.NOTICE,
                f"{name} is a subdataset (a git submodule): its size is in its own repository, "
                f"so dgbot does not compare it with the {format_size(dataset.planned_size)} the plan expects",
                dataset_location(plan, dataset),
            )
        elif held.bytes > dataset.planned_size:
            size, planned = apart(held.bytes, dataset.planned_size)
            yield Finding(
                CHECK,
                "dataset-over-planned",
                Severity.WARNING,
                f"{name} holds {size}{_not_counting(held.unknown, held.subdatasets)}, more than the "
                f"{planned} the plan expects for it",
                dataset_location(plan, dataset),
                hint="update the dataset's planned size in the plan, or reduce the data",
            )


@check(
    CHECK,
    "Data volume",
    Severity.ERROR,
    f"""The experiment data (files under the plan's dataset paths and in input_data/ and
    output_data/ folders at any depth) must stay within the plan's contentSize (1 GB = 1024
    MB); dgbot warns from {WARNING_RATIO:.0%} of the limit on, and when a dataset outgrows its
    planned size, and otherwise reports the total and its share of the limit. A plan that
    names no dataset paths, in a repository without those folders, counts every file.
    Sizes come from git and from git-annex keys, so no content is downloaded; files whose
    size nobody knows are reported, never counted as 0; subdatasets (git submodules) are
    named, their data being another repository's.""",
)
def check_volume(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Total experiment data against the limit, and each dataset against its planned size."""
    entries = tuple(experiment_data(plan, snapshot))
    total = sizes(entries)
    yield from _limit(plan, snapshot, entries, total)
    yield from _unknown(plan, total)
    yield from _subdatasets(total)
    yield from _datasets(plan, snapshot)
