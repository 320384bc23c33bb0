"""Notebook execution: dgbot's overhead over plain nbclient, and the speed-up of parallel kernels.

N small notebooks (a few quick cells each) are executed, in the same run and interleaved:
  - plain nbclient, one after another (the floor: start a kernel, run the cells, stop it);
  - dgbot.notebooks.execute with parallel=1 (papermill, records, watchdog, atomic writes);
  - dgbot.notebooks.execute with parallel=2 (two kernels at once; this machine has 2 cores).
The script prints the medians and two ratios: overhead = dgbot(1) / nbclient (target <= 1.15)
and speed-up = dgbot(1) / dgbot(2) (target >= 1.5 on 2 cores). No timing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from dgbot.notebooks.execute import execute_notebooks
from dgbot.notebooks.execution import Job

CELLS = [
    "import math",
    "x = sum(math.sqrt(i) for i in range(100_000))",
    "print(round(x))",
    "y = [i * i for i in range(10_000)]",
]


def write_notebooks(folder: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        notebook = new_notebook(cells=[new_code_cell(c) for c in CELLS])
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        path = folder / f"nb{index}.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    return paths


def plain_nbclient(paths: list[Path], out: Path) -> float:
    start = time.perf_counter()
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        nbformat.write(notebook, out / path.name)
    return time.perf_counter() - start


def with_dgbot(paths: list[Path], out: Path, parallel: int) -> float:
    jobs = [Job(p, out / p.name, p.name, cell_timeout=60, timeout=120) for p in paths]
    start = time.perf_counter()
    results = execute_notebooks(jobs, parallel=parallel)
    elapsed = time.perf_counter() - start
    failed = [r.message for r in results if not r.ok]
    if failed:
        raise SystemExit(f"dgbot failed: {failed}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--notebooks", type=int, default=8)
    parser.add_argument("-r", "--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "out").mkdir()
        paths = write_notebooks(folder, args.notebooks)
        with_dgbot(paths[:1], folder / "out", 1)  # warm imports, bytecode and the kernelspec lookup
        plain_nbclient(paths[:1], folder / "out")
        floor, serial, parallel = [], [], []
        for _ in range(args.rounds):
            floor.append(plain_nbclient(paths, folder / "out"))
            serial.append(with_dgbot(paths, folder / "out", 1))
            parallel.append(with_dgbot(paths, folder / "out", 2))
    a, b, c = (statistics.median(t) for t in (floor, serial, parallel))
    print(f"notebooks: {args.notebooks} x {len(CELLS)} cells  rounds: {args.rounds}")
    print(f"plain nbclient, serial   median {a:6.2f} s  ({a / args.notebooks * 1000:.0f} ms per notebook)")
    print(f"dgbot, 1 kernel          median {b:6.2f} s  ({b / args.notebooks * 1000:.0f} ms per notebook)")
    print(f"dgbot, 2 kernels         median {c:6.2f} s")
    print(f"overhead dgbot/nbclient: {b / a:.2f}  (target <= 1.15)")
    print(f"speed-up 1 -> 2 kernels: {b / c:.2f}  (target >= 1.50 on 2 cores)")


if __name__ == "__main__":
    main()
