"""Bad inputs end fast with bounded memory: each case in a new `dgbot validate` process.

Prints wall time and peak RSS per case next to the same numbers for a valid example plan
(the baseline of this run), so the ratio shows what a hostile file costs. Target: every
case under 1 s and within a few MB of the baseline's memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
)


# content is streamed to disk when a case runs, so this process stays small (a forked
# child's peak RSS would otherwise include the parent's pages)
def _repeat(head: bytes, part: bytes, count: int, tail: bytes) -> Callable[[BinaryIO], None]:
    def write(handle: BinaryIO) -> None:
        handle.write(head)
        for _ in range(count):
            handle.write(part)
        handle.write(tail)

    return write


def _const(content: bytes) -> Callable[[BinaryIO], None]:
    return lambda handle: handle.write(content) and None


CASES: dict[str, tuple[str, Callable[[BinaryIO], None]]] = {
    "alias bomb (9^9)": ("dmp.yaml", _const(BOMB.encode())),
    "50 MB file": ("dmp.json", _repeat(b'{"t": "', b"x" * 1024 * 1024, 50, b'"}')),
    "JSON nested 10,000 deep": ("dmp.json", _const(b"[" * 10_000 + b"]" * 10_000)),
    "YAML nested 10,000 deep": ("dmp.yaml", _const(b"a: " + b"[" * 10_000 + b"]" * 10_000)),
    "duplicate keys": ("dmp.json", _const(b'{"schema": "basic", "schema": "jst"}')),
    "invalid UTF-8": ("dmp.json", _const(b'{"title": "caf\xe9"}')),
    "4.9 MB invalid maDMP": ("dmp.json", _repeat(b'{"dmp": {"x": ["a"', b',"abcdefgh"', 449_000, b"]}}")),
}


def _run(path: Path) -> tuple[float, int, int]:
    """Wall time, peak RSS (KB) and exit code of one `dgbot validate` process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [str(BIN / "dgbot"), "validate", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, child.returncode


def main() -> None:
    base_time, base_rss, code = _run(ROOT / "examples" / "plans" / "basic.json")
    baseline = "valid example (baseline)"
    print(f"{baseline:28} {base_time * 1000:7.0f} ms  peak RSS {base_rss / 1024:6.1f} MB  exit {code}")
    print("target: each bad input under 1000 ms, memory near the baseline")
    with tempfile.TemporaryDirectory() as folder:
        for name, (filename, make) in CASES.items():
            case = Path(folder) / name.replace(" ", "_").replace(",", "")
            case.mkdir()
            with (case / filename).open("wb") as handle:
                make(handle)
            elapsed, rss, code = _run(case / filename)
            print(
                f"{name:28} {elapsed * 1000:7.0f} ms  peak RSS {rss / 1024:6.1f} MB  exit {code}  "
                f"time x{elapsed / base_time:.2f}"
            )


if __name__ == "__main__":
    main()
