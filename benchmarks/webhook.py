"""Webhook acknowledgement: `dgbot serve` vs a bare Flask endpoint served the same way (wrk).

wrk (Debian package `wrk`) sends signed GitHub push deliveries, each with its own delivery id
and commit, at 16 connections for 10 s to /hooks/github, then the same requests to a Flask
app that only answers 202, both under gunicorn with the same workers. Prints throughputs,
their ratio (target >= 0.8), p99 latency (target <= 25 ms), and how many 202-answered
deliveries the store holds (target: 0 lost). `--backend postgresql` uses the PostgreSQL
store and the Redis queue of this machine. No worker runs: only the acknowledgement is timed.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import shutil
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
local threads = 0
function setup(thread)
  thread:set("id", threads)  -- each wrk thread starts in its own half: no delivery sent twice
  threads = threads + 1
end
local n = #requests
function init(args)
  i = (id or 0) * math.floor(n / 2)
end
request = function()
  i = i % n + 1
  return requests[i]
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
        lines.append(f'requests[{n + 1}] = wrk.format("POST", "/hooks/github", {head}, {json.dumps(body)})')
    script = folder / "requests.lua"
    script.write_text("\n".join(lines) + LUA)
    return script


def _wrk(url: str, script: Path, seconds: int) -> tuple[float, float, int]:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99 is not None, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, float(p99.group(1)) * scale, int(bad.group(1)) if bad else 0


def _serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); nothing measured")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="dgbot-bench-"))
    env = {**os.environ, "DGBOT_STATE_DIR": str(folder / "state"), "DGBOT_GITHUB_WEBHOOK_SECRET": SECRET}
    if args.backend == "postgresql":
        env["DGBOT_DATABASE_URL"] = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        env["DGBOT_REDIS_URL"] = "redis://127.0.0.1:6379/0"
        env["DGBOT_QUEUE_NAME"] = f"dgbot-bench-{uuid.uuid4().hex[:6]}"
        schema = f"dgbot_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(env["DGBOT_DATABASE_URL"])
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        env["DGBOT_DATABASE_URL"] += f"?options=-csearch_path%3D{schema}"
        subprocess.run([sys.executable, "-m", "dgbot", "db", "upgrade", "-q"], env=env, check=True)
    script = _requests(args.seconds * 6000, folder)
    (folder / "bare.py").write_text(BARE)
    results = {}
    for name in ("bare", "dgbot"):
        port = 18000 + (os.getpid() % 1000)
        if name == "bare":
            command = [
                str(Path(sys.executable).parent / "gunicorn"),
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--chdir",
                str(folder),
                "bare:app",
            ]
        else:
            command = [
                sys.executable,
                "-m",
                "dgbot",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
            ]
        server = _serve(command, env, port)
        try:
            results[name] = _wrk(f"http://127.0.0.1:{port}", script, args.seconds)
        finally:
            server.terminate()
            server.wait()
    bare, ours = results["bare"], results["dgbot"]
    store = env.get("DGBOT_DATABASE_URL") or f"sqlite:///{folder / 'state' / 'store.db'}"
    engine = sa.create_engine(store)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM deliveries")).scalar_one()
    engine.dispose()
    answered = int(ours[0] * args.seconds) - ours[2]
    print(f"backend {args.backend}, {args.workers} gunicorn workers, 16 connections, {args.seconds} s")
    print(f"bare Flask : {bare[0]:8.0f} req/s  p99 {bare[1]:6.1f} ms")
    print(f"dgbot serve: {ours[0]:8.0f} req/s  p99 {ours[1]:6.1f} ms  non-2xx {ours[2]}")
    print(f"ratio dgbot/bare: {ours[0] / bare[0]:.2f} (target >= 0.8); p99 target <= 25 ms")
    print(f"deliveries stored: {stored} of about {answered} answered (target: none lost)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
