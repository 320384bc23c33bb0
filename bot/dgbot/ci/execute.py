"""The execute stage of `dgbot ci`: `dgbot run` on the plan's notebooks, as one check result."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.record.run import run_notebooks
from dgbot.records import CheckResult
from dgbot.words import N_, _

TITLE = N_("Notebooks run in CI")
ABOUT = N_("The notebooks the plan marks for CI run to the end; their provenance is recorded.")


@dataclass(frozen=True)
class Executed:
    """The execute stage's result, and the id of the run it made (None: no notebook ran)."""

    result: CheckResult
    run_id: str | None = None
    notebooks: tuple[tuple[str, str], ...] = ()  # (notebook, outcome) of each one executed, in order


def execute_stage(
    root: Path, report_dir: Path, plan: Plan, settings: Settings, environ: Mapping[str, str]
) -> Executed:
    """Run the plan's notebooks aside, executed copies, provenance and their outputs under `report_dir`.

    The re-run works in a copy of the work tree: the outputs the repository committed are never
    rewritten in place; the reproducibility check compares them with the copy's.
    """
    relative = os.path.relpath(os.path.abspath(report_dir), os.path.abspath(root))  # links kept: refused
    report = run_notebooks(root, plan, replace(settings, report_dir=relative), environ=environ, aside=True)
    if not report.executions and not report.findings:
        why = _("the plan marks no notebooks for CI")
        return Executed(CheckResult("execute", TITLE, skipped=why, description=ABOUT))
    run_id = report.record.get("run_id") if report.record is not None else None
    ran = tuple((e.job.name, e.outcome.value) for e in report.executions)
    return Executed(CheckResult("execute", TITLE, findings=report.findings, description=ABOUT), run_id, ran)
