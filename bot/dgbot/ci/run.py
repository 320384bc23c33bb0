"""`dgbot ci`: the whole pipeline of a CI job, in order, with every report written to one folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from dgbot.ci.actions import report_to_actions
from dgbot.ci.console import render_console
from dgbot.ci.execute import TITLE, Executed
from dgbot.ci.runners import Runner, detect_runner
from dgbot.config import NO_RUN, Settings
from dgbot.dmp.plan import Plan
from dgbot.dmp.settings import load_settings
from dgbot.errors import UsageError
from dgbot.fs.write import boundary, make_folder, write_file
from dgbot.pipeline import govern, located, validate_path
from dgbot.records import CheckResult, Status, Verdict
from dgbot.render import REPORT_FILES, render_report
from dgbot.render.escape import visible
from dgbot.render.status import describe_verdict
from dgbot.words import _, use_language

# In pipeline order. "validate" always runs: nothing else means anything without a valid plan.
STAGES = ("validate", "drift", "execute", "check", "publish")
# Checks that belong to a stage of their own rather than to "check".
STAGE_CHECKS = {"drift": ("drift",), "execute": ("reproducibility",)}
_PLAN_CHECKS = ("config", "dmp")


@dataclass(frozen=True)
class CiRequest:
    """What one `dgbot ci` run is asked to do."""

    root: Path
    report_dir: Path | None = None  # None: the settings' report_dir inside the repository
    stages: frozenset[str] = frozenset(STAGES)
    publish: bool = False
    device: str = "any"  # this job's runner: "cpu", "gpu" or "any" (run whatever the plan needs)
    quiet: bool = False  # no text report on the stream (annotations and publishing still say theirs)


@dataclass(frozen=True)
class CiResult:
    verdict: Verdict
    runner: Runner
    report_dir: Path
    reports: Mapping[str, Path]  # format -> file written


# Runs the notebooks the plan marks for CI: (repository, report folder, plan, settings, environment).
Executor = Callable[[Path, Path, Plan, Settings, Mapping[str, str]], Executed]
# Posts the verdict to the forge; returns what it did, for the log.
Publisher = Callable[[Verdict, Runner, Mapping[str, str]], str]


def parse_stages(text: str) -> frozenset[str]:
    """A comma-separated list of stages ("all" for every one); unknown names are a usage error."""
    names = {name.strip() for name in text.split(",") if name.strip()}
    if names == {"all"}:
        return frozenset(STAGES)
    unknown = sorted(names - set(STAGES))
    if unknown:
        raise UsageError(f"unknown stage {', '.join(unknown)}; the stages are {', '.join(STAGES)}")
    return frozenset(names | {"validate"})


def _not_selected(stage: str) -> str:
    return _("the {stage} stage was not selected").format(stage=stage)


def _skipped_checks(stages: frozenset[str]) -> dict[str, str]:
    skip = {}
    for stage, checks in STAGE_CHECKS.items():
        if stage not in stages:
            skip.update(dict.fromkeys(checks, _not_selected(stage)))
    return skip


def _without_check_stage(verdict: Verdict, stages: frozenset[str]) -> Verdict:
    """Without the check stage: the plan's checks and those of the selected stages, the rest marked."""
    kept = {*_PLAN_CHECKS, *(c for stage in stages for c in STAGE_CHECKS.get(stage, ()))}
    checks = tuple(
        c
        if c.id in kept or c.skipped
        else CheckResult(c.id, c.title, skipped=_not_selected("check"), description=c.description)
        for c in verdict.checks
    )
    return replace(verdict, checks=checks)


def _write_reports(verdict: Verdict, within: Path, folder: Path) -> dict[str, Path]:
    written = {}
    for fmt, name in REPORT_FILES.items():
        write_file(within, folder / name, render_report(verdict, fmt))
        written[fmt] = folder / name
    return written


def _outputs(verdict: Verdict, report_dir: Path) -> dict[str, str]:
    counts = verdict.counts()
    return {
        "verdict": verdict.status.value,
        "report-dir": str(report_dir.resolve()),
        "errors": str(counts["error"]),
        "warnings": str(counts["warning"]),
        "notices": str(counts["notice"]),
        "summary": describe_verdict(verdict),
    }


