"""for_parameters: the experiment notebook runs once per parameter folder (param_30C/params/, ...).

Each run gets `params_dir` and `output_dir` as papermill parameters, written relative to the folder
the notebook runs in (its own folder by default, the repository's top with `run.workdir: repository`),
so the same paths work wherever the repository is cloned and `datalad rerun` repeats them as recorded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

PARAMS = "params"
OUTPUTS = "output_data"
_NOT_SETS = frozenset({"source", "input_data", "output_data"})


@dataclass(frozen=True)
class ParameterSet:
    name: str  # the folder at the repository's top
    params_dir: str  # as the notebook sees them, from the folder it runs in
    output_dir: str


def parameter_folders(root: Path) -> list[str]:
    """Folders at the repository's top holding params/ (links are not followed): the parameter sets."""
    found = []
    with os.scandir(root) as items:
        for item in items:
            if item.name.startswith(".") or item.name in _NOT_SETS or not item.is_dir(follow_symlinks=False):
                continue
            params = Path(item.path, PARAMS)
            if params.is_dir() and not params.is_symlink():
                found.append(item.name)
    return sorted(found)


def _seen_from(workdir: str, notebook: str, path: str) -> str:
    """`path` (from the repository's top) as seen from where the notebook `notebook` runs."""
    start = "." if workdir == "repository" else PurePosixPath(notebook).parent.as_posix()
    return PurePosixPath(os.path.relpath(path, start)).as_posix()


def parameter_sets(root: Path, notebook: str, workdir: str) -> list[ParameterSet]:
    """The runs of `notebook` a for_parameters repository asks for, one per parameter folder."""
    return [
        ParameterSet(
            name,
            _seen_from(workdir, notebook, f"{name}/{PARAMS}"),
            _seen_from(workdir, notebook, f"{name}/{OUTPUTS}"),
        )
        for name in parameter_folders(root)
    ]
