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
from dgbot.fs.scratch import scratch_copy
from dgbot.fs.write import boundary, make_folder, write_file
from dgbot.notebooks.execute import Progress, execute_notebooks
from dgbot.notebooks.execution import CHECK, Execution, Job
from dgbot.record import provenance, reproduce
from dgbot.record.aside import ASIDE, keep_aside, to_copy
from dgbot.record.parameter_sets import parameter_sets
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot import FileEntry, Snapshot, snapshot_worktree
from dgbot.words import _

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
                raise UsageError(_("no notebook {name} in {root}").format(name=repr(name), root=root))
        return [PurePosixPath(n).as_posix() for n in named], []
    chosen, missing = [], []
    for index, name in enumerate(plan.reproducibility.notebooks):
        if _inside(root, name):
            chosen.append(name)
            continue
        where = Location(path=plan.source, json_path=f"$.reproducibility.notebooks[{index}]")
        message = _("the plan marks the notebook {name} for CI, but the repository has no such file")
        message = message.format(name=repr(name))
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
    aside: bool = False,
) -> RunReport:
    """Execute the notebooks and write their executed copies and the provenance record.

    `aside` runs them in a private copy of the work tree and keeps what the run wrote there in
    `<report>/rerun/`: the repository's files are never rewritten. A for_parameters plan runs its
    experiment notebook once per parameter folder.
    """
    names, findings = select_notebooks(root, plan, named)
    if not names:
        return RunReport((), tuple(findings), None, None)
    report = settings.report_dir.strip("/")
    within = boundary(root / report, root)
    make_folder(within, root / report)  # a report folder that leads through a link: refused before any run
    state = provenance.repository_state(root, report)
    before = snapshot_worktree(root)
    patterns, budget = plan.reproducibility.outputs, HashBudget(hash_seconds)
    declared = reproduce.declared(before, patterns)
    recorded = {e.path: reproduce.digest(root, e, budget) for e in declared}
    summary = {
        "run_id": str(uuid.uuid4()),
        "provenance": f"{report}/{PROVENANCE}",
        "commit": state["commit"],
        "dirty": state["dirty"],
        "plan_sha256": plan.sha256,
        "dgbot_version": __version__,
    }
    run = _Run(root, within, plan, settings, dict(parameters or {}), summary, budget, environ)
    started, ok = _now(), not findings
    if not aside:
        executions, record = run.execute(root, names, before, progress, recorded, (started, ok, state))
    else:  # the record is made while the copy (its outputs) still exists
        inputs = tuple(settings.run.inputs)
        with scratch_copy(root, to_copy(before, report), inputs) as scratch:
            executions, record = run.execute(scratch, names, before, progress, recorded, (started, ok, state))
    path = root / report / PROVENANCE
    write_file(within, path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    failures = [f for e in executions if (f := e.finding()) is not None]
    return RunReport(tuple(executions), tuple(findings + failures + _unhashed(budget)), path, record)


@dataclass(frozen=True)
class _Run:
    """One `dgbot run`: what its notebooks are given, and how its record is put together."""

    root: Path
    within: Path
    plan: Plan
    settings: Settings
    parameters: dict[str, Any]
    summary: dict[str, Any]
    budget: HashBudget
    environ: Mapping[str, str] | None

    def execute(
        self,
        top: Path,
        names: list[str],
        before: Snapshot,
        progress: Progress | None,
        recorded: dict[str, str | None],
        context: tuple[str, bool, dict[str, Any]],
    ) -> tuple[list[Execution], dict[str, Any]]:
        """Run the notebooks in the work tree `top` (the repository, or its copy) and make their record."""
        started, ok, state = context
        stamps = provenance.stamps(before)
        executions = execute_notebooks(self.jobs(top, names), self.settings.run.parallel, progress)
        when = {"repository": state, "started": started, "ended": _now()}
        after = snapshot_worktree(top)
        report = self.settings.report_dir.strip("/")
        changed = provenance.changed(stamps, after, report)
        record = self.record(executions, before, top, changed, ok and all(e.ok for e in executions), when)
        if top != self.root:
            kept = keep_aside(self.within, self.root / report / ASIDE, top, changed)
            record["aside"] = {"folder": f"{report}/{ASIDE}", "files": kept}
        if patterns := self.plan.reproducibility.outputs:
            record["reproducibility"] = reproduce.reproducibility(top, recorded, after, patterns, self.budget)
        return executions, record

    def jobs(self, top: Path, names: list[str]) -> list[Job]:
        """A job per notebook; the experiment of a for_parameters plan, one per parameter set."""
        jobs = []
        for name in names:
            sets = (
                parameter_sets(self.root, name, self.settings.run.workdir)
                if self.plan.dataset_structure == "for_parameters" and name == self.settings.experiment
                else []
            )
            if not sets:
                jobs.append(self._job(top, name, NOTEBOOKS, self.parameters))
            for each in sets:
                given = {**self.parameters, "params_dir": each.params_dir, "output_dir": each.output_dir}
                jobs.append(self._job(top, name, f"{NOTEBOOKS}/{each.name}", given, each.name))
        return jobs

    def _job(
        self, top: Path, name: str, folder: str, parameters: dict[str, Any], parameter_set: str | None = None
    ) -> Job:
        options, report = self.settings.run, self.settings.report_dir.strip("/")
        return Job(
            top / name,
            self.root / report / folder / name,
            name,
            options.kernel,
            options.cell_timeout,
            options.timeout,
            top if options.workdir == "repository" else None,
            parameters,
            self.summary,
            self.within,
            parameter_set,
        )

    def record(
        self,
        executions: list[Execution],
        before: Snapshot,
        top: Path,
        changed: list[FileEntry],
        ok: bool,
        when: dict[str, Any],
    ) -> dict[str, Any]:
        """The provenance record (its `reproducibility` block aside), in the schema's order."""
        folders = [f.strip("/") for f in self.settings.run.inputs]
        inputs = [e for e in before.files if any(e.path.startswith(f"{f}/") for f in folders)]
        plan = self.plan
        described = {"path": plan.source, "sha256": plan.sha256, "profile": plan.profile, "title": plan.title}
        return {
            "provenance_version": provenance.PROVENANCE_VERSION,
            "run_id": self.summary["run_id"],
            "dgbot_version": __version__,
            "status": "success" if ok else "failure",
            "started": when["started"],
            "ended": when["ended"],
            "repository": when["repository"],
            "plan": described,
            "settings": _settings(self.settings),
            "parameters": self.parameters,
            "environment": provenance.environment(self.environ),
            "notebooks": [_notebook_entry(self.root, e, self.budget) for e in executions],
            "inputs": provenance.file_records(self.root, inputs, self.budget),
            "outputs": provenance.file_records(top, changed, self.budget),
        }


def _unhashed(budget: HashBudget) -> list[Finding]:
    """A notice per file the provenance names without a hash: refused (a symlink out, a FIFO) or late."""
    return [
        Finding(CHECK, UNHASHED, Severity.NOTICE, reason, Location(path=path))
        for path, reason in sorted(budget.skipped.items())
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