def _execute(
    request: CiRequest, report_dir: Path, env: Mapping[str, str], executor: Executor | None
) -> Executed | None:
    if "execute" not in request.stages:
        return None
    run = validate_path(request.root, env)
    plan = run.validation.plan if run.validation is not None else None
    if run.verdict.status is not Status.SUCCESS or plan is None:
        return Executed(CheckResult("execute", TITLE, skipped=_("the plan is not valid; fix it first")))
    elsewhere = _runs_elsewhere(plan, request.device)
    if elsewhere:
        return Executed(CheckResult("execute", TITLE, skipped=elsewhere))
    if executor is None:
        return Executed(CheckResult("execute", TITLE, skipped=_("notebook execution is not available here")))
    return executor(request.root, report_dir, plan, run.settings, env)


def _runs_elsewhere(plan: Plan, device: str) -> str | None:
    """Why this job leaves execution to another one (a CPU job when the plan needs a GPU...)."""
    needs_gpu = plan.compute.gpu is not None
    if device == "cpu" and needs_gpu:
        return _(
            "the plan needs a GPU, so its notebooks run in the GPU job (see the CI template's gpu input)"
        )
    if device == "gpu" and not needs_gpu:
        return _("the plan needs no GPU: its notebooks run in the CPU job")
    return None


def _with_stage(verdict: Verdict, result: CheckResult | None) -> Verdict:
    """The stage's result placed after the plan's own checks, in pipeline order."""
    if result is None:
        return verdict
    lead = [c for c in verdict.checks if c.id in _PLAN_CHECKS]
    rest = [c for c in verdict.checks if c.id not in _PLAN_CHECKS]
    return replace(verdict, checks=(*lead, result, *rest))


def run_ci(
    request: CiRequest,
    environ: Mapping[str, str],
    stream: TextIO,
    executor: Executor | None = None,
    publisher: Publisher | None = None,
) -> CiResult:
    """Validate, execute, check, write every report, tell the runner, publish: in that order.

    A selected stage that cannot run here is reported as skipped with its reason, never as passed.
    """
    runner = detect_runner(environ)
    env = dict(environ)
    if runner.visibility and not env.get("DGBOT_REPOSITORY_VISIBILITY"):
        env["DGBOT_REPOSITORY_VISIBILITY"] = runner.visibility
    if request.report_dir is not None:  # the reproducibility check reads the run's record there
        env["DGBOT_REPORT_DIR"] = os.path.abspath(request.report_dir)  # as named: a link in it is refused
    settings, _findings = load_settings(request.root, env)
    use_language(settings.language)
    report_dir = request.root / settings.report_dir
    within = boundary(report_dir, request.root)
    make_folder(within, report_dir)  # a report folder that leads through a link: refused before anything runs
    stage = _execute(request, report_dir, env, executor)
    # Only the record of this job's own run counts: never one the repository brought along.
    own_run = stage.run_id if stage is not None and stage.run_id else NO_RUN
    run = govern(request.root, None, env, _skipped_checks(request.stages), own_run=own_run)
    verdict = run.verdict if "check" in request.stages else _without_check_stage(run.verdict, request.stages)
    executed = stage.result if stage is not None else None
    if executed is not None and run.validation is not None:
        executed = located(executed, run.validation)
    verdict = replace(_with_stage(verdict, executed), commit=runner.sha or verdict.commit)
    reports = _write_reports(verdict, within, report_dir)
    if runner.kind == "github":
        report_to_actions(verdict, request.root, runner.workspace, _outputs(verdict, report_dir), env, stream)
    notebooks = stage.notebooks if stage is not None else ()
    head, last = render_console(
        verdict, notebooks, report_dir, list(REPORT_FILES.values()), quiet=request.quiet
    )
    stream.write(head)
    if request.publish and "publish" in request.stages:
        if publisher is None:
            raise UsageError(
                _("--publish needs a forge: run in GitHub Actions or GitLab CI, with DGBOT_TOKEN set")
            )
        stream.write(visible(publisher(verdict, runner, env)) + "\n")
    stream.write(last)
    return CiResult(verdict, runner, report_dir, reports)
