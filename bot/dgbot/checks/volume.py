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
    """ "output_data/ holds 12 GB" or "the experiment data (a/ 1 GB, b/ 2 GB) holds 3 GB"."""
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
        return f"{shown(next(iter(groups)), snapshot)} holds"
    largest = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    parts = [f"{shown(name, snapshot)} {format_size(size)}" for name, size in largest[:EXAMPLES]]
    more = ", …" if len(largest) > EXAMPLES else ""
    return f"the experiment data ({', '.join(parts)}{more}) holds"


def _examples(paths: Sequence[str]) -> str:
    listed = ", ".join(paths[:EXAMPLES])
    return listed + (f" and {len(paths) - EXAMPLES} more" if len(paths) > EXAMPLES else "")


def _unknown_note(count: int) -> str:
    return f" (not counting {count} file{'s' if count != 1 else ''} of unknown size)" if count else ""


def _limit(plan: Plan, snapshot: Snapshot, entries: Sequence[FileEntry], total: Sizes) -> Iterator[Finding]:
    limit = plan.size_limit
    if limit is None or not entries or total.total < WARNING_RATIO * limit:
        return
    label = plan.size_limit_label or format_size(limit)
    unknown = _unknown_note(len(total.unknown))
    what = f"{_breakdown(entries, plan, snapshot)} {format_size(total.total)}{unknown}"
    where = plan_location(plan, LIMIT_FIELD)
    if total.total > limit:
        yield Finding(
            CHECK,
            "over-limit",
            Severity.ERROR,
            f"{what}, more than the plan's limit of {label}",
            where,
            hint="remove or move data out of the repository, or raise contentSize in the plan",
        )
    else:
        share = round(100 * total.total / limit)
        yield Finding(
            CHECK,
            "near-limit",
            Severity.WARNING,
            f"{what}, {share}% of the plan's limit of {label}",
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
        f"{count} file{'s' if count != 1 else ''} of the experiment data {'have' if count != 1 else 'has'} "
        f"no known size, so the total of {format_size(total.total)} leaves "
        f"{'them' if count != 1 else 'it'} out: {_examples(total.unknown)}",
        Location(path=total.unknown[0]),
        hint="git-annex keys without a size (e.g. URL keys from addurl --relaxed) hide it; "
        "`git annex migrate --backend SHA256E` records it",
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
                f"{dataset_name(dataset)} ({shown(clean_path(dataset.path), snapshot)}) holds "
                f"{format_size(held.bytes)}{_unknown_note(held.unknown)}, more than the "
                f"{format_size(dataset.planned_size)} the plan expects for it",
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
    planned size. Sizes come from git and from git-annex keys, so no content is downloaded;
    files whose size nobody knows are reported, never counted as 0.""",
)
def check_volume(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Total experiment data against the limit, and each dataset against its planned size."""
    entries = tuple(experiment_data(plan, snapshot))
    total = sizes(entries)
    yield from _limit(plan, snapshot, entries, total)
    yield from _unknown(plan, total)
    yield from _datasets(plan, snapshot)
