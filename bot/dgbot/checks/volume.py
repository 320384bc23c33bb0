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
from dgbot.snapshot.model import MODE_SUBMODULE, FileEntry, Sizes, Snapshot, sizes
from dgbot.words import N_, _, join, ngettext

CHECK = "volume"
WARNING_RATIO = 0.9  # from this share of the limit on, warn before the limit is reached
EXAMPLES = 3  # paths named in a message before "…"
LIMIT_FIELD = "$.contentSize"


TOP_FILES = N_("files at the top of the repository")  # a group of its own in breakdowns


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
    """What holds the data: "output_data/" or "the experiment data (a/ 1 GB, b/ 2 GB, …)"."""
    roots = {clean_path(d.path) for d in plan.datasets if d.path} - {""}
    groups: dict[str, int] = {}
    by_folder: dict[str, str] = {}  # a group that is a folder is the same for all files beside
    for path, mode, size, _key in entries:  # fields, not properties: datasets hold many files
        if mode == MODE_SUBMODULE:
            continue  # its data is another repository's: named apart, not a group of 0 B
        folder = path.rpartition("/")[0]
        key = by_folder.get(folder) or _group(path, roots)
        if key != path:
            by_folder[folder] = key
        groups[key] = groups.get(key, 0) + (size or 0)
    whole = counts_whole(plan, snapshot)
    what = _(WHOLE) if whole else _("the experiment data")
    if not groups:  # subdatasets only
        return what
    if len(groups) == 1 and not (whole and TOP_FILES in groups):
        return shown(next(iter(groups)), snapshot)
    largest = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    parts = [
        f"{_(name) if name == TOP_FILES else shown(name, snapshot)} {format_size(size)}"
        for name, size in largest[:EXAMPLES]
    ]
    more = ["…"] if len(largest) > EXAMPLES else []
    return _("{what} ({parts})").format(what=what, parts=join([*parts, *more]))


def _examples(paths: Sequence[str]) -> str:
    listed = join(paths[:EXAMPLES])
    if len(paths) <= EXAMPLES:
        return listed
    return _("{paths} and {count} more").format(paths=listed, count=len(paths) - EXAMPLES)


def _not_counting(unknown: int, subdatasets: int = 0) -> str:
    files = ngettext("{count} file of unknown size", "{count} files of unknown size", unknown)
    modules = ngettext("{count} subdataset", "{count} subdatasets", subdatasets)
    parts = [files.format(count=unknown)] if unknown else []
    parts += [modules.format(count=subdatasets)] if subdatasets else []
    return _(" (not counting {parts})").format(parts=_(" and ").join(parts)) if parts else ""


def _counted(plan: Plan, snapshot: Snapshot) -> str:
    """What was counted, said where the plan does not say it (it names no dataset paths)."""
    reason = counted(plan, snapshot)
    return _("; {reason}").format(reason=reason) if reason else ""


def _limit(plan: Plan, snapshot: Snapshot, entries: Sequence[FileEntry], total: Sizes) -> Iterator[Finding]:
    """The total against the limit: an error over it, a warning near it, else a notice with the figure."""
    limit, where = plan.size_limit, plan_location(plan, LIMIT_FIELD)
    counted_here = _counted(plan, snapshot)
    if not entries:
        none = (
            _("there is no experiment data to count against the plan's limit of {limit}").format(
                limit=plan.size_limit_label or format_size(limit)
            )
            if limit
            else _("there is no experiment data")
        )
        yield Finding(CHECK, "total", Severity.NOTICE, none + counted_here, where)
        return
    held = {
        "data": _breakdown(entries, plan, snapshot),
        "unknown": _not_counting(len(total.unknown), len(total.subdatasets)),
    }
    if limit is None:
        message = _("{data} holds {size}{unknown}; the plan sets no limit (contentSize)").format(
            **held, size=format_size(total.total)
        )
        yield Finding(CHECK, "total", Severity.NOTICE, message + counted_here, where)
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
            _("{data} holds {size}{unknown}, more than the plan's limit of {limit}").format(
                **held, size=size, limit=label
            )
            + counted_here,
            where,
            hint=_("remove or move data out of the repository, or raise contentSize in the plan"),
        )
        return
    rule, severity = (
        ("near-limit", Severity.WARNING)
        if total.total >= WARNING_RATIO * limit
        else ("total", Severity.NOTICE)
    )
    message = _("{data} holds {size}{unknown}, {share} of the plan's limit of {limit}").format(
        **held, size=size, share=share(total.total, limit), limit=label
    )
    yield Finding(CHECK, rule, severity, message + counted_here, where)


