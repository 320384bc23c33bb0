"""What executing a notebook produced: a job, its outcome and the error as a record (no papermill here)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import nbformat

from dgbot.records import Finding, Location, Severity
from dgbot.words import _

# CSI and OSC escape sequences: IPython colours its tracebacks, a record must not carry them.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# Cells papermill adds: the injected parameters, and the error banners of a failed run.
ADDED_TAGS = frozenset({"injected-parameters", "papermill-error-cell-tag"})
CHECK = "run"


def strip_ansi(text: str) -> str:
    """`text` without terminal colour and cursor codes."""
    return _ANSI.sub("", text)


class Outcome(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"  # a cell raised
    TIMEOUT = "timeout"  # a cell or the whole notebook took too long; the kernel was stopped
    DIED = "died"  # the kernel died (killed, crashed, out of memory)
    ERROR = "error"  # the notebook could not be run at all (unreadable, no such kernel)


@dataclass(frozen=True)
class Job:
    """One notebook to execute, every setting explicit."""

    source: Path
    output: Path
    name: str  # how records name it, e.g. its path relative to the repository
    kernel: str = "python3"
    cell_timeout: float | None = 600.0  # seconds per cell; None: no limit
    timeout: float | None = 3600.0  # seconds for the whole notebook; None: no limit
    cwd: Path | None = None  # where the kernel starts; None: the notebook's folder
    parameters: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # into metadata.dgbot
    within: Path | None = None  # the folder the executed copy stays in (no link followed); None: its own
    parameter_set: str | None = None  # for_parameters: the parameter folder this run is for

    @property
    def label(self) -> str:
        """How people see the job: its name, and the parameter set it runs for."""
        return self.name + (f" [{self.parameter_set}]" if self.parameter_set else "")


@dataclass(frozen=True)
class CellError:
    """The error that stopped a notebook, located by cell."""

    cell_index: int  # 0-based, among the notebook's own cells (papermill's added cells not counted)
    name: str
    value: str
    traceback: str = ""  # plain text, colour codes removed

    def to_dict(self) -> dict[str, Any]:
        return {"cell_index": self.cell_index, "name": self.name, "value": self.value}


@dataclass(frozen=True)
class Execution:
    """The outcome of one job; the executed notebook is at `job.output` whatever happened."""

    job: Job
    outcome: Outcome
    started: str  # ISO 8601, UTC
    ended: str
    seconds: float
    error: CellError | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.COMPLETED

    def finding(self) -> Finding | None:
        """The failure as a located finding, None when the notebook completed."""
        if self.ok:
            return None
        chosen = self.job.parameter_set
        message = (
            _("{message} (parameter set {name})").format(message=self.message, name=chosen)
            if chosen
            else self.message
        )
        return Finding(CHECK, self.outcome.value, Severity.ERROR, message, Location(path=self.job.name))

    def to_dict(self) -> dict[str, Any]:
        named = {"parameter_set": self.job.parameter_set} if self.job.parameter_set else {}
        return {
            "notebook": self.job.name,
            **named,
            "status": self.outcome.value,
            "started": self.started,
            "ended": self.ended,
            "seconds": round(self.seconds, 3),
            "kernel": self.job.kernel,
            "parameters": dict(self.job.parameters),
            "error": self.error.to_dict() if self.error else None,
            "message": self.message,
        }


def own_cells(notebook: nbformat.NotebookNode) -> Iterator[tuple[int, nbformat.NotebookNode]]:
    """(index among the notebook's own cells, cell), skipping the cells papermill added."""
    index = 0
    for cell in notebook.cells:
        if ADDED_TAGS.intersection(cell.get("metadata", {}).get("tags", ())):
            continue
        yield index, cell
        index += 1


def first_error(notebook: nbformat.NotebookNode) -> CellError | None:
    """The first error output of an executed notebook (a clean `sys.exit(0)` is no error)."""
    for index, cell in own_cells(notebook):
        for output in cell.get("outputs", ()):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0"):
                continue
            lines = "\n".join(strip_ansi(line) for line in output.get("traceback", ()))
            return CellError(index, output.get("ename", ""), strip_ansi(output.get("evalue", "")), lines)
    return None


def describe(error: CellError) -> str:
    """One line for a record: the cell as a person counts it (from 1), the error name and value."""
    value = error.value.strip().splitlines()
    if not value:
        return _("cell {number} raised {error}").format(number=error.cell_index + 1, error=error.name)
    said = _("cell {number} raised {error}: {value}")
    return said.format(number=error.cell_index + 1, error=error.name, value=value[0])
