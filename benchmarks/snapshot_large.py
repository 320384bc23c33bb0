"""Large datasets: dgbot's snapshot and checks vs the git floor, each in the same run.

Measures, in the same run, interleaved (medians), each dataset asked for:
  - the synthetic one (default; with --bundle only when --synthetic is given too): a
    git-annex repository with 100,000 locked annexed files (symlinks to absent content,
    realistic SHA256E keys) and 5,000 files in git, written with `git fast-import`, repacked
    as a clone would receive it, and checked out (built once, cached in --workdir);
  - each --bundle (repeatable), a real dataset such as the corpus's datasets/: cloned and
    checked out once into --workdir; unless --as-is, a plan (dmp.json) naming each folder at
    its top as a dataset is committed on top, so that every check runs over every file (a
    dataset without a plan gets only the plan check); no annexed content, no annex runs.

For each dataset and each mode:
  dgbot   a new Python process: import dgbot, `snapshot_commit` + `sizes` over all files
  check   a new Python process running `dgbot check --commit HEAD` (snapshot + every check)
  tree    a new Python process running `dgbot check` on the work tree (what `dgbot ci` runs)
  floor   `git ls-tree -r -l HEAD`, then one `git cat-file --batch --buffer` over the link
          targets, timed right before each dgbot process
  annex   `git annex info --bytes .` (synthetic only)
and prints each mode's ratio to the floor (target <= 1.5) three ways: of the medians, the
median of each run's own ratio (less disturbed by a machine whose speed drifts), and of the
CPU time (user + system of the process and every git it ran, against the floor's): on a
loaded machine wall time is mostly waiting for a core, CPU time much less so. Then what dgbot
costs above the floor (median of each run's own difference), annex/dgbot (target >= 10) and
the peak memory of the dgbot process (target < 300 MB).

Last, the fixed cost: `dgbot check --commit HEAD` and `dgbot check` of a small repository
(examples/repo, committed), what every check pays before its repository's size counts
(target <= 0.15 s).

Child processes keep their bytecode (in --workdir), as an installed dgbot does, even where
PYTHONDONTWRITEBYTECODE is set. Peak memory is the ru_maxrss that os.wait4 reports for the
dgbot process, spawned by a small launcher process: Linux carries a process's high-water RSS
across fork and exec, so the (larger) benchmark process must not be its parent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LAYOUT_VERSION = 5
ALPHABET = "0123456789zqjxkmvwgpfZQJXKMVWGPF"  # git-annex's mixed-case hash directories
EXTENSIONS = (".nii.gz", ".tsv", ".json", ".h5", ".edf")

DGBOT = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
from dgbot.snapshot import sizes, snapshot_commit
imported = time.perf_counter()
total = sizes(snapshot_commit(Path(sys.argv[1])).files)
done = time.perf_counter()
print(json.dumps([total.total, total.files, len(total.unknown), imported - start, done - imported]))
"""

CHECK = """
import json, sys, tempfile
from dgbot.cli import main
with tempfile.NamedTemporaryFile(suffix=".json") as out:
    code = main(["check", sys.argv[1], *sys.argv[2:], "--format", "json", "--output", out.name])
    verdict = json.load(open(out.name))
print(json.dumps([code, verdict["status"], sum(len(c["findings"]) for c in verdict["checks"])]))
"""

PLAN = {  # a valid basic plan, so `dgbot check` runs every check over the whole dataset
    "schema": "basic",
    "workflowIdentifier": "neuro",
    "contentSize": "1PB",
    "datasetStructure": "with_code",
    "useDocker": False,
    "title": "Synthetic benchmark dataset",
    "datasets": [
        {
            "title": "Inputs",
            "path": "input_data",
            "accessRights": "shared",
            "license": "CC-BY-4.0",
            "formats": ["NIfTI", "text/tab-separated-values", "application/json", "HDF5", "EDF"],
        },
        {  # holds EDF files too, which it does not declare: `formats` names them
            "title": "Outputs",
            "path": "output_data",
            "accessRights": "open",
            "license": "CC-BY-4.0",
            "formats": ["NIfTI", "text/tab-separated-values", "application/json", "HDF5"],
        },
    ],
}

LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)  # the process and the children it waited for
print(json.dumps({"seconds": time.perf_counter() - start, "status": status, "maxrss_kb": usage.ru_maxrss,
                  "cpu": usage.ru_utime + usage.ru_stime}))
"""
ROOT = Path(__file__).resolve().parents[1]


def annexed_files(count: int, rng: random.Random) -> Iterator[tuple[str, bytes, int]]:
    """(path, symlink target, size) of locked annexed files in a BIDS-like layout."""
    for index in range(count):
        folder = "input_data" if index % 5 else "output_data"
        subject, session, run = index // 1000, index // 100 % 10, index % 100
        name = f"sub-{subject:03d}_ses-{session:02d}_run-{run:02d}{EXTENSIONS[index % len(EXTENSIONS)]}"
        path = f"{folder}/sub-{subject:03d}/ses-{session:02d}/func/{name}"
        size = int(10 ** rng.uniform(3, 8))  # 1 KB .. 100 MB
        digest = hashlib.sha256(path.encode()).hexdigest()
        key = f"SHA256E-s{size}--{digest}{EXTENSIONS[index % len(EXTENSIONS)]}"
        md5 = hashlib.md5(key.encode()).digest()
        hashdirs = "{}{}/{}{}".format(*(ALPHABET[byte % 32] for byte in md5[:4]))
        up = "../" * path.count("/")
        yield path, f"{up}.git/annex/objects/{hashdirs}/{key}/{key}".encode(), size


def git_files(count: int, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """(path, content) of code and documentation kept in git, 100 B .. 50 KB."""
    for index in range(count):
        size = int(10 ** rng.uniform(2, 4.7))
        body = f"# file {index}\n".encode() + b"value = compute(value)\n" * (size // 23 + 1)
        yield f"source/pkg{index // 100:02d}/module_{index:04d}.py", body[:size]


def fast_import_stream(args: argparse.Namespace, totals: dict[str, int]) -> Iterator[bytes]:
    message = b"synthetic dataset"
    yield b"commit refs/heads/main\ncommitter Bench <bench@example.org> 1700000000 +0000\n"
    yield b"data %d\n%s\n" % (len(message), message)
    rng = random.Random(20240601)
    for path, target, size in annexed_files(args.files, rng):
        totals["bytes"] += size
        yield b"M 120000 inline %s\ndata %d\n%s\n" % (path.encode(), len(target), target)
    plan = json.dumps(PLAN, indent=2).encode()
    for path, body in [*git_files(args.git_files, rng), ("dmp.json", plan)]:
        totals["bytes"] += len(body)
        yield b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body)


def build(repo: Path, args: argparse.Namespace) -> dict[str, int]:
    """The synthetic repository, built once per layout and size and then reused."""
    marker = repo / ".git" / "dgbot-benchmark.json"
    wanted = {"layout": LAYOUT_VERSION, "files": args.files, "git_files": args.git_files}
    built = json.loads(marker.read_text()) if marker.exists() else {}
    if {k: v for k, v in built.items() if k != "bytes"} == wanted:
        return dict(built)
    if repo.exists():
        raise SystemExit(f"{repo} exists and is not this benchmark's repository; choose another --workdir")
    started = time.perf_counter()
    git = ["git", "-C", str(repo), "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    totals = {"bytes": 0}
    importer = subprocess.Popen([*git, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert importer.stdin is not None
    for chunk in fast_import_stream(args, totals):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    # fast-import deltifies every blob against the one before; a clone's pack does not (repack -f)
    subprocess.run([*git, "repack", "-a", "-d", "-f", "-q"], check=True)
    subprocess.run([*git, "reset", "-q", "--hard"], check=True)
    subprocess.run([*git, "annex", "init", "-q", "benchmark"], check=True)
    marker.write_text(json.dumps({**wanted, "bytes": totals["bytes"]}))
    print(f"built {repo} in {time.perf_counter() - started:.1f} s")
    return {**wanted, "bytes": totals["bytes"]}


def clone(bundle: Path, workdir: Path, as_is: bool) -> Path:
    """A checked-out clone of a dataset's bundle, made once and then reused; with a plan on top
    (one dataset per folder at the top) unless `as_is`."""
    repo = workdir / (bundle.name.removesuffix(".bundle") + ("" if as_is else "-planned"))
    if not (repo / ".git").is_dir():
        subprocess.run(["git", "clone", "-q", str(bundle), str(repo)], check=True)
        if not as_is:
            folders = sorted(p.name for p in repo.iterdir() if p.is_dir() and not p.name.startswith("."))
            plan = {**PLAN, "contentSize": "1PB", "title": f"{bundle.name} with a plan"}
            plan["datasets"] = [
                {
                    "title": name,
                    "path": name,
                    "accessRights": "open",
                    "license": "CC0-1.0",
                    "formats": ["NIfTI", "application/json"],
                }
                for name in folders
            ]
            (repo / "dmp.json").write_text(json.dumps(plan, indent=2))
            git = ["git", "-C", str(repo), "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
            subprocess.run([*git, "add", "dmp.json"], check=True)
            subprocess.run([*git, "commit", "-q", "-m", "a plan for the benchmark"], check=True)
    return repo


def small_repository(workdir: Path) -> Path:
    """examples/repo, committed: a repository whose size does not count (the fixed cost)."""
    repo = workdir / "small"
    if not (repo / ".git").is_dir():
        shutil.copytree(ROOT / "examples" / "repo", repo)
        git = ["git", "-C", str(repo), "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
            subprocess.run([*git, *command], check=True, capture_output=True)
    return repo


def time_dgbot(repo: Path, script: str = DGBOT, *args: str) -> tuple[float, float, int, list[Any]]:
    """Wall and CPU time, peak RSS (KiB) and the process's own report, from a launcher that wait4s it."""
    launcher = [sys.executable, "-c", LAUNCHER, sys.executable, "-c", script, str(repo), *args]
    done = subprocess.run(launcher, capture_output=True, text=True, check=True)
    report, usage = (json.loads(line) for line in done.stdout.splitlines()[-2:])
    if usage["status"] != 0:
        raise SystemExit(f"dgbot failed: {done.stderr}")
    return usage["seconds"], usage["cpu"], usage["maxrss_kb"], report


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_floor(repo: Path, *cat_options: str) -> tuple[float, float]:
    """Wall and CPU time of git listing the commit and reading its links."""
    cpu = _children_cpu()
    start = time.perf_counter()
    listing = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "-l", "HEAD"], capture_output=True)
    links = re.findall(rb"^120000 blob ([0-9a-f]+)", listing.stdout, re.MULTILINE)
    batch = b"\n".join(links) + b"\n"
    subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch", *cat_options], input=batch, capture_output=True
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def time_annex_info(repo: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["git", "annex", "info", "--bytes", "."], cwd=repo, capture_output=True, check=True)
    return time.perf_counter() - start


