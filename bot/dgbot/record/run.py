"""`dgbot run`: execute the notebooks a plan marks for CI; executed copies and provenance in the report."""

from __future__ import annotations

import json
import os
import stat
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from dgbot import __version__
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.errors import UnsafePathError, UsageError
from dgbot.fs.budget import HASH_SECONDS, HashBudget
from dgbot.fs.read import check_regular
from dgbot.fs.write import boundary, make_folder, write_file
from dgbot.notebooks.execute import Progress, execute_notebooks
from dgbot.notebooks.execution import CHECK, Execution, Job
from dgbot.record import provenance, reproduce
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot import snapshot_worktree

NOTEBOOKS = "notebooks"  # executed copies, under the report folder
PROVENANCE = "provenance.json"
UNHASHED = "not-hashed"  # the rule of a notice: a file the provenance lists without its hash


@dataclass(frozen=True)
class RunReport:
    executions: tuple[Execution, ...]
    findings: tuple[Finding, ...]  # notebooks that failed, or that the plan names but are missing
    provenance: Path | None  # the provenance file written, None when nothing ran
    record: Mapping[str, Any] | None

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)  # notices: files not hashed


def select_notebooks(root: Path, plan: Plan, named: Sequence[str]) -> tuple[list[str], list[Finding]]:
    """Notebooks to run, relative to `root`: those named (each must exist) or those the plan marks."""
    if named:
        for name in named:
            if not _inside(root, name):
                raise UsageError(f"no notebook {name!r} in {root}")
        return [PurePosixPath(n).as_posix() for n in named], []
    chosen, missing = [], []
    for index, name in enumerate(plan.reproducibility.notebooks):
        if _inside(root, name):
            chosen.append(name)
            continue
        where = Location(path=plan.source, json_path=f"$.reproducibility.notebooks[{index}]")
        message = f"the plan marks the notebook {name!r} for CI, but the repository has no such file"
        missing.append(Finding(CHECK, "missing", Severity.ERROR, message, where))
    return chosen, missing


def _inside(root: Path, name: str) -> bool:
    """Whether `name` is a notebook dgbot may read: a regular file inside the repository."""
    if PurePosixPath(name).suffix != ".ipynb":
        return False
    try:
        check_regular(root, name, follow=True)
    except (UnsafePathError, OSError):
        return False
    return True


def run_notebooks(
    root: Path,
    plan: Plan,
    settings: Settings,
    named: Sequence[str] = (),
    parameters: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
    hash_seconds: float = HASH_SECONDS,
) -> RunReport:
    """Execute the notebooks and write their executed copies and the provenance record."""
    names, findings = select_notebooks(root, plan, named)
    if not names:
        return RunReport((), tuple(findings), None, None)
    report, options = settings.report_dir.strip("/"), settings.run
    within = boundary(root / report, root)
    make_folder(within, root / report)  # a report folder that leads through a link: refused before any run
    state = provenance.repository_state(root, report)
    before = snapshot_worktree(root)
    stamps = provenance.stamps(before)
    patterns, budget = plan.reproducibility.outputs, HashBudget(hash_seconds)
    recorded = {e.path: reproduce.digest(root, e, budget) for e in reproduce.declared(before, patterns)}
    summary = {
        "run_id": str(uuid.uuid4()),
        "provenance": f"{report}/{PROVENANCE}",
        "commit": state["commit"],
        "dirty": state["dirty"],
        "plan_sha256": plan.sha256,
        "dgbot_version": __version__,
    }
    jobs = _jobs(root, within, names, settings, dict(parameters or {}), summary)
    started = _now()
    executions = execute_notebooks(jobs, options.parallel, progress)
    timing = {"started": started, "ended": _now()}
    folders = [f.strip("/") for f in options.inputs]
    inputs = [e for e in before.files if any(e.path.startswith(f"{f}/") for f in folders)]
    after = snapshot_worktree(root)
    changed = provenance.changed(stamps, after, report)
    ok = all(e.ok for e in executions) and not findings
    record = {
        "provenance_version": provenance.PROVENANCE_VERSION,
        "run_id": summary["run_id"],
        "dgbot_version": __version__,
        "status": "success" if ok else "failure",
        **timing,
        "repository": state,
        "plan": {"path": plan.source, "sha256": plan.sha256, "profile": plan.profile, "title": plan.title},
        "settings": _settings(settings),
        "parameters": dict(parameters or {}),
        "environment": provenance.environment(environ),
        "notebooks": [_notebook_entry(root, e, budget) for e in executions],
        "inputs": provenance.file_records(root, inputs, budget),
        "outputs": provenance.file_records(root, changed, budget),
    }
    if patterns:
        record["reproducibility"] = reproduce.reproducibility(root, recorded, after, patterns, budget)
    path = root / report / PROVENANCE
    write_file(within, path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    failures = [f for e in executions if (f := e.finding()) is not None]
    return RunReport(tuple(executions), tuple(findings + failures + _unhashed(budget)), path, record)


def _unhashed(budget: HashBudget) -> list[Finding]:
    """A notice per file the provenance names without a hash: refused (a symlink out, a FIFO) or late."""
    return [
        Finding(CHECK, UNHASHED, Severity.NOTICE, reason, Location(path=path))
        for path, reason in sorted(budget.skipped.items())
    ]


def _jobs(
    root: Path,
    within: Path,
    names: list[str],
    settings: Settings,
    parameters: dict[str, Any],
    summary: dict[str, Any],
) -> list[Job]:
    options, report = settings.run, settings.report_dir.strip("/")
    cwd = root if options.workdir == "repository" else None
    return [
        Job(
            root / name,
            root / report / NOTEBOOKS / name,
            name,
            options.kernel,
            options.cell_timeout,
            options.timeout,
            cwd,
            parameters,
            summary,
            within,
        )
        for name in names
    ]


def _settings(settings: Settings) -> dict[str, Any]:
    run = settings.run
    return {
        "kernel": run.kernel,
        "cell_timeout": run.cell_timeout,
        "timeout": run.timeout,
        "parallel": run.parallel,
        "workdir": run.workdir,
        "inputs": list(run.inputs),
    }


def _notebook_entry(root: Path, execution: Execution, budget: HashBudget) -> dict[str, Any]:
    job = execution.job
    written = job.output.relative_to(root).as_posix()
    try:
        info = os.lstat(job.output)
    except OSError:
        info = None
    return {
        **execution.to_dict(),
        "source": {"path": job.name, "sha256": budget.sha256(root, job.name)},
        "executed": None
        if info is None or not stat.S_ISREG(info.st_mode)  # dgbot's own copy: never a symlink
        else {
            "path": written,
            "size": info.st_size,
            "sha256": budget.sha256(job.output.parent, job.output.name, follow=False),  # maybe out of root
        },
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
