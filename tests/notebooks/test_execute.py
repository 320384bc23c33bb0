"""Execution with papermill on a real python3 kernel: failures, dead and hung kernels, parallel runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from dgbot.notebooks.execute import execute_notebook, execute_notebooks
from dgbot.notebooks.execution import Execution, Job, Outcome
from notebooks.nb_helpers import alive, kill_left, pid_written, write_notebook

pytestmark = pytest.mark.slow

CELL_TIMEOUT, TIMEOUT = 3.0, 5.0
SPAWN = (
    "import os, subprocess\n"
    "open('{name}.pid', 'w').write(str(os.getpid()))\n"
    "child = subprocess.Popen(['sleep', '1000'])\n"
    "open('{name}.child', 'w').write(str(child.pid))"
)


@dataclass(frozen=True)
class Ran:
    folder: Path
    results: dict[str, Execution]
    progress: list[tuple[str, int, int]]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    """One parallel run (2 kernels) of five notebooks that end in five different ways."""
    folder = tmp_path_factory.mktemp("execute")
    write_notebook(folder / "ok.ipynb", "print(x + 1)", parameters="x = 1")
    write_notebook(
        folder / "raises.ipynb",
        "b = 2",
        "raise ValueError(f'bad value {a + b}')",
        "print('never')",
        parameters="a = 1",
    )
    write_notebook(
        folder / "killed.ipynb",
        SPAWN.format(name="killed"),
        "import signal\nos.kill(os.getpid(), signal.SIGKILL)",
    )
    write_notebook(folder / "hangs.ipynb", SPAWN.format(name="hangs"), "import time\ntime.sleep(10**6)")
    write_notebook(folder / "slow.ipynb", *["import time\ntime.sleep(1)"] * 12)
    names = ["ok", "raises", "killed", "hangs", "slow"]
    params = {"ok": {"x": 41}, "raises": {"a": 40}}
    jobs = [
        Job(
            folder / f"{n}.ipynb",
            folder / "out" / f"{n}.ipynb",
            n,
            "python3",
            CELL_TIMEOUT,
            TIMEOUT,
            None,
            params.get(n, {}),
        )
        for n in names
    ]
    lock, progress = threading.Lock(), []

    def note(name: str, cell: int, cells: int) -> None:
        with lock:
            progress.append((name, cell, cells))

    results = execute_notebooks(jobs, parallel=2, progress=note)
    assert [r.job.name for r in results] == names  # in the order given
    return Ran(folder, {r.job.name: r for r in results}, progress)


def executed(ran: Ran, name: str) -> nbformat.NotebookNode:
    return nbformat.read(ran.folder / "out" / f"{name}.ipynb", as_version=4)


def test_completed_notebook_has_the_injected_parameter(ran: Ran) -> None:
    result = ran.results["ok"]
    assert result.outcome is Outcome.COMPLETED and result.error is None and result.finding() is None
    outputs = [o.get("text", "") for c in executed(ran, "ok").cells for o in c.get("outputs", ())]
    assert "42\n" in outputs


def test_a_raising_cell_is_a_record_and_the_executed_notebook_keeps_the_traceback(ran: Ran) -> None:
    result = ran.results["raises"]
    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    # cells: parameters, "b = 2", the raise: index 2 (papermill's injected cell is not counted)
    assert (result.error.cell_index, result.error.name, result.error.value) == (
        2,
        "ValueError",
        "bad value 42",
    )
    assert result.message == "cell 3 raised ValueError: bad value 42"
    assert "\x1b" not in result.error.traceback and "ValueError" in result.error.traceback
    finding = result.finding()
    assert finding is not None and finding.location.path == "raises" and finding.rule == "failed"
    notebook = executed(ran, "raises")
    tracebacks = [
        "\n".join(o.traceback)
        for c in notebook.cells
        for o in c.get("outputs", ())
        if o.output_type == "error"
    ]
    assert len(tracebacks) == 1 and "bad value 42" in tracebacks[0]
    assert notebook.metadata["dgbot"]["execution"]["error"] == {
        "cell_index": 2,
        "name": "ValueError",
        "value": "bad value 42",
    }
    assert not any("never" in o.get("text", "") for c in notebook.cells for o in c.get("outputs", ()))


def test_a_killed_kernel_is_reported_with_its_cell(ran: Ran) -> None:
    result = ran.results["killed"]
    assert result.outcome is Outcome.DIED
    assert result.message == "cell 2: the kernel died while it ran"
    shown = [o for o in executed(ran, "killed").cells[1].outputs if o.output_type == "error"]
    assert shown and shown[0].ename == "DeadKernelError"


def test_a_hung_cell_ends_at_the_cell_timeout(ran: Ran) -> None:
    result = ran.results["hangs"]
    assert result.outcome is Outcome.TIMEOUT
    assert result.message == "cell 2: did not finish within 3 s (the cell timeout); the kernel was stopped"


def test_a_slow_notebook_ends_at_the_notebook_timeout(ran: Ran) -> None:
    result = ran.results["slow"]
    assert result.outcome is Outcome.TIMEOUT
    assert result.error is not None and 2 <= result.error.cell_index < 11
    assert result.message.endswith("the notebook did not finish within 5 s; the kernel was stopped")


@pytest.mark.parametrize("name", ["killed", "hangs"])
def test_no_process_is_left_behind(ran: Ran, name: str) -> None:
    pids = [pid_written(ran.folder / f"{name}.pid"), pid_written(ran.folder / f"{name}.child")]
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        kill_left(pid)
    assert left == [], f"{name}: kernel or its child still running"


def test_every_notebook_is_written_and_no_temporary_file_stays(ran: Ran) -> None:
    written = sorted(p.name for p in (ran.folder / "out").iterdir())
    assert written == sorted(f"{n}.ipynb" for n in ran.results)


def test_progress_names_each_notebook_and_cell(ran: Ran) -> None:
    ok = [(cell, cells) for name, cell, cells in ran.progress if name == "ok"]
    assert ok == [(0, 2), (1, 2)]  # the parameters cell and the print; the injected cell not counted
    raises = [cell for name, cell, _ in ran.progress if name == "raises"]
    assert raises == [0, 1, 2]  # stopped at the raising cell


def test_an_unreadable_notebook_is_a_record_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    result = execute_notebook(Job(broken, tmp_path / "out.ipynb", "broken.ipynb"))
    assert result.outcome is Outcome.ERROR and result.message.startswith("cannot read the notebook")
    assert not (tmp_path / "out.ipynb").exists()


def test_an_unknown_kernel_is_a_record_and_the_notebook_is_still_written(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "nb.ipynb", "print(1)")
    result = execute_notebook(Job(source, tmp_path / "out" / "nb.ipynb", "nb.ipynb", kernel="no-such-kernel"))
    assert result.outcome is Outcome.ERROR
    assert result.message == "no Jupyter kernel named 'no-such-kernel' is installed"
    written = nbformat.read(tmp_path / "out" / "nb.ipynb", as_version=4)
    assert written.metadata["dgbot"]["execution"]["status"] == "error"
