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

    results = save(repo, message, _outputs(repo))
    failed = [f"{r.action} {r.path}: {r.status} {r.message}".strip() for r in results if r.failed]
    if failed:
        raise RuntimeError("saving the state failed: " + "; ".join(failed))
    return {"commit": head(repo), "results": summary(results)}


def _outputs(repo: Path, output_dir: str = "output_data") -> list[str]:
    """The folders a run writes: the output folder and those of the plan's reproducible outputs."""
    plan, _ = load_plan(repo)
    folders = {output_dir, *(f"{name}/output_data" for name in parameter_sets(repo))}
    folders |= {p.split("/", 1)[0] for p in plan.reproducibility.outputs if "/" in p}
    return sorted(f for f in folders if inside(repo, f).is_dir())


def run_experiment(repo: Path, experiment: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Run the experiment notebook like `dgbot run <experiment>`: executed copy and provenance.json."""
    from dgbot.record.run import run_notebooks
    from dgbot.record.save import unlock_outputs

    if not experiment.endswith(".ipynb") or not inside(repo, experiment).is_file():
        raise UsageError(f"the experiment {experiment!r} is not a notebook in the repository")
    plan, settings = load_plan(repo)
    unlock_outputs(repo, _outputs(repo, str(parameters.get("output_dir", "output_data"))))
    report = run_notebooks(repo, plan, settings, named=[experiment], parameters=dict(parameters))
    record = report.record or {}
    shown = {
        "experiment": experiment,
        "parameters": dict(parameters),
        "status": record.get("status"),
        "provenance": record.get("run_id") and f"{settings.report_dir.strip('/')}/provenance.json",
        "executed": [(n.get("executed") or {}).get("path") for n in record.get("notebooks", ())],
        "outputs": sorted(f["path"] for f in record.get("outputs", ()))[:SHOWN],
    }
    if not report.ok:
        raise RuntimeError("; ".join(f.message for f in report.findings))
    return shown


def parameter_sets(repo: Path) -> list[str]:
    """Parameter folders of a for_parameters repository: folders at the top holding params/."""
    return sorted(
        folder.name
        for folder in repo.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "params").is_dir()
    )


def run_parameter_sets(repo: Path, experiment: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run the experiment once per parameter folder, reading <set>/params/ and writing <set>/output_data/."""
    return [
        run_experiment(
            repo,
            experiment,
            {**parameters, "params_dir": f"{name}/params", "output_dir": f"{name}/output_data"},
        )
        for name in parameter_sets(repo)
    ]


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
