"""Checks: small pure functions (Plan, Snapshot, Settings) -> findings, registered in one table."""

from __future__ import annotations

import glob
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import compress

from dgbot.checks.scope import Globs
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.records import CheckResult, Finding, Severity
from dgbot.snapshot.model import Snapshot
from dgbot.words import _

CheckFunction = Callable[[Plan, Snapshot, Settings], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A governance check with a stable id, shown in reports with its title and description.

    The title and description are English, marked with N_() where the check is registered, and
    translated where they are shown.
    """

    id: str
    title: str
    severity: Severity  # default severity of its findings that are problems
    description: str  # one paragraph, for reports
    run: CheckFunction


REGISTRY: dict[str, Check] = {}


class CheckSkipped(Exception):
    """Raised by a check that has nothing to judge here; its result is `skipped` with the reason."""


def check(
    id: str, title: str, severity: Severity, description: str
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under a stable id."""

    def register(function: CheckFunction) -> CheckFunction:
        if id in REGISTRY:
            raise ValueError(f"check {id} registered twice")
        REGISTRY[id] = Check(id, title, severity, " ".join(description.split()), function)
        return function

    return register


@lru_cache(maxsize=4)
def _globs(patterns: tuple[str, ...]) -> Globs:
    """The `ignore` patterns compiled once per run, not once per check or finding."""
    return Globs(patterns)


def _ignored(finding: Finding, patterns: tuple[str, ...]) -> bool:
    path = finding.location.path
    return bool(patterns) and path is not None and _globs(patterns).match(path)


def _apply_severity(finding: Finding, default: Severity, configured: Severity | None) -> Finding:
    """A configured severity replaces the default for the check's problem findings (not notices)."""
    if configured is None or finding.severity is not default:
        return finding
    return replace(finding, severity=configured)


def run_check(item: Check, plan: Plan, snapshot: Snapshot, settings: Settings) -> CheckResult:
    """Run one check under the settings; a crash becomes an `error` result, never a silent pass."""
    chosen = settings.checks.get(item.id)
    if chosen is not None and not chosen.enabled:
        return CheckResult(
            item.id, item.title, skipped=_("disabled in .dgbot.yml"), description=item.description
        )
    try:
        found = list(item.run(plan, snapshot, settings))
    except CheckSkipped as skip:
        return CheckResult(item.id, item.title, skipped=str(skip), description=item.description)
    except Exception as exc:  # a broken check must not hide the others' verdicts
        return CheckResult(
            item.id, item.title, crashed=f"{type(exc).__name__}: {exc}", description=item.description
        )
    severity = chosen.severity if chosen is not None else None
    kept = tuple(
        _apply_severity(f, item.severity, severity) for f in found if not _ignored(f, settings.ignore)
    )
    return CheckResult(item.id, item.title, findings=kept, description=item.description)


def visible(snapshot: Snapshot, patterns: tuple[str, ...]) -> Snapshot:
    """The snapshot without the files `.dgbot.yml` tells dgbot to ignore."""
    if not patterns:
        return snapshot
    hidden = _globs(patterns).select(snapshot.path_text)  # one search per pattern, not per file
    shown = [True] * len(snapshot.files)
    for index in hidden:
        shown[index] = False
    return replace(snapshot, files=tuple(compress(snapshot.files, shown)))


def _own_output(settings: Settings) -> tuple[str, ...]:
    """A pattern for dgbot's own report folder: its reports and a re-run's outputs kept aside are
    never the repository's data (`ci` writes them before the checks look at the work tree)."""
    folder = posixpath.normpath(settings.report_dir.strip("/"))
    if folder in (".", "") or folder.startswith("../"):
        return ()
    return (glob.escape(folder) + "/*",)


def run_checks(
    plan: Plan, snapshot: Snapshot, settings: Settings, skip: Mapping[str, str] | None = None
) -> tuple[CheckResult, ...]:
    """Every registered check, in registration order, over the files not ignored.

    `skip` maps check ids to the reason they do not run this time (e.g. a stage left out).
    """
    seen = visible(snapshot, (*settings.ignore, *_own_output(settings)))
    skip = skip or {}
    return tuple(
        CheckResult(item.id, item.title, skipped=skip[item.id], description=item.description)
        if item.id in skip
        else run_check(item, plan, seen, settings)
        for item in REGISTRY.values()
    )
