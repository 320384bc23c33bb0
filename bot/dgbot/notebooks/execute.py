"""The only importer of papermill: parameterizing notebooks (generation) and executing them."""

from __future__ import annotations

import copy
import logging
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from dgbot.fs.write import write_file
from dgbot.notebooks.contain import Containment, hide_own_memory
from dgbot.notebooks.environment import kernel_environment
from dgbot.notebooks.execution import CellError, Execution, Job, Outcome, describe, first_error, own_cells
from dgbot.notebooks.watch import KernelWatch, Progress
from dgbot.words import _, current_language, speaking

_QUIET = logging.getLogger("dgbot.notebooks.kernel")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False

__all__ = [
    "Progress",
    "execute_notebook",
    "execute_notebooks",
    "parameterize",
    "run_notebook",
    "write_notebook",
]


def parameterize(notebook: nbformat.NotebookNode, parameters: Mapping[str, Any]) -> nbformat.NotebookNode:
    """A copy of `notebook` with `parameters` injected after its `parameters` cell by papermill.

    Values are serialized by papermill's Python translator, never formatted into code by us.
    """
    from papermill.parameterize import parameterize_notebook  # papermill is slow to import

    notebook = copy.deepcopy(notebook)  # papermill writes its metadata into what it is given
    notebook.metadata.setdefault("papermill", {})
    result: nbformat.NotebookNode = parameterize_notebook(notebook, dict(parameters), kernel_name="python3")
    return result


def run_notebook(source: str, output: str, parameters: Mapping[str, Any], cwd: str) -> None:
    """Execute the notebook `source` with `parameters` on the python3 kernel, writing it to `output`.

    A small helper for the generated workflow notebooks: the same kernel environment, containment
    and timeouts as `dgbot run`; a notebook that does not complete raises RuntimeError with why.
    """
    job = Job(Path(source), Path(output), Path(source).name, cwd=Path(cwd), parameters=dict(parameters))
    execution = execute_notebook(job)
    if not execution.ok:
        raise RuntimeError(execution.message)


@cache
def _kernel_manager() -> type[Any]:
    """jupyter_client's kernel manager, starting the kernel under its Containment and stopping it there."""
    from jupyter_client.manager import AsyncKernelManager

    class ContainedKernelManager(AsyncKernelManager):
        containment: Containment | None = None

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            command: list[str] = super().format_kernel_cmd(extra_arguments)
            return self.containment.command(command) if self.containment else command

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # What the kernel's processes write to their own stdout would land raw in dgbot's (a CI
            # log, where `::error::` is a command); cells' output comes over the kernel's channels.
            kw["stdout"] = subprocess.DEVNULL
            await super()._async_launch_kernel(kernel_cmd, **kw)
            if self.containment is not None:
                self.containment.attach(getattr(self.provisioner, "process", None))

        async def _async_kill_kernel(self, restart: bool = False) -> None:
            if self.containment is not None:  # before the process group is killed, taking the supervisor
                self.containment.stop()
            await super()._async_kill_kernel(restart)

    return ContainedKernelManager


