"""volume: the size of the experiment data against the plan's limit and the datasets' planned sizes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set

from dgbot.checks.base import check
from dgbot.checks.scope import (
    clean_path,
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
from dgbot.words import N_, _, join, ngettext

CHECK = "volume"
WARNING_RATIO = 0.9  # from this share of the limit on, warn before the limit is reached
EXAMPLES = 3  # paths named in a message before "…"
LIMIT_FIELD = "$.contentSize"


def _group(path: str, roots: Set[str]) -> str:
    """The outermost data folder or dataset path holding a file, to name it in messages."""
    # the path's own ancestors, outermost first, looked up: not every root tested per file
    end = path.find("/")
    while end >= 0 and path[:end] not in roots:
        end = path.find("/", end + 1)
    root = path[:end] if end >= 0 else path if path in roots else None
    folder = data_folder(path)
    found = [p for p in (root, folder) if p is not None]
    return min(found, key=len) if found else path


def _breakdown(entries: Sequence[FileEntry], plan: Plan, snapshot: Snapshot) -> str:
    """What holds the data: "output_data/" or "the experiment data (a/ 1 GB, b/ 2 GB)"."""
    roots = {clean_path(d.path) for d in plan.datasets if d.path}
    groups: dict[str, int] = {}
    by_folder: dict[str, str] = {}  # a group that is a folder is the same for all files beside
    for entry in entries:
        folder = entry.path.rpartition("/")[0]
        key = by_folder.get(folder) or _group(entry.path, roots)
        if key != entry.path:
            by_folder[folder] = key
        groups[key] = groups.get(key, 0) + (entry.size or 0)
    if len(groups) == 1:
        return shown(next(iter(groups)), snapshot)
    largest = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    parts = [f"{shown(name, snapshot)} {format_size(size)}" for name, size in largest[:EXAMPLES]]
    more = ["…"] if len(largest) > EXAMPLES else []
    return _("the experiment data ({parts})").format(parts=join([*parts, *more]))


def _examples(paths: Sequence[str]) -> str:
    listed = join(paths[:EXAMPLES])
    if len(paths) <= EXAMPLES:
        return listed
    return _("{paths} and {count} more").format(paths=listed, count=len(paths) - EXAMPLES)


def _unknown_note(count: int) -> str:
    if not count:
        return ""
    note = ngettext(
        " (not counting {count} file of unknown size)", " (not counting {count} files of unknown size)", count
    )
    return note.format(count=count)


def _limit(plan: Plan, snapshot: Snapshot, entries: Sequence[FileEntry], total: Sizes) -> Iterator[Finding]:
    limit = plan.size_limit
    if limit is None or not entries or total.total < WARNING_RATIO * limit:
        return
    label = plan.size_limit_label or format_size(limit)
    held = {
        "data": _breakdown(entries, plan, snapshot),
        "size": format_size(total.total),
        "unknown": _unknown_note(len(total.unknown)),
        "limit": label,
    }
    where = plan_location(plan, LIMIT_FIELD)
    if total.total > limit:
        yield Finding(
            CHECK,
            "over-limit",
            Severity.ERROR,
            _("{data} holds {size}{unknown}, more than the plan's limit of {limit}").format(**held),
            where,
            hint=_("remove or move data out of the repository, or raise contentSize in the plan"),
        )
    else:
        share = round(100 * total.total / limit)
        yield Finding(
            CHECK,
            "near-limit",
            Severity.WARNING,
            _("{data} holds {size}{unknown}, {share}% of the plan's limit of {limit}").format(
                **held, share=share
            ),
            where,
        )


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


def _datasets(plan: Plan, snapshot: Snapshot) -> Iterator[Finding]:
    for dataset in plan.datasets:
        if dataset.path is None or dataset.planned_size is None:
            continue
        held = snapshot.totals(dataset_span(snapshot, dataset.path))  # datasets may share files
        if held.bytes > dataset.planned_size:
            yield Finding(
                CHECK,
                "dataset-over-planned",
                Severity.WARNING,
                _(
                    "{dataset} ({path}) holds {size}{unknown}, "
                    "more than the {planned} the plan expects for it"
                ).format(
                    dataset=dataset_name(dataset),
                    path=shown(clean_path(dataset.path), snapshot),
                    size=format_size(held.bytes),
                    unknown=_unknown_note(held.unknown),
                    planned=format_size(dataset.planned_size),
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
        "planned size. Sizes come from git and from git-annex keys, so no content is downloaded; "
        "files whose size nobody knows are reported, never counted as 0."
    ),
)
def check_volume(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Total experiment data against the limit, and each dataset against its planned size."""
    entries = tuple(experiment_data(plan, snapshot))
    total = sizes(entries)
    yield from _limit(plan, snapshot, entries, total)
    yield from _unknown(plan, total)
    yield from _datasets(plan, snapshot)