MODES = {  # label: (script, its arguments)
    "snapshot+sizes": (DGBOT, ()),
    "check --commit HEAD": (CHECK, ("--commit", "HEAD")),
    "check (work tree)": (CHECK, ()),
}


def measure(repo: Path, described: str, runs: int, annex_runs: int, expected: list[int] | None) -> None:
    """Every mode against the floor on one dataset; prints its lines."""
    _, _, _, report = time_dgbot(repo)  # warm the page cache and bytecode
    if expected is not None and report[:3] != expected:
        raise SystemExit(f"dgbot counted {report[:3]}, expected {expected}")
    _, _, _, checked = time_dgbot(repo, CHECK, "--commit", "HEAD")
    _, _, _, in_tree = time_dgbot(repo, CHECK)
    if checked[1] not in ("success", "failure") or in_tree[:2] != checked[:2]:
        raise SystemExit(f"dgbot check gave {checked} at HEAD, {in_tree} in the work tree")
    time_floor(repo, "--buffer")
    wall: dict[str, list[float]] = {mode: [] for mode in MODES}
    cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
    own: dict[str, list[float]] = {mode: [] for mode in MODES}
    above: dict[str, list[float]] = {mode: [] for mode in MODES}
    floors, floor_cpu, peaks = [], [], []
    for _ in range(runs):
        for mode, (script, args) in MODES.items():
            floor, floor_used = time_floor(repo, "--buffer")  # as dgbot asks: one flush, not one per blob
            floors.append(floor), floor_cpu.append(floor_used)
            seconds, used, peak, _ = time_dgbot(repo, script, *args)
            wall[mode].append(seconds), cpu[mode].append(used), peaks.append(peak)
            own[mode].append(seconds / floor), above[mode].append(seconds - floor)
    annex = [time_annex_info(repo) for _ in range(annex_runs)]
    median = statistics.median
    tight, tight_cpu = median(floors), median(floor_cpu)
    print(f"\n{repo.name}  ({described}; verdict {checked[1]}, {checked[2]} findings; {runs} runs)")
    print(f"  floor ls-tree + cat-file --buffer  median {tight:6.3f} s   cpu {tight_cpu:6.3f} s")
    for mode in MODES:
        ratio, ratio_cpu = median(wall[mode]) / tight, median(cpu[mode]) / tight_cpu
        print(f"  dgbot {mode:21s}       median {median(wall[mode]):6.3f} s   cpu {median(cpu[mode]):6.3f} s")
        print(
            f"    ratio to the floor {ratio:5.2f}  (each run's own {median(own[mode]):.2f};"
            f" cpu {ratio_cpu:.2f}; target <= 1.50), above the floor {median(above[mode]) * 1000:.1f} ms"
        )
    if annex:
        a, c = median(wall["snapshot+sizes"]), median(annex)
        check = median(wall["check --commit HEAD"])
        print(f"  git annex info --bytes median {c:6.3f} s ({annex_runs} runs)")
        print(
            f"    ratio annex-info/dgbot: {c / a:.1f}, annex-info/dgbot check: {c / check:.1f}"
            "  (target >= 10)"
        )
    print(f"  peak memory of dgbot (any run): {max(peaks) / 1024:.0f} MB  (target < 300 MB)")


