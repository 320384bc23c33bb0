"""Snapshot of a large annexed dataset: dgbot vs the git floor vs `git annex info --bytes`.

Builds (once, cached in --workdir) a git-annex repository with 100,000 locked annexed files
(symlinks to absent content, realistic SHA256E keys) and 5,000 files in git, written with
`git fast-import`, repacked as a clone would receive it, and checked out. Then times, in
the same run, interleaved (medians):

  dgbot   a new Python process: import dgbot, `snapshot_commit` + `sizes` over all files
  check   a new Python process running `dgbot check --commit HEAD` (snapshot + every check)
  tree    a new Python process running `dgbot check` on the work tree (what `dgbot ci` runs)
  floor   `git ls-tree -r -l HEAD`, then one `git cat-file --batch` over the link targets
          (also shown with `--buffer`, as dgbot runs it: the tighter floor the ratios use)
  annex   `git annex info --bytes .`

With --bundle a real dataset is measured instead (a git bundle, e.g. one of the corpus's
datasets/: cloned and checked out once into --workdir; no annexed content, no annex runs).
Prints dgbot/floor (target <= 1.5), check/floor and tree/floor (target <= 1.5),
annex/dgbot (target >= 10) and the peak memory of the dgbot process (target < 300 MB).
The check and tree ratios are shown twice: of the medians, and as the median of each
run's own ratio (each timed right after its floor), which a machine whose speed drifts
during the benchmark disturbs less. Child processes keep their bytecode (in --workdir), as
an installed dgbot does, even where PYTHONDONTWRITEBYTECODE is set. Peak memory
is the ru_maxrss that os.wait4 reports for the dgbot process, spawned by a small launcher
process: Linux carries a process's high-water RSS across fork and exec, so the (larger)
benchmark process must not be its parent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
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
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"seconds": time.perf_counter() - start, "status": status, "maxrss_kb": usage.ru_maxrss}))
"""


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


def clone(bundle: Path, workdir: Path) -> Path:
    """A checked-out clone of a dataset's bundle, made once and then reused."""
    repo = workdir / bundle.name.removesuffix(".bundle")
    if not (repo / ".git").is_dir():
        subprocess.run(["git", "clone", "-q", str(bundle), str(repo)], check=True)
    return repo


def time_dgbot(repo: Path, script: str = DGBOT, *args: str) -> tuple[float, int, list[Any]]:
    """Wall time, peak RSS (KiB) and the process's own report, from a launcher that wait4s it."""
    launcher = [sys.executable, "-c", LAUNCHER, sys.executable, "-c", script, str(repo), *args]
    done = subprocess.run(launcher, capture_output=True, text=True, check=True)
    report, usage = (json.loads(line) for line in done.stdout.splitlines()[-2:])
    if usage["status"] != 0:
        raise SystemExit(f"dgbot failed: {done.stderr}")
    return usage["seconds"], usage["maxrss_kb"], report


def time_floor(repo: Path, *cat_options: str) -> float:
    start = time.perf_counter()
    listing = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "-l", "HEAD"], capture_output=True)
    links = re.findall(rb"^120000 blob ([0-9a-f]+)", listing.stdout, re.MULTILINE)
    batch = b"\n".join(links) + b"\n"
    subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch", *cat_options], input=batch, capture_output=True
    )
    return time.perf_counter() - start


def time_annex_info(repo: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["git", "annex", "info", "--bytes", "."], cwd=repo, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="where the repository is built and kept")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of dgbot and the floor")
    parser.add_argument("--annex-runs", type=int, default=3, help="timed runs of git annex info")
    parser.add_argument("--files", type=int, default=100_000, help="annexed files")
    parser.add_argument("--git-files", type=int, default=5_000, help="files in git")
    parser.add_argument("--bundle", type=Path, help="measure this dataset's git bundle instead")
    args = parser.parse_args()
    # git-annex comes with the environment (pip `git-annex`), beside this interpreter
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dgbot-bench-"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    if args.bundle:
        repo, args.annex_runs = clone(args.bundle, workdir), 0
        described = f"{args.bundle.name}, checked out"
    else:
        repo = workdir / "dataset"
        expected = build(repo, args)
        described = f"{args.files} annexed + {args.git_files} in git, {expected['bytes']} bytes"
    _, _, report = time_dgbot(repo)  # warm the page cache and bytecode
    if not args.bundle and report[:3] != [expected["bytes"], args.files + args.git_files + 1, 0]:
        raise SystemExit(f"dgbot counted {report[:3]}, expected {expected}")
    _, _, checked = time_dgbot(repo, CHECK, "--commit", "HEAD")
    _, _, in_tree = time_dgbot(repo, CHECK)
    if checked[1] not in ("success", "failure") or in_tree[:2] != checked[:2]:
        raise SystemExit(f"dgbot check gave {checked} at HEAD, {in_tree} in the work tree")
    time_floor(repo)
    dgbot, floor, buffered, peaks, inner, check, tree = [], [], [], [], [], [], []
    pairs: dict[str, list[float]] = {"check": [], "tree": []}
    for _ in range(args.runs):
        seconds, peak, report = time_dgbot(repo)
        dgbot.append(seconds), peaks.append(peak), inner.append(report[4])
        floor.append(time_floor(repo))
        buffered.append(time_floor(repo, "--buffer"))  # as dgbot asks: one output flush, not one per blob
        seconds, peak, _ = time_dgbot(repo, CHECK, "--commit", "HEAD")
        check.append(seconds), peaks.append(peak), pairs["check"].append(seconds / buffered[-1])
        buffered.append(time_floor(repo, "--buffer"))
        seconds, peak, _ = time_dgbot(repo, CHECK)
        tree.append(seconds), peaks.append(peak), pairs["tree"].append(seconds / buffered[-1])
    annex = [time_annex_info(repo) for _ in range(args.annex_runs)]
    a, b = statistics.median(dgbot), statistics.median(floor)
    c = statistics.median(annex) if annex else float("nan")
    tight = statistics.median(buffered)
    print(f"repository: {repo}  ({described})")
    print(f"dgbot snapshot+sizes  median {a:6.3f} s  (process; in-process {statistics.median(inner):.3f} s)")
    print(f"floor ls-tree+cat-file median {b:6.3f} s  (with cat-file --buffer {tight:.3f} s)")
    for label, times in (("check --commit HEAD", check), ("check (work tree)", tree)):
        print(f"dgbot {label:19s} median {statistics.median(times):6.3f} s  (verdict {checked[1]})")
    if annex:
        print(f"git annex info --bytes median {c:6.3f} s  ({args.annex_runs} runs)")
    print(f"ratio dgbot/floor: {a / tight:.2f}  (target <= 1.50; {a / b:.2f} vs cat-file without --buffer)")
    for label, times in (("check --commit HEAD", check), ("check (work tree)", tree)):
        own = statistics.median(pairs["check" if times is check else "tree"])
        print(
            f"ratio dgbot {label}/floor: {statistics.median(times) / tight:.2f}"
            f"  (target <= 1.50; median of each run's own: {own:.2f})"
        )
    if annex:
        print(
            f"ratio annex-info/dgbot: {c / a:.1f}, annex-info/dgbot check: {c / statistics.median(check):.1f}"
        )
    print(f"peak memory of dgbot (any run): {max(peaks) / 1024:.0f} MB  (target < 300 MB)")


if __name__ == "__main__":
    main()
