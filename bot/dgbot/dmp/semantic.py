"""Rules the schemas cannot express: dates in order, sizes within the limit, open personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from dgbot.dmp.access import access_notes
from dgbot.dmp.paths import parse_path
from dgbot.dmp.plan import Access, Dataset, Plan, Tristate
from dgbot.dmp.source import Document
from dgbot.dmp.units import apart, format_size
from dgbot.records import Finding, Severity
from dgbot.words import N_, _

CHECK = "dmp.semantic"
Rule = Callable[[Plan, Document], Iterator[Finding]]


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _finding(
    rule: str,
    severity: Severity,
    message: str,
    document: Document,
    path: str,
    key: str | None = None,
) -> Finding:
    return Finding(CHECK, rule, severity, message, document.locate(parse_path(path), key))


def _dates_in_order(plan: Plan, document: Document) -> Iterator[Finding]:
    created, modified = _when(plan.created), _when(plan.modified)
    if created and modified and modified < created:
        root = "$.dmp" if plan.form == "madmp" else "$"
        yield _finding(
            "modified-before-created",
            Severity.WARNING,  # even an official RDA example (ex10) has it: flag, don't refuse
            _("the plan says it was modified ({modified}) before it was created ({created})").format(
                modified=plan.modified, created=plan.created
            ),
            document,
            root,
            "modified",
        )


def _sizes_within_limit(plan: Plan, document: Document) -> Iterator[Finding]:
    limit = plan.size_limit
    if limit is None:
        return
    for dataset in plan.datasets:
        if dataset.planned_size is not None and dataset.planned_size > limit:
            yield _finding(
                "dataset-over-limit",
                Severity.ERROR,
                _(
                    'dataset "{title}" plans {size}, more than the plan\'s limit of {limit} (contentSize)'
                ).format(title=dataset.title, **_against(dataset.planned_size, limit, plan.size_limit_label)),
                document,
                dataset.planned_size_at or dataset.json_path,
            )
    total = _planned_total(plan)
    if total > limit and all((d.planned_size or 0) <= limit for d in plan.datasets):
        yield _finding(
            "total-over-limit",
            Severity.WARNING,
            _("the datasets together plan {size}, more than the limit of {limit}").format(
                **_against(total, limit, plan.size_limit_label)
            ),
            document,
            "$",
            "contentSize",
        )


def _against(size: int, limit: int, label: str | None) -> dict[str, str]:
    """A size over the limit and the limit, as the plan wrote it unless rounding makes the two
    read alike ("10 GB, more than the plan's limit of 10GB"): then with the digits that tell them apart."""
    shown, limit_shown = apart(size, limit)
    if label and format_size(limit) == limit_shown and shown != limit_shown:
        limit_shown = label
    return {"size": shown, "limit": limit_shown}


def _planned_total(plan: Plan) -> int:
    """The datasets' planned sizes added up, a dataset inside another one's folder counted once (in it)."""
    sized = [d for d in plan.datasets if d.planned_size is not None]
    total = sum(d.planned_size or 0 for d in sized if d.path is None)
    # Sorted by their parts, a folder comes right before everything inside it (the larger of two
    # datasets on the same path first).
    placed = sorted((tuple(p for p in d.path.split("/") if p not in ("", ".")), -(d.planned_size or 0))
                    for d in sized if d.path is not None)  # fmt: skip
    outer: tuple[str, ...] | None = None
    for parts, minus in placed:
        if outer is not None and parts[: len(outer)] == outer:
            continue  # inside a dataset already counted
        outer, total = parts, total - minus
    return total


def _open_personal_data(plan: Plan, document: Document) -> Iterator[Finding]:
    for dataset in plan.datasets:
        kinds = [
            _(k)
            for k, v in ((N_("personal"), dataset.personal_data), (N_("sensitive"), dataset.sensitive_data))
            if v is Tristate.YES
        ]
        if kinds and dataset.access is Access.OPEN:
            yield _finding(
                "open-personal-data",
                Severity.WARNING,
                _(
                    'dataset "{title}" holds {kinds} data but is planned for open access; '
                    "restrict access, or confirm the data is anonymised and mark it as not personal"
                ).format(title=dataset.title, kinds=_(" and ").join(kinds)),
                document,
                dataset.json_path,
            )


def _embargo(dataset: Dataset) -> tuple[datetime, datetime] | None:
    start, issued = _when(dataset.available_from), _when(dataset.issued)
    return (start, issued) if start and issued and start > issued else None


def _embargoes(plan: Plan, document: Document) -> Iterator[Finding]:
    for dataset in plan.datasets:
        if _embargo(dataset) is not None:
            yield _finding(
                "embargo",
                Severity.NOTICE,
                _('dataset "{title}" is under embargo: issued {issued}, access opens {opens}').format(
                    title=dataset.title, issued=dataset.issued, opens=dataset.available_from
                ),
                document,
                dataset.json_path,
            )
        elif dataset.access is Access.EMBARGOED and not dataset.available_from:
            yield _finding(
                "embargo-without-date",
                Severity.WARNING,
                _('dataset "{title}" is embargoed but the plan does not say when access opens').format(
                    title=dataset.title
                ),
                document,
                dataset.json_path,
            )


RULES: tuple[Rule, ...] = (
    _dates_in_order,
    _sizes_within_limit,
    _open_personal_data,
    _embargoes,
    access_notes,
)


def check_plan(plan: Plan, document: Document) -> list[Finding]:
    """Every semantic finding of a plan (or of the valid part of one, dgbot.dmp.partial)."""
    return [finding for rule in RULES for finding in rule(plan, document)]
