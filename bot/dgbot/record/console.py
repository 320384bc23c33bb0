"""What `dgbot run` shows: live progress per notebook and cell on a terminal, and a summary."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TextIO

from dgbot.notebooks.execute import Progress
from dgbot.notebooks.execution import Outcome
from dgbot.record.run import UNHASHED, RunReport
from dgbot.render.escape import visible
from dgbot.words import N_, _

# A line per notebook, in the run's language; the first column is what became of it.
OUTCOMES = {
    Outcome.COMPLETED: N_("completed {notebook} ({seconds} s)"),
    Outcome.FAILED: N_("failed    {notebook} ({seconds} s): {why}"),
    Outcome.TIMEOUT: N_("timeout   {notebook} ({seconds} s): {why}"),
    Outcome.DIED: N_("died      {notebook} ({seconds} s): {why}"),
    Outcome.ERROR: N_("error     {notebook} ({seconds} s): {why}"),
}


def terminal_progress(stream: TextIO, verbose: bool, environ: Mapping[str, str]) -> Progress | None:
    """A status line rewritten in place on a terminal; a line per cell with -v; nothing in CI logs."""
    live = stream.isatty() and not environ.get("CI")
    if not (live or verbose):
        return None
    lock, running = threading.Lock(), {}
    line = _("{name}: cell {cell}/{cells}")  # translated once, not per cell

    def show(name: str, cell: int, cells: int) -> None:
        name = visible(name)  # a notebook's file name: no ESC or line break reaches the terminal
        with lock:
            if not live:
                stream.write(line.format(name=name, cell=cell + 1, cells=cells) + "\n")
            else:
                running[name] = f"{name} {cell + 1}/{cells}"
                stream.write("\r\x1b[K" + " | ".join(running.values())[-200:])
            stream.flush()

    return show


def render_run(report: RunReport, root_label: str) -> str:
    """One line per notebook (status, name, time, why it failed), the missing ones, the provenance."""
    lines = []
    for execution in report.executions:
        line = _(OUTCOMES[execution.outcome]).format(
            notebook=visible(execution.job.label),
            seconds=f"{execution.seconds:.1f}",
            why=visible(execution.message),
        )
        lines.append(line)
    for finding in report.findings:
        if finding.rule == "missing":
            line = _("missing   {path}: {why}")
        elif finding.rule == UNHASHED:
            line = _("not hashed {path}: {why}")
        else:
            continue
        lines.append(line.format(path=visible(finding.location), why=visible(finding.message)))
    if report.provenance is not None:
        lines.append(_("provenance: {path}").format(path=visible(report.provenance)))
    elif not report.findings:
        said = _("nothing to run: the plan of {folder} marks no notebooks for CI")
        lines.append(said.format(folder=visible(root_label)))
    return "\n".join(lines) + "\n"