def fixed_cost(workdir: Path, runs: int) -> None:
    """What `dgbot check` costs on a small repository, each mode beside its floor."""
    repo = small_repository(workdir)
    for script, args in MODES.values():
        time_dgbot(repo, script, *args)  # warm
    print(f"\nfixed cost: {repo.name} (examples/repo, committed; {runs} runs; target <= 0.15 s)")
    for mode in ("check --commit HEAD", "check (work tree)"):
        script, args = MODES[mode]
        times = [time_dgbot(repo, script, *args)[0] for _ in range(runs)]
        print(f"  dgbot {mode:21s} median {statistics.median(times):6.3f} s  (min {min(times):.3f} s)")
    empty = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        empty.append(time.perf_counter() - start)
    print(f"  a Python process doing nothing     median {statistics.median(empty):6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="where the repositories are built and kept")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each mode and its floor")
    parser.add_argument("--annex-runs", type=int, default=3, help="timed runs of git annex info")
    parser.add_argument("--files", type=int, default=100_000, help="annexed files")
    parser.add_argument("--git-files", type=int, default=5_000, help="files in git")
    parser.add_argument(
        "--bundle", type=Path, action="append", default=[], help="a real dataset's git bundle (repeatable)"
    )
    parser.add_argument("--synthetic", action="store_true", help="with --bundle: the synthetic dataset too")
    parser.add_argument("--as-is", action="store_true", help="no plan committed on a bundle's clone")
    args = parser.parse_args()
    # git-annex comes with the environment (pip `git-annex`), beside this interpreter
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dgbot-bench-"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    if args.synthetic or not args.bundle:
        repo = workdir / "dataset"
        built = build(repo, args)
        described = f"{args.files} annexed + {args.git_files} in git, {built['bytes']} bytes"
        expected = [built["bytes"], args.files + args.git_files + 1, 0]
        measure(repo, described, args.runs, args.annex_runs, expected)
    for bundle in args.bundle:
        plan = "as it is" if args.as_is else "with a plan committed on top"
        measure(clone(bundle, workdir, args.as_is), f"{bundle.name}, checked out, {plan}", args.runs, 0, None)
    fixed_cost(workdir, args.runs)


if __name__ == "__main__":
    main()
