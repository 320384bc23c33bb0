"""Watching one notebook's kernel: its containment, the cell it runs, its stderr, the timeout."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Callable
from typing import Any

import nbformat

from dgbot.notebooks.contain import Containment
from dgbot.notebooks.execution import Job, own_cells

# Called as a notebook's cells start: (notebook name, cell index from 0, number of cells).
Progress = Callable[[str, int, int], None]


class KernelWatch:
    """Shared by papermill's client and the watchdog: the kernel's containment and the cell running."""

    def __init__(self, job: Job, progress: Progress | None) -> None:
        self.job = job
        self.progress = progress
        self.client: Any = None  # papermill's notebook client, once it exists
        self.cell = -1  # index among the notebook's own cells; -1 before the first
        self.expired = False
        self.pgid: int | None = None
        self.containment = Containment.create()
        # The kernel process's own stderr (not the cells' output, which comes over its channels):
        # kept out of CI logs, and its last line tells why a kernel died.
        self.stderr = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 (closed when the run ends)

    def kernel_said(self) -> str:
        self.stderr.seek(0)
        lines = [line.strip() for line in self.stderr.read().decode("utf-8", "replace").splitlines()]
        said = [line for line in lines if line and "WARNING" not in line]
        return said[-1] if said else ""

    def started(self, notebook: nbformat.NotebookNode, index: int) -> None:
        positions = {id(cell): own for own, cell in own_cells(notebook)}
        self.cell = positions.get(id(notebook.cells[index]), -1)
        km = getattr(self.client, "km", None)
        self.pgid = self.pgid or getattr(getattr(km, "provisioner", None), "pgid", None)
        if self.progress is not None and self.cell >= 0:
            self.progress(self.job.label, self.cell, len(positions))

    def expire(self) -> None:
        """The whole-notebook timeout: stop the kernel; the client then sees it die."""
        self.expired = True
        self.kill()

    def kill(self) -> None:
        """Kill the kernel and whatever it started, wherever it went; then the kernel's process group."""
        self.containment.stop()
        if self.pgid is None or self.pgid == os.getpgrp():
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
            os.killpg(self.pgid, signal.SIGKILL)
