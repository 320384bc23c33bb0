"""What `dgbot run` shows: live progress per notebook and cell on a terminal, and a summary."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TextIO

from dgbot.notebooks.execute import Progress
from dgbot.record.run import UNHASHED, RunReport
from dgbot.render.escape import visible


def terminal_progress(stream: TextIO, verbose: bool, environ: Mapping[str, str]) -> Progress | None:
    """A status line rewritten in place on a terminal; a line per cell with -v; nothing in CI logs."""
    live = stream.isatty() and not environ.get("CI")
    if not (live or verbose):
        return None
    lock, running = threading.Lock(), {}

    def show(name: str, cell: int, cells: int) -> None:
        name = visible(name)  # a notebook's file name: no ESC or line break reaches the terminal
        with lock:
            if not live:
                stream.write(f"{name}: cell {cell + 1}/{cells}\n")
            else:
                running[name] = f"{name} {cell + 1}/{cells}"
                stream.write("\r\x1b[K" + " | ".join(running.values())[-200:])
            stream.flush()

    return show


def render_run(report: RunReport, root_label: str) -> str:
    """One line per notebook (status, name, time, why it failed), the missing ones, the provenance."""
    lines = []
    for execution in report.executions:
        line = f"{execution.outcome.value:<9} {visible(execution.job.label)} ({execution.seconds:.1f} s)"
        lines.append(line if execution.ok else f"{line}: {visible(execution.message)}")
    for finding in report.findings:
        if finding.rule == "missing":
            lines.append(f"missing   {visible(finding.location)}: {visible(finding.message)}")
        elif finding.rule == UNHASHED:
            lines.append(f"not hashed {visible(finding.location)}: {visible(finding.message)}")
    if report.provenance is not None:
        lines.append(f"provenance: {visible(report.provenance)}")
    elif not report.findings:
        lines.append(f"nothing to run: the plan of {visible(root_label)} marks no notebooks for CI")
    return "\n".join(lines) + "\n"
