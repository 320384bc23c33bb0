"""One governance run: the plan and settings validated, then the checks over a snapshot."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dgbot import __version__
from dgbot.config import Settings
from dgbot.dmp import Validation, find_plan, validate_bytes, validate_file
from dgbot.dmp.fast import prepare as prepare_validator
from dgbot.dmp.find import PLAN_NAMES, choose_plan
from dgbot.dmp.paths import parse_path
from dgbot.dmp.settings import CONFIG_NAME, load_settings, settings_from_bytes
from dgbot.errors import UsageError
from dgbot.records import CheckResult, Finding, Location, Severity, Verdict, sort_findings
from dgbot.words import N_, _, current_language, use_language

if TYPE_CHECKING:
    from dgbot.snapshot import Snapshot

# Titles and descriptions stay English in the verdict; reports translate them where shown.
PLAN_CHECK = (
    "dmp",
    N_("Data Management Plan"),
    N_("The plan parses and follows its profile or the maDMP standard."),
)
CONFIG_CHECK = ("config", N_("dgbot settings (.dgbot.yml)"), N_("The settings file follows its schema."))


@dataclass(frozen=True)
class PlanRun:
    """What validating a repository's plan produced."""

    verdict: Verdict
    validation: Validation | None
    settings: Settings
    root: Path | None  # repository root when a folder was given


def _plan_info(validation: Validation | None) -> dict[str, Any] | None:
    if validation is None:
        return None
    document, choice = validation.document, validation.choice
    return {
        "path": validation.path,
        "sha256": document.sha256 if document is not None else None,
        "schema": choice.label if choice is not None else None,
    }


def _leading(config: tuple[Finding, ...] | None, plan: tuple[Finding, ...]) -> list[CheckResult]:
    """The config check (when there is a .dgbot.yml) and the plan check, which come first."""
    id_, title, about = PLAN_CHECK
    checks = [CheckResult(id_, title, findings=plan, description=about)]
    if config is not None:
        id_, title, about = CONFIG_CHECK
        checks.insert(0, CheckResult(id_, title, findings=sort_findings(config), description=about))
    return checks


def validate_path(target: Path, environ: Mapping[str, str] | None = None) -> PlanRun:
    """Validate the plan of a repository folder, or one plan file."""
    if not target.exists():
        raise UsageError(f"{target} does not exist")
    if not target.is_dir():
        settings = Settings.from_mapping({}, environ)
        use_language(settings.language)
        validation = validate_file(target, str(target))
        checks = _leading(None, validation.findings)
        verdict = Verdict(
            tuple(checks), __version__, plan=_plan_info(validation), language=current_language()
        )
        return PlanRun(verdict, validation, settings, None)
    settings, config_findings = load_settings(target, environ)
    use_language(settings.language)
    has_config = os.path.lexists(target / CONFIG_NAME)  # a symlink too: its refusal is reported
    plan_path, missing = find_plan(target, settings.dmp)
    found = validate_file(plan_path, plan_path.relative_to(target).as_posix(), target) if plan_path else None
    plan_findings = found.findings if found else (missing,) if missing else ()
    checks = _leading(config_findings if has_config else None, plan_findings)
    verdict = Verdict(
        tuple(checks),
        __version__,
        repository=str(target),
        plan=_plan_info(found),
        language=current_language(),
    )
    return PlanRun(verdict, found, settings, target)


@dataclass(frozen=True)
class GovernanceRun:
    """A whole governance run: the verdict and what it was computed from."""

    verdict: Verdict
    validation: Validation | None
    settings: Settings
    snapshot: Snapshot


