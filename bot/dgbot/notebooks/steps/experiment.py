"""Running the repository's experiment (a notebook through papermill, or a script) and re-running it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dgbot.errors import UsageError
from dgbot.notebooks.execute import run_notebook
from dgbot.notebooks.steps import inside

CHUNK = 1 << 20
ANNEX_OBJECTS = "/.git/annex/objects/"


def unlock_outputs(repo: Path, folder: str) -> list[str]:
    """Unlock the locked annexed files of an output folder, so a run rewrites copies, never annex objects."""
    root = inside(repo, folder)
    locked = sorted(
        path.relative_to(repo).as_posix()
        for path in (root.rglob("*") if root.is_dir() else ())
        if path.is_symlink() and ANNEX_OBJECTS in path.resolve().as_posix()
    )
    if locked:
        subprocess.run(["git", "annex", "unlock", "--", *locked], cwd=repo, capture_output=True, check=True)
    return locked


def run_experiment(
    repo: Path, experiment: str, parameters: Mapping[str, Any], executed: str | None = None
) -> dict[str, Any]:
    """Run `experiment` in the repository with `parameters`; a notebook's executed copy goes to `executed`."""
    source = inside(repo, experiment)
    if not source.is_file():
        raise UsageError(f"the experiment {experiment} does not exist in the repository")
    unlock_outputs(repo, str(parameters.get("output_dir", "output_data")))
    if source.suffix == ".ipynb":
        if executed is None:
            executed = str(Path(tempfile.mkdtemp(prefix="dgbot-run-")) / source.name)
        target = str(inside(repo, executed)) if not Path(executed).is_absolute() else executed
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        run_notebook(str(source), target, parameters, cwd=str(repo))
        return {"experiment": experiment, "parameters": dict(parameters), "executed": target}
    arguments = [f"--{name}={value}" for name, value in sorted(parameters.items())]
    done = subprocess.run(
        [sys.executable, str(source), *arguments], cwd=repo, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise UsageError(f"{experiment} failed with exit code {done.returncode}:\n{done.stderr[-2000:]}")
    return {"experiment": experiment, "parameters": dict(parameters), "output": done.stdout[-2000:]}


def parameter_sets(repo: Path) -> list[str]:
    """Parameter folders of a for_parameters repository: folders at the top holding params/."""
    return sorted(
        folder.name
        for folder in repo.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "params").is_dir()
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(repo: Path, patterns: Iterable[str]) -> dict[str, str]:
    """SHA-256 of every file matching the output patterns (repository-relative globs)."""
    found: dict[str, str] = {}
    for pattern in patterns:
        for path in sorted(repo.glob(pattern)):
            if path.is_file() and path.resolve().is_relative_to(repo.resolve()):
                found[path.relative_to(repo).as_posix()] = _sha256(path)
    return dict(sorted(found.items()))


def compare_outputs(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, Any]:
    """Which outputs a re-run reproduced byte for byte, changed, lost or newly made."""
    changed = sorted(name for name in before.keys() & after.keys() if before[name] != after[name])
    record: dict[str, Any] = {
        "reproduced": sorted(name for name in before.keys() & after.keys() if before[name] == after[name]),
        "changed": changed,
        "missing": sorted(before.keys() - after.keys()),
        "new": sorted(after.keys() - before.keys()),
    }
    record["ok"] = bool(before) and not (changed or record["missing"])
    return record


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


def require_reproduced(comparison: Mapping[str, Any], strict: bool) -> None:
    """With `strict` (e.g. in CI), outputs that were not reproduced stop the notebook."""
    if strict and not comparison["ok"]:
        raise RuntimeError(f"outputs not reproduced: {comparison['changed'] + comparison['missing']}")
