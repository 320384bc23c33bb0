"""Running the repository's experiment notebook as `dgbot run` does, and judging a re-run as CI does."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dgbot.errors import UsageError
from dgbot.steps import head, inside, load_plan, summary
from dgbot.steps.monitor import monitor

SHOWN = 50  # output paths a cell lists; provenance.json lists them all


def save_state(repo: Path, message: str = "Save the state before the experiment runs") -> dict[str, Any]:
    """Commit the work tree with DataLad (data annexed per the plan), so the run can be recorded."""
    from dgbot.record.save import save_state as save

    plan, settings = load_plan(repo)
    results = save(repo, message, _outputs(repo), plan.dataset_structure, settings.report_dir)
    failed = [f"{r.action} {r.path}: {r.status} {r.message}".strip() for r in results if r.failed]
    if failed:
        raise RuntimeError("saving the state failed: " + "; ".join(failed))
    return {"commit": head(repo), "results": summary(results)}


def _outputs(repo: Path, output_dir: str = "output_data") -> list[str]:
    """The folders a run writes: the output folder, each parameter set's, those of the plan's outputs."""
    from dgbot.record.parameter_sets import OUTPUTS, parameter_folders

    plan, _ = load_plan(repo)
    folders = {output_dir, *(f"{name}/{OUTPUTS}" for name in parameter_folders(repo))}
    folders |= {p.split("/", 1)[0] for p in plan.reproducibility.outputs if "/" in p}
    return sorted(f for f in folders if inside(repo, f).is_dir())


def run_experiment(
    repo: Path, experiment: str, parameters: Mapping[str, Any], aside: bool = False
) -> list[dict[str, Any]]:
    """Run the experiment notebook like `dgbot run <experiment>`: executed copy and provenance.json.

    A for_parameters plan runs it once per parameter set; each run is one row of the result.
    `aside` re-runs it in a copy of the work tree, keeping what it wrote in the report folder.
    """
    from dgbot.record.run import run_notebooks
    from dgbot.record.save import unlock_outputs

    if not experiment.endswith(".ipynb") or not inside(repo, experiment).is_file():
        raise UsageError(f"the experiment {experiment!r} is not a notebook in the repository")
    plan, settings = load_plan(repo)
    if not aside:
        unlock_outputs(repo, _outputs(repo, str(parameters.get("output_dir", "output_data"))))
    report = run_notebooks(repo, plan, settings, named=[experiment], parameters=dict(parameters), aside=aside)
    record = report.record or {}
    outputs = sorted(f["path"] for f in record.get("outputs", ()))
    shown = [
        {
            "experiment": entry.get("notebook"),
            **({"parameter_set": entry["parameter_set"]} if entry.get("parameter_set") else {}),
            "status": entry.get("status"),
            "seconds": entry.get("seconds"),
            "parameters": entry.get("parameters"),
            "executed": (entry.get("executed") or {}).get("path"),
            "outputs": _of_set(outputs, entry.get("parameter_set"))[:SHOWN],
        }
        for entry in record.get("notebooks", ())
    ]
    if not report.ok:
        raise RuntimeError("; ".join(f.message for f in report.findings))
    return shown


def _of_set(outputs: list[str], name: str | None) -> list[str]:
    return [p for p in outputs if not name or p.startswith(f"{name}/")]


def parameter_sets(repo: Path) -> list[str]:
    """Parameter folders of a for_parameters repository: folders at the top holding params/."""
    from dgbot.record.parameter_sets import parameter_folders

    return parameter_folders(repo)


def recorded_outputs(repo: Path) -> dict[str, str | None]:
    """The digests the reproducibility check compares a re-run with (masked for notebooks)."""
    from dgbot.fs.budget import HashBudget
    from dgbot.record import reproduce
    from dgbot.snapshot import snapshot_worktree

    plan, _ = load_plan(repo)
    declared, budget = reproduce.declared(snapshot_worktree(repo), plan.reproducibility.outputs), HashBudget()
    return {entry.path: reproduce.digest(repo, entry, budget) for entry in declared}


def judge_reproducibility(repo: Path, strict: bool) -> dict[str, Any]:
    """The `reproducibility` check on the last run's provenance; with `strict` a failure stops the run."""
    verdict: dict[str, Any] = monitor(repo, ["reproducibility"])["reproducibility"]
    if strict and verdict["status"] != "success":
        raise RuntimeError("outputs not reproduced: " + "; ".join(verdict["findings"]))
    return verdict
