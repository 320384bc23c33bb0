"""Hostile sizes against a baseline of the same repository: costs must grow with the input, not its square.

Builds (once, cached in --workdir) one git repository written with `git fast-import`: a base
commit of 50,000 small files under data/ and a one-dataset plan, and one branch per hostile
variant of it. Each is checked by a new Python process running `dgbot check --commit <branch>`
(read from git objects, as the bot does), timed against the base commit in the same run
(medians, interleaved), and printed as a ratio:

  datasets-2000 / -20000   plans of 2,000 and 20,000 datasets whose paths are missing: one
                           located finding each (quadratic before: locating each walked the list)
  ignore-100               100 `ignore` patterns (the limit), of shapes no literal prefilters
  ignore-1000              1,000 patterns: past the limit, a located error and none applied
  people-2000              2,000 participants.tsv tables, whose heads the access check reads
                           (one git process each before, one for all now)
  shared-2000              2,000 datasets on the same folder, with 5,000 experiment packages
                           (volume, formats, access and structure were datasets x files)

A ratio near the variant's own input size over the base's is linear; the base's time is the
floor (a process that imports dgbot, snapshots 50,000 files and runs every check). With
--python, another interpreter runs dgbot: the code of another checkout, for the figures
before a change. A run past --timeout is shown as ">".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LAYOUT_VERSION = 1
FILES = 50_000
CHECK = """
import json, sys
from dgbot.cli import main
code = main(["check", sys.argv[1], "--commit", sys.argv[2], "--format", "json", "--output", sys.argv[3]])
verdict = json.load(open(sys.argv[3]))
print(json.dumps([code, sum(len(c["findings"]) for c in verdict["checks"])]))
"""


def plan(datasets: int, path: str = "missing/d{i}") -> dict[str, Any]:
    items = [
        {"title": f"d{i}", "path": path.format(i=i), "accessRights": "closed", "plannedSize": "1KB"}
        for i in range(datasets)
    ]
    items[0]["path"] = "data"
    return {
        "schema": "basic",
        "workflowIdentifier": "basic",
        "contentSize": "1TB",
        "datasetStructure": "with_code",
        "title": "Hostile benchmark",
        "datasets": [{**item, "formats": ["text/csv"]} for item in items],
    }


def ignore(count: int) -> str:
    # a class first and a wildcard before the end: no literal prefilter, backtracking per path
    return "ignore:\n" + "".join(f'  - "[!z]*[0-9]?{i}x"\n' for i in range(count))


def variants() -> dict[str, dict[str, bytes]]:
    """Each branch: the files it adds to (or replaces in) the base commit."""
    as_json = lambda data: json.dumps(data, indent=2).encode()  # noqa: E731
    shared = {**plan(2000, "data"), "datasetStructure": "for_parameters"}
    return {
        "base": {"dmp.json": as_json(plan(1)), "participants.tsv": b"participant_id\tage\n"},
        "datasets-2000": {"dmp.json": as_json(plan(2000))},
        "datasets-20000": {"dmp.json": as_json(plan(20000))},
        "ignore-100": {".dgbot.yml": ignore(100).encode()},
        "ignore-1000": {".dgbot.yml": ignore(1000).encode()},
        "people-2000": {f"people/s{i:04d}/participants.tsv": b"participant_id\tname\n" for i in range(2000)},
        "shared-2000": {
            "dmp.json": as_json(shared),
            **{f"experiments/p{i}/source/a.py": b"" for i in range(5000)},
        },
    }


def stream(branches: dict[str, dict[str, bytes]]) -> Iterator[bytes]:
    for name, files in branches.items():
        yield b"commit refs/heads/%s\ncommitter Bench <bench@example.org> 1700000000 +0000\n" % name.encode()
        yield b"data %d\n%s\n" % (len(name), name.encode())
        if name == "base":
            for index in range(FILES):
                path = f"data/sub-{index // 500:03d}/run-{index % 500:03d}.csv"
                yield b"M 100644 inline %s\ndata 8\na,b\n1,2\n\n" % path.encode()
        else:
            yield b"from refs/heads/base\n"
        for path, body in files.items():
            yield b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body)


def build(repo: Path) -> None:
    marker = repo / ".git" / "dgbot-hostile-benchmark.json"
    wanted = {"layout": LAYOUT_VERSION, "files": FILES}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    if repo.exists():
        raise SystemExit(f"{repo} exists and is not this benchmark's repository; choose another --workdir")
    started = time.perf_counter()
    subprocess.run(["git", "init", "-q", "-b", "base", str(repo)], check=True)
    importer = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert importer.stdin is not None
    for chunk in stream(variants()):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    marker.write_text(json.dumps(wanted))
    print(f"built {repo} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def timed(python: str, repo: Path, branch: str, timeout: float) -> tuple[float, str]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [python, "-c", CHECK, str(repo), branch, out.name],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return float("inf"), "timeout"
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{branch}: dgbot failed\n{done.stderr[-2000:]}")
    code, findings = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, f"exit {code}, {findings} findings"


def shown(seconds: float, timeout: float) -> str:
    return f">{timeout:.0f} s" if seconds == float("inf") else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dgbot-hostile-bench")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs dgbot")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds one check may take")
    parser.add_argument("--only", nargs="*", help="variants to time (default: all)")
    args = parser.parse_args()
    repo = args.workdir / "repo"
    args.workdir.mkdir(parents=True, exist_ok=True)
    build(repo)
    names = [n for n in variants() if n != "base" and (not args.only or n in args.only)]
    times: dict[str, list[float]] = {name: [] for name in ["base", *names]}
    outcome: dict[str, str] = {}
    for _ in range(args.repeat):
        for name in times:
            if times[name] and times[name][-1] == float("inf"):
                continue  # timed out once: not again
            seconds, outcome[name] = timed(args.python, repo, name, args.timeout)
            times[name].append(seconds)
    base = statistics.median(times["base"])
    print(f"dgbot: {args.python} (pid {os.getpid()}), median of {args.repeat}")
    print(f"{'base':16} {shown(base, args.timeout):>10}            {outcome['base']}")
    for name in names:
        median = statistics.median(times[name])
        ratio = "" if median == float("inf") else f"x{median / base:6.2f}"
        print(f"{name:16} {shown(median, args.timeout):>10} {ratio:>9}  {outcome[name]}")


if __name__ == "__main__":
    main()
