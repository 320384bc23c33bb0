"""Notebook generation vs its floor, nbformat reading and writing the same notebooks.

For the example plan that generates the most (largest total size), measured in the same
run, interleaved:
- in process: `dgbot.notebooks.generate.generate` (templates cached after the first call)
  vs `nbformat.reads` + `nbformat.writes` of the notebooks it produces;
- as a CLI run: a new `dgbot generate --out DIR` process vs a new Python process that reads
  and writes the same notebooks with nbformat.
Prints medians and the ratios; no timing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from dgbot.config import Settings
from dgbot.dmp import validate_file
from dgbot.notebooks.generate import generate

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FLOOR_SCRIPT = (
    "import sys, nbformat\n"
    "for name in sys.argv[1:]:\n"
    "    text = nbformat.writes(nbformat.reads(open(name, encoding='utf-8').read(), as_version=4))\n"
    "    open(name + '.out', 'w', encoding='utf-8').write(text)\n"
)


def _largest() -> tuple[Path, int]:
    sizes = {}
    for path in sorted((ROOT / "examples" / "plans").iterdir()):
        plan = validate_file(path).plan
        assert plan is not None, path
        sizes[path] = sum(len(g.text) for g in generate(plan, Settings()))
    best = max(sizes, key=lambda p: sizes[p])
    return best, sizes[best]


def _median(function: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=15)
    runs = parser.parse_args().runs
    path, size = _largest()
    plan = validate_file(path).plan
    assert plan is not None
    texts = [g.text for g in generate(plan, Settings())]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        repo = work / "repo"
        repo.mkdir()
        shutil.copy(path, repo / f"dmp{path.suffix}")
        files = []
        for index, text in enumerate(texts):
            files.append(str(work / f"{index}.ipynb"))
            Path(files[-1]).write_text(text, encoding="utf-8")
        ours = [str(BIN / "dgbot"), "generate", "-q", "--out", str(work / "out"), str(repo)]
        floor = [sys.executable, "-c", FLOOR_SCRIPT, *files]
        in_process = _median(lambda: generate(plan, Settings()), runs)
        nbformat_floor = _median(
            lambda: [nbformat.writes(nbformat.reads(t, as_version=4)) for t in texts], runs
        )
        _run(ours), _run(floor)  # warm caches
        cli = _median(lambda: _run(ours), runs)
        cli_floor = _median(lambda: _run(floor), runs)
    print(f"plan: {path.relative_to(ROOT)}  notebooks: {len(texts)}  bytes: {size}  runs: {runs}")
    rows = [
        ("generate (in process)", in_process),
        ("nbformat reads+writes", nbformat_floor),
        ("dgbot generate (CLI)", cli),
        ("python + nbformat (process)", cli_floor),
    ]
    for label, (median, fastest) in rows:
        print(f"{label:<28} median {median * 1000:8.1f} ms  (min {fastest * 1000:.1f})")
    print(f"ratio in process generate/nbformat: {in_process[0] / nbformat_floor[0]:.2f}")
    print(f"ratio CLI dgbot generate/python+nbformat: {cli[0] / cli_floor[0]:.2f}")


if __name__ == "__main__":
    main()