@cache
def _engine() -> str:
    """Register papermill's nbclient engine with our hooks: progress, containment, environment, cwd."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WatchedEngine(NBClientEngine):  # type: ignore[misc]
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            watch: KernelWatch = kwargs["dgbot_watch"]
            cell_start = nb_man.cell_start

            def started(cell: Any, cell_index: int = 0, **more: Any) -> Any:
                watch.started(nb_man.nb, cell_index)
                return cell_start(cell, cell_index, **more)

            nb_man.cell_start = started
            cwd = watch.job.cwd or watch.job.source.parent
            km = _kernel_manager()(kernel_name=kernel_name)
            km.containment = watch.containment
            watch.client = PapermillNotebookClient(
                nb_man,
                km=km,
                kernel_name=kernel_name,
                timeout=kwargs.get("execution_timeout"),
                startup_timeout=kwargs.get("start_timeout", 60),
                shutdown_kernel="immediate",
                resources={"metadata": {"path": str(cwd)}},  # the kernel's cwd; no process-wide chdir
                log=_QUIET,  # what goes wrong comes back as the Execution record
            )
            return watch.client.execute(stderr=watch.stderr, env=kernel_environment(os.environ))

    papermill_engines.register("dgbot", WatchedEngine)
    return "dgbot"


def execute_notebook(job: Job, progress: Progress | None = None) -> Execution:
    """Execute one notebook; the executed copy is written to `job.output` whatever happens."""
    hide_own_memory()  # before any repository code runs as our user
    started, clock = _now(), time.monotonic()
    try:
        source = _read_strict(job.source)
    except Exception as unreadable:  # not JSON, not a notebook: a record, never a crash
        said = _("cannot read the notebook: {error}")
        message = said.format(error=f"{type(unreadable).__name__}: {unreadable}")
        return Execution(job, Outcome.ERROR, started, _now(), time.monotonic() - clock, message=message)
    watch = KernelWatch(job, progress)
    # papermill writes its copy as it goes: into a private folder of our own, not beside the output,
    # where a committed link could send it anywhere.
    with tempfile.TemporaryDirectory(prefix="dgbot-run-", ignore_cleanup_errors=True) as private:
        temporary = Path(private) / job.output.name
        outcome, error, message = _execute(source, temporary, job, watch)
        executed = _read(temporary) or source
    if error is not None and outcome in (Outcome.TIMEOUT, Outcome.DIED):
        _add_error_output(executed, error)
    execution = Execution(job, outcome, started, _now(), time.monotonic() - clock, error, message)
    executed.metadata["dgbot"] = {**job.metadata, "execution": execution.to_dict()}
    write_notebook(executed, job.output, job.within or job.output.parent)
    return execution


def execute_notebooks(
    jobs: Sequence[Job], parallel: int = 2, progress: Progress | None = None
) -> list[Execution]:
    """Execute independent notebooks, at most `parallel` kernels at once; results in the order given."""
    if not jobs:
        return []
    workers = max(1, min(parallel, len(jobs)))
    # Each kernel's thread speaks the caller's language (dgbot.words); the rest of its context
    # (the asyncio state of Jupyter's clients) stays its own.
    language = current_language()

    def execute(job: Job) -> Execution:
        with speaking(language):
            return execute_notebook(job, progress)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dgbot-kernel") as pool:
        return list(pool.map(execute, jobs))


def _execute(
    source: nbformat.NotebookNode, temporary: Path, job: Job, watch: KernelWatch
) -> tuple[Outcome, CellError | None, str]:
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    timer = threading.Timer(job.timeout, watch.expire) if job.timeout else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        papermill.execute_notebook(
            source,
            str(temporary),
            parameters=dict(job.parameters),
            engine_name=_engine(),
            kernel_name=job.kernel,
            progress_bar=False,
            start_timeout=min(60.0, job.timeout or 60.0),
            execution_timeout=job.cell_timeout,
            dgbot_watch=watch,
        )
    except PapermillExecutionError as exc:
        executed = _read(temporary)
        error = (first_error(executed) if executed else None) or CellError(watch.cell, exc.ename, exc.evalue)
        return Outcome.FAILED, error, describe(error)
    except CellTimeoutError:
        why = _("did not finish within {seconds} s (the cell timeout)").format(
            seconds=f"{job.cell_timeout:g}"
        )
        return _stopped(watch, Outcome.TIMEOUT, why)
    except NoSuchKernel:
        return (
            Outcome.ERROR,
            None,
            _("no Jupyter kernel named {kernel} is installed").format(kernel=repr(job.kernel)),
        )
    except Exception as exc:
        if watch.expired:
            why = _("the notebook did not finish within {seconds} s").format(seconds=f"{job.timeout:g}")
            return _stopped(watch, Outcome.TIMEOUT, why)
        if isinstance(exc, DeadKernelError):
            said = watch.kernel_said()
            why = (
                _("the kernel died while it ran ({said})").format(said=said)
                if said
                else _("the kernel died while it ran")
            )
            return _stopped(watch, Outcome.DIED, why)
        said = _("the notebook could not be run: {error}").format(error=f"{type(exc).__name__}: {exc}")
        return Outcome.ERROR, None, said
    finally:
        if timer is not None:
            timer.cancel()
        watch.kill()  # what the kernel left running in its process group
        watch.stderr.close()
    return Outcome.COMPLETED, None, _("completed")


def _stopped(watch: KernelWatch, outcome: Outcome, why: str) -> tuple[Outcome, CellError, str]:
    name = "CellTimeoutError" if outcome is Outcome.TIMEOUT else "DeadKernelError"
    where = _("cell {number}").format(number=watch.cell + 1) if watch.cell >= 0 else _("the kernel's start")
    said = _("{where}: {why}; the kernel was stopped") if outcome is Outcome.TIMEOUT else _("{where}: {why}")
    message = said.format(where=where, why=why)
    return outcome, CellError(watch.cell, name, message), message


def _add_error_output(notebook: nbformat.NotebookNode, error: CellError) -> None:
    """Show a timeout or a dead kernel where it happened, as an error output of that cell."""
    for index, cell in own_cells(notebook):
        if index == error.cell_index and cell.cell_type == "code":
            shown = nbformat.v4.new_output(  # type: ignore[no-untyped-call]
                "error", ename=error.name, evalue=error.value, traceback=[error.value]
            )
            cell.outputs.append(shown)


def _read_strict(path: Path) -> nbformat.NotebookNode:
    notebook: nbformat.NotebookNode = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return notebook


def _read(path: Path) -> nbformat.NotebookNode | None:
    """The notebook papermill wrote, or None when it wrote none (or was cut off writing it)."""
    try:
        return _read_strict(path)
    except Exception:
        return None


def write_notebook(notebook: nbformat.NotebookNode, path: Path, within: Path) -> None:
    """Write the notebook to `path` in the folder `within`, all or nothing and through no link."""
    text: str = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    write_file(within, path, text if text.endswith("\n") else text + "\n")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
