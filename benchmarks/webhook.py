"""Webhook acknowledgement: `dgbot serve` vs a bare Flask endpoint served the same way (wrk).

wrk (Debian package `wrk`) sends signed GitHub push deliveries, each with its own delivery id
and commit, at 16 connections for 10 s to /hooks/github, then the same requests to a Flask
app that only answers 202, both under gunicorn with the same worker class (gthread), workers
and threads. Prints throughputs, their ratio (target >= 0.8), p99 latency (target <= 25 ms),
and how many of the deliveries answered 202 the store holds (target: 0 lost). `--backend
postgresql` uses the PostgreSQL store and the Redis queue of this machine. No worker runs:
only the acknowledgement is timed, with the ingest that stores the journal running beside
the server as it does in production (at a lower priority: it may finish after wrk; how
long it took after the run is printed, and the stored deliveries are counted once it is
done). The CPU seconds of each server's processes per request are printed too (PostgreSQL's
own are not among them). `--runs N` repeats both, alternating which goes first, and prints
the median ratio (the machine may be shared: ratios within one run are what counts).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa

SECRET = "benchmark-secret"
BARE = """
from flask import Flask, request
app = Flask("bare")

@app.post("/hooks/github")
def hook():
    request.get_data()
    return {"outcome": "queued"}, 202
"""
LUA = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)  -- each wrk thread starts in its own half: no delivery sent twice
  table.insert(threads, thread)
end
local n = #requests
function init(args)
  i = (id or 0) * math.floor(n / 2)
  accepted = 0
end
request = function()
  i = i % n + 1
  return requests[i]
end
response = function(status, headers, body)
  if status == 202 then accepted = accepted + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("accepted") end
  io.write(string.format("accepted: %d\\n", total))
end
"""


def _requests(count: int, folder: Path) -> Path:
    lines = ["requests = {}"]
    for n in range(count):
        body = json.dumps(
            {
                "ref": "refs/heads/main",
                "after": f"{n + 1:040x}",
                "before": "f" * 40,
                "repository": {"full_name": f"bench/repo-{n % 97}"},
            }
        )
        signature = "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
        fields = {
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": signature,
            "Content-Type": "application/json",
        }
        head = "{" + ",".join(f'["{k}"]="{v}"' for k, v in fields.items()) + "}"
        if n % 5000 == 0:  # a Lua function holds at most 2^18 constants: a chunk of requests each
            lines.append("end)()" if n else "")
            lines.append("local _ = (function()")
        lines.append(f'requests[{n + 1}] = wrk.format("POST", "/hooks/github", {head}, {json.dumps(body)})')
    lines.append("end)()")
    script = folder / "requests.lua"
    script.write_text("\n".join(lines) + LUA)
    return script


def _wrk(url: str, script: Path, seconds: int) -> tuple[float, float, int, int]:
    done = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    if done.stderr.strip():
        raise SystemExit(f"wrk: {done.stderr.strip()[:2000]}")
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99 is not None, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    accepted = re.search(r"accepted: (\d+)", out)
    assert accepted is not None, out
    return rate, float(p99.group(1)) * scale, int(bad.group(1)) if bad else 0, int(accepted.group(1))


