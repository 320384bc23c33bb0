"""Cold start: a new `dgbot validate` process vs `check-jsonschema` on the same file and schema.

Both run in this interpreter's environment, interleaved, in the same run; the script prints
medians and the ratio dgbot / check-jsonschema (target: <= 1.0). No timing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=15)
    runs = parser.parse_args().runs
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


if __name__ == "__main__":
    main()