def _unknown(plan: Plan, total: Sizes) -> Iterator[Finding]:
    if plan.size_limit is None or not total.unknown:
        return
    count = len(total.unknown)
    yield Finding(
        CHECK,
        "unknown-size",
        Severity.WARNING,
        ngettext(
            "{count} file of the experiment data has no known size, so the total of {total} leaves it out: "
            "{files}",
            "{count} files of the experiment data have no known size, so the total of {total} leaves them "
            "out: {files}",
            count,
        ).format(count=count, total=format_size(total.total), files=_examples(total.unknown)),
        Location(path=total.unknown[0]),
        hint=_(
            "git-annex keys without a size (e.g. URL keys from addurl --relaxed) hide it; "
            "`git annex migrate --backend SHA256E` records it"
        ),
    )


def _subdatasets(total: Sizes) -> Iterator[Finding]:
    paths = total.subdatasets
    if not paths:
        return
    said = (
        _(
            "{path} is a subdataset (a git submodule): its data is kept in its own repository, "
            "so the total does not count it"
        )
        if len(paths) == 1
        else _(
            "{count} subdatasets ({paths}) (a git submodule): their data are kept in their own "
            "repository, so the total does not count it; each is checked in its own repository"
        )
    )
    message = said.format(path=paths[0], count=len(paths), paths=_examples(paths))
    yield Finding(CHECK, "subdataset", Severity.NOTICE, message, Location(path=paths[0]))


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
                _(
                    "{dataset} is a subdataset (a git submodule): its size is in its own repository, "
                    "so dgbot does not compare it with the {planned} the plan expects"
                ).format(dataset=name, planned=format_size(dataset.planned_size)),
                dataset_location(plan, dataset),
            )
        elif held.bytes > dataset.planned_size:
            size, planned = apart(held.bytes, dataset.planned_size)
            yield Finding(
                CHECK,
                "dataset-over-planned",
                Severity.WARNING,
                _("{dataset} holds {size}{unknown}, more than the {planned} the plan expects for it").format(
                    dataset=name,
                    size=size,
                    unknown=_not_counting(held.unknown, held.subdatasets),
                    planned=planned,
                ),
                dataset_location(plan, dataset),
                hint=_("update the dataset's planned size in the plan, or reduce the data"),
            )


@check(
    CHECK,
    N_("Data volume"),
    Severity.ERROR,
    N_(  # 90%: WARNING_RATIO
        "The experiment data (files under the plan's dataset paths and in input_data/ and "
        "output_data/ folders at any depth) must stay within the plan's contentSize (1 GB = 1024 "
        "MB); dgbot warns from 90% of the limit on, and when a dataset outgrows its "
        "planned size, and otherwise reports the total and its share of the limit. A plan that "
        "names no dataset paths, in a repository without those folders, counts every file. "
        "Sizes come from git and from git-annex keys, so no content is downloaded; files whose "
        "size nobody knows are reported, never counted as 0; subdatasets (git submodules) are "
        "named, their data being another repository's."
    ),
)
def check_volume(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Total experiment data against the limit, and each dataset against its planned size."""
    entries = tuple(experiment_data(plan, snapshot))
    total = sizes(entries)
    yield from _limit(plan, snapshot, entries, total)
    yield from _unknown(plan, total)
    yield from _subdatasets(total)
    yield from _datasets(plan, snapshot)
