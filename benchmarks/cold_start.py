"""Cold start: what a new dgbot process costs before the repository's size counts.

Timed in this interpreter's environment, interleaved, in the same run (medians):
  validate  `dgbot validate` vs `check-jsonschema` on the same file and schema (target <= 1.0)
  check     `dgbot check --commit HEAD` on a small repository (examples/repo, committed), the
            fixed cost every check pays (target <= 0.15 s), beside its floor: a new Python
            process doing nothing plus git's own listing of that commit
Child processes keep their bytecode (in a temporary folder), as an installed dgbot does,
even where PYTHONDONTWRITEBYTECODE is set. No timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "examples" / "plans" / "madmp-1.2.json"
SCHEMA = ROOT / "schemas" / "madmp" / "madmp-1.2.schema.json"
BIN = Path(sys.executable).parent


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def _small_repository(folder: Path) -> Path:
    repo = folder / "repo"
    shutil.copytree(ROOT / "examples" / "repo", repo)
    git = ["git", "-C", str(repo), "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run([*git, *command], check=True, capture_output=True)
    return repo


def _floor(repo: Path) -> float:
    """A Python process doing nothing, then git listing the commit and reading its links."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    listing = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "-l", "HEAD"], capture_output=True
    ).stdout
    links = b"".join(line.split()[2] + b"\n" for line in listing.splitlines() if line.startswith(b"120000"))
    subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch", "--buffer"], input=links, capture_output=True
    )
    return time.perf_counter() - start


def fixed_cost(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="dgbot-cold-") as folder:
        repo = _small_repository(Path(folder))
        check = [str(BIN / "dgbot"), "check", str(repo), "--commit", "HEAD", "--format", "json"]
        check += ["--output", str(Path(folder) / "verdict.json")]
        subprocess.run(check, capture_output=True, check=False)  # warm; exit 1 is a verdict too
        ours, floor = [], []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(check, capture_output=True, text=True, check=False)
            ours.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"dgbot check failed:\n{done.stdout}{done.stderr}")
            floor.append(_floor(repo))
    a, b = statistics.median(ours), statistics.median(floor)
    print(f"dgbot check --commit HEAD (examples/repo) median {a * 1000:7.1f} ms  (target <= 150 ms)")
    print(f"floor: python -c pass + git ls-tree/cat-file median {b * 1000:7.1f} ms")
    print(f"ratio dgbot check/floor: {a / b:.2f}  (fixed cost above the floor: {(a - b) * 1000:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=15)
    runs = parser.parse_args().runs
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", tempfile.mkdtemp(prefix="dgbot-pycache-"))
    ours = [str(BIN / "dgbot"), "validate", str(PLAN)]
    theirs = [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), str(PLAN)]
    _time(ours), _time(theirs)  # warm the file cache and bytecode for both
    dgbot, baseline = [], []
    for _ in range(runs):
        dgbot.append(_time(ours))
        baseline.append(_time(theirs))
    a, b = statistics.median(dgbot), statistics.median(baseline)
    print(f"file: {PLAN.relative_to(ROOT)}  schema: {SCHEMA.relative_to(ROOT)}  runs: {runs}")
    print(f"dgbot validate      median {a * 1000:7.1f} ms  (min {min(dgbot) * 1000:.1f})")
    print(f"check-jsonschema    median {b * 1000:7.1f} ms  (min {min(baseline) * 1000:.1f})")
    print(f"ratio dgbot/check-jsonschema: {a / b:.2f}  (target <= 1.00)")
    fixed_cost(runs)


if __name__ == "__main__":
    main()