def _cpu_seconds(root: int) -> float:
    """User and system CPU seconds of a process and all its descendants (from /proc, while they run)."""
    parents, times = {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick

    def within(pid: int) -> bool:
        while pid > 1:
            if pid == root:
                return True
            pid = parents.get(pid, 0)
        return False

    return sum(seconds for pid, seconds in times.items() if within(pid))


def _serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def _store(args: argparse.Namespace, folder: Path) -> dict[str, str]:
    """A fresh store (and queue) for one run."""
    env = {**os.environ, "DGBOT_STATE_DIR": str(folder / "state"), "DGBOT_GITHUB_WEBHOOK_SECRET": SECRET}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if args.backend == "postgresql":
        env["DGBOT_DATABASE_URL"] = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        env["DGBOT_REDIS_URL"] = "redis://127.0.0.1:6379/0"
        env["DGBOT_QUEUE_NAME"] = f"dgbot-bench-{uuid.uuid4().hex[:6]}"
        schema = f"dgbot_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(env["DGBOT_DATABASE_URL"])
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        admin.dispose()
        env["DGBOT_DATABASE_URL"] += f"?options=-csearch_path%3D{schema}"
        subprocess.run([sys.executable, "-m", "dgbot", "db", "upgrade", "-q"], env=env, check=True)
    return env


def _count(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = int(connection.execute(sa.text("SELECT count(*) FROM deliveries")).scalar_one())
    engine.dispose()
    return stored


def _drained(env: dict[str, str], folder: Path, answered: int) -> float:
    """Seconds until the ingest stored what was answered (or stopped storing more)."""
    url = env.get("DGBOT_DATABASE_URL") or f"sqlite:///{folder / 'state' / 'store.db'}"
    started, last, since = time.monotonic(), -1, time.monotonic()
    while True:
        stored = _count(url)
        if stored >= answered or time.monotonic() - since > 20:
            return time.monotonic() - started
        if stored != last:
            last, since = stored, time.monotonic()
        time.sleep(0.2)


def _stored(env: dict[str, str], folder: Path) -> int:
    url = env.get("DGBOT_DATABASE_URL") or f"sqlite:///{folder / 'state' / 'store.db'}"
    stored = _count(url)
    if "search_path" in url:
        schema = url.rsplit("%3D", 1)[1]
        admin = sa.create_engine(url.split("?")[0])
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
    return stored


def _run(args: argparse.Namespace, folder: Path, script: Path) -> dict[str, tuple[float, float, int, int]]:
    env = _store(args, folder)
    with socket.socket() as sock:  # a free port
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    same = ["--workers", str(args.workers), "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}"]
    commands = {
        "bare": [
            str(Path(sys.executable).parent / "gunicorn"),
            "-k",
            "gthread",
            *same,
            "--chdir",
            str(folder),
            "bare:app",
        ],
        "dgbot": [sys.executable, "-m", "dgbot", "serve", *same],
    }
    results = {}
    order = list(commands.items())
    if args.run % 2:  # the machine may be shared: alternate which one goes first
        order.reverse()
    for name, command in order:
        server = _serve(command, env, port)
        try:
            before = _cpu_seconds(server.pid)
            results[name] = _wrk(f"http://127.0.0.1:{port}", script, args.seconds)
            if name == "dgbot":
                results["drain"] = (_drained(env, folder, results[name][3]), 0.0, 0, 0)
            used = _cpu_seconds(server.pid) - before  # the ingest's share after the run included
            rate = results[name][0]
            results[name + "-cpu"] = (used / (rate * args.seconds) * 1e6, 0.0, 0, 0)
        finally:
            server.terminate()
            server.wait()
    results["stored"] = (0.0, 0.0, 0, _stored(env, folder))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); nothing measured")
        return 0
    top = Path(tempfile.mkdtemp(prefix="dgbot-bench-"))
    script = _requests(args.seconds * 8000, top)
    print(
        f"backend {args.backend}, gunicorn gthread {args.workers} workers x {args.threads} threads,"
        f" 16 connections, {args.seconds} s"
    )
    ratios = []
    for run in range(args.runs):
        folder = top / f"run-{run}"
        folder.mkdir()
        (folder / "bare.py").write_text(BARE)
        args.run = run
        results = _run(args, folder, script)
        bare, ours, stored = results["bare"], results["dgbot"], results["stored"][3]
        lost = max(0, ours[3] - stored)
        ratios.append(ours[0] / bare[0])
        print(
            f"run {run + 1}: bare {bare[0]:6.0f} req/s p99 {bare[1]:5.1f} ms | dgbot {ours[0]:6.0f} req/s"
            f" p99 {ours[1]:5.1f} ms non-2xx {ours[2]} | ratio {ratios[-1]:.2f} | answered 202 {ours[3]},"
            f" stored {stored}, lost {lost}, stored {results['drain'][0]:.1f} s after the run"
        )
        cpu, cpu_bare = results["dgbot-cpu"][0], results["bare-cpu"][0]
        print(
            f"       server CPU per request: bare {cpu_bare:.0f} us, dgbot {cpu:.0f} us (its ingest included)"
            f" | CPU ratio bare/dgbot {cpu_bare / cpu:.2f}"
        )
    shutil.rmtree(top, ignore_errors=True)
    median = statistics.median(ratios)
    print(f"median ratio dgbot/bare: {median:.2f} (target >= 0.8); p99 target <= 25 ms; lost target 0")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
