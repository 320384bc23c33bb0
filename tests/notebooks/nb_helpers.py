"""Small notebooks for execution tests, written with nbformat into tmp folders."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(path: Path, *cells: str, parameters: str | None = None) -> Path:
    """A python3 notebook of code cells (a "# md" first line makes a markdown cell)."""
    made = []
    if parameters is not None:
        made.append(new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    for cell in cells:
        made.append(new_markdown_cell(cell[5:]) if cell.startswith("# md\n") else new_code_cell(cell))
    notebook = new_notebook(cells=made)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def pid_written(path: Path) -> int:
    return int(path.read_text().strip())


def kill_left(pid: int) -> None:
    """Clean up after a failed assertion, so one failure does not leave processes to others."""
    if alive(pid):
        os.kill(pid, 9)