def _read_plan(snapshot: Snapshot, settings: Settings) -> tuple[Validation | None, tuple[Finding, ...]]:
    name, missing = choose_plan(lambda n: snapshot.find(n) is not None, settings.dmp)
    if name is None:
        return None, (missing,) if missing else ()
    if (linked := _symlink(snapshot, name, "dmp.load")) is not None:
        return None, (linked,)
    raw = snapshot.read(name)
    if raw is None:
        message = _("{path} is stored in git-annex; keep the plan in git so it can be read").format(path=name)
        return None, (Finding("dmp.load", "annexed-plan", Severity.ERROR, message, Location(name)),)
    validation = validate_bytes(raw, name)
    return validation, validation.findings


def _symlink(snapshot: Snapshot, name: str, check: str) -> Finding | None:
    """A finding when `name` is a symlink (not git-annex's): what git stores is its target, not a file."""
    from dgbot.snapshot.model import MODE_SYMLINK

    entry = snapshot.find(name)
    if entry is None or entry.mode != MODE_SYMLINK or entry.key is not None:
        return None
    message = _("the file is a symbolic link; dgbot never reads through one")
    return Finding(check, "unsafe-path", Severity.ERROR, message, Location(name))


def located(result: CheckResult, validation: Validation) -> CheckResult:
    """Findings about the plan get their line and column from the plan's source."""
    document = validation.document
    if document is None:
        return result
    fixed = tuple(
        replace(f, location=document.locate(parse_path(f.location.json_path)))
        if f.location.path == validation.path and f.location.line is None and f.location.json_path
        else f
        for f in result.findings
    )
    return replace(result, findings=fixed)


def _skipped(reason: str) -> tuple[CheckResult, ...]:
    from dgbot.checks import REGISTRY

    return tuple(
        CheckResult(c.id, c.title, skipped=reason, description=c.description) for c in REGISTRY.values()
    )


def prepare(root: Path) -> None:
    """What a governance run of `root` will need, done while git takes the snapshot: the plan's
    validator is imported when the work tree holds a plan (a guess: nothing else depends on it)."""
    if any(os.path.isfile(root / name) for name in PLAN_NAMES):
        prepare_validator()


def govern(
    root: Path,
    commit: str | None = None,
    environ: Mapping[str, str] | None = None,
    skip: Mapping[str, str] | None = None,
    taken: Callable[[], Snapshot] | None = None,
    own_run: str | None = None,
    report_notice: bool = False,
) -> GovernanceRun:
    """Validate the plan and run every check on the work tree, or on a commit when one is given.

    `skip` maps check ids to the reason they do not run this time; `taken` gives the snapshot
    of that work tree or commit when it is already being taken (see start_snapshot); `own_run`
    is the run whose provenance alone counts (see Settings.own_run); `report_notice` says when the
    report folder is committed.
    """
    # imported here so `dgbot validate` (a pre-commit hook) starts without them
    from dgbot.checks import run_checks
    from dgbot.snapshot import snapshot_commit, snapshot_worktree

    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    if taken is not None:
        snapshot = taken()
    else:
        snapshot = snapshot_commit(root, commit) if commit else snapshot_worktree(root)
    linked = _symlink(snapshot, CONFIG_NAME, "config")
    config_raw = snapshot.read(CONFIG_NAME) if linked is None else None
    settings, config_findings = settings_from_bytes(config_raw, environ)
    settings = replace(settings, own_run=own_run, report_committed_notice=report_notice)
    use_language(settings.language)
    validation, plan_findings = _read_plan(snapshot, settings)
    if linked is not None:
        config_findings = (linked,)
    leading = _leading(config_findings if config_raw is not None or linked else None, plan_findings)
    if validation is not None and validation.valid and validation.plan is not None:
        results = tuple(located(r, validation) for r in run_checks(validation.plan, snapshot, settings, skip))
    else:
        results = _skipped(_("the plan is not valid; fix it first"))
    verdict = Verdict(
        (*leading, *results),
        __version__,
        repository=str(root),
        commit=snapshot.commit,
        plan=_plan_info(validation),
        language=current_language(),
    )
    return GovernanceRun(verdict, validation, settings, snapshot)
