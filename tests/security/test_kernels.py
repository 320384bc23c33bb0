"""Notebooks are repository code: kernels get no secrets and leave no process behind (issue 11: 4, 7)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dgbot.cli import main
from dgbot.notebooks import contain
from notebooks.nb_helpers import alive, kill_left, pid_written, write_notebook
from record.test_workflow import PLAN as WORKFLOW_PLAN

pytestmark = pytest.mark.slow

GIT = ["git", "-c", "user.name=Lab", "-c", "user.email=lab@example.org"]
PLAN = {
    **WORKFLOW_PLAN,
    "title": "Hostile notebooks",
    "description": "A repository whose notebooks try to read secrets and to outlive their run.",
    "reproducibility": {"notebooks": ["workflows/probe.ipynb"]},
}
SECRETS = {
    "DGBOT_TOKEN": "marker-dgbot-token-5b1f",
    "GITHUB_TOKEN": "marker-github-token-c7e2",
    "CI_JOB_TOKEN": "marker-ci-job-token-19ad",
    "ACTIONS_RUNTIME_TOKEN": "marker-actions-runtime-44f0",
    "MY_API_KEY": "marker-my-api-key-8e3c",
    "DB_PASSWORD": "marker-db-password-d2a9",
    "CI_REPOSITORY_URL": "https://gitlab-ci-token:marker-in-a-url-6c1b@gitlab.example.org/lab/x.git",
    "UPLOAD_SETTING": "marker-dgbot-token-5b1f",  # a secret's value under a harmless name
    # what a step appends to the runner's env file sets the publishing step's environment
    "GITHUB_ENV": "/nonexistent/marker-github-env-1e0c",
}
HARMLESS = {"DGBOT_HARMLESS": "visible-value-3f8e", "GIT_AUTHOR_NAME": "Lab Member"}
MARKS = [*SECRETS.values(), "marker-in-a-url-6c1b"]
PROBE = (
    "import json, os, pathlib, subprocess\n"
    "child = subprocess.run(['env', '-0'], capture_output=True, check=True).stdout.decode()\n"
    "seen = {'kernel': dict(os.environ), 'child': child.split('\\0')}\n"
    "pathlib.Path('../probe.json').write_text(json.dumps(seen))\n"
    "print(json.dumps(seen))"
)
# Three ways out of the kernel's process group; each writes the pid of the `sleep` that escaped.
ESCAPES = (
    "import os, subprocess, time\n"
    "p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
    "open('{name}.session.pid', 'w').write(str(p.pid))",
    "r, w = os.pipe()\n"
    "if os.fork() == 0:\n"
    "    if os.fork() == 0:\n"
    "        os.write(w, str(os.getpid()).encode())\n"
    "        os.execvp('sleep', ['sleep', '300'])\n"
    "    os._exit(0)\n"
    "os.close(w)\n"
    "grandchild = os.read(r, 32).decode()\n"
    "os.wait()\n"
    "open('{name}.fork.pid', 'w').write(grandchild)",
    'script = "echo $$ > {name}.setsid.pid; exec sleep 300"\n'
    "subprocess.run(f\"setsid sh -c '{{script}}' >/dev/null 2>&1 &\", shell=True)\n"
    "while not (os.path.exists('{name}.setsid.pid') and os.path.getsize('{name}.setsid.pid')):\n"
    "    time.sleep(0.05)",
)
HANG = "time.sleep(10**6)"
KILL_SUPERVISOR = "import signal\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(10**6)"


def dgbot(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def repository(root: Path, settings: str = "") -> Path:
    root.mkdir()
    (root / "dmp.json").write_text(json.dumps(PLAN, indent=1))
    (root / ".dgbot.yml").write_text(settings or "language: en\n")
    (root / "input_data").mkdir()
    (root / "input_data" / "readings.csv").write_text("sensor,value\na,1\n")
    write_notebook(root / "workflows" / "probe.ipynb", PROBE)
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "plan and notebooks"], cwd=root, check=True)
    return root


def leaked(root: Path, *texts: str) -> list[str]:
    """Markers found in any file under `root` or in `texts`."""
    found = [mark for text in texts for mark in MARKS if mark in text]
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            content = path.read_bytes()
            found += [f"{path.relative_to(root)}: {m}" for m in MARKS if m.encode() in content]
    return found


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**SECRETS, **HARMLESS}.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("command", ["run", "ci"])
def test_no_secret_reaches_the_kernel_or_what_it_starts(tmp_path: Path, secrets: None, command: str) -> None:
    repo = repository(tmp_path / "repo")
    stages = ["--stages", "validate,execute"] if command == "ci" else []  # the execute stage alone
    code, out = dgbot(command, str(repo), *stages)
    assert code == 0, out
    written = repo / (".dgbot/report/rerun/probe.json" if command == "ci" else "probe.json")  # ci: aside
    seen = json.loads(written.read_text())
    assert leaked(repo, out) == []
    child = dict(line.split("=", 1) for line in seen["child"] if "=" in line)
    for env in (seen["kernel"], child):
        assert not set(SECRETS) & set(env)
        assert {name: env.get(name) for name in HARMLESS} == HARMLESS
    executed = (repo / ".dgbot/report/notebooks/workflows/probe.ipynb").read_text()
    assert "visible-value-3f8e" in executed  # the executed copy holds what the kernel printed


def test_the_runner_may_pass_a_named_variable_but_never_a_ci_credential(
    tmp_path: Path, secrets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DGBOT_KERNEL_ENV_ALLOW", "MY_API_KEY,DGBOT_TOKEN,CI_JOB_TOKEN")
    repo = repository(tmp_path / "repo")
    code, out = dgbot("run", str(repo))
    assert code == 0, out
    kernel = json.loads((repo / "probe.json").read_text())["kernel"]
    assert kernel.get("MY_API_KEY") == SECRETS["MY_API_KEY"]
    assert not {"DGBOT_TOKEN", "CI_JOB_TOKEN", "UPLOAD_SETTING"} & set(kernel)


def _cgroups_here() -> bool:
    made = contain.make_cgroup()
    if made is not None:
        made.rmdir()
    return made is not None


@pytest.fixture(params=["cgroup", "subreaper"])
def containment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way dgbot contains a kernel: a cgroup (where one can be made here) and the subreaper alone."""
    if request.param == "cgroup" and not _cgroups_here():
        pytest.skip("no writable cgroup v2 hierarchy here; the subreaper case covers this machine")
    if request.param == "subreaper":
        monkeypatch.setattr(contain, "make_cgroup", lambda: None)
    return str(request.param)


def _escaping(repo: Path, name: str, *last: str) -> None:
    write_notebook(repo / "workflows" / f"{name}.ipynb", *(e.format(name=name) for e in ESCAPES), *last)


def _pids(repo: Path, name: str) -> list[int]:
    return [pid_written(repo / "workflows" / f"{name}.{way}.pid") for way in ("session", "fork", "setsid")]


def _left(pids: list[int]) -> list[int]:
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        kill_left(pid)
    return left


def test_no_process_escapes_a_timeout_or_outlives_a_finished_notebook(
    tmp_path: Path, containment: str
) -> None:
    repo = repository(tmp_path / "repo", "run:\n  cell_timeout: 3\n")
    _escaping(repo, "hangs", HANG)
    _escaping(repo, "finishes")
    code, out = dgbot("run", str(repo), "workflows/hangs.ipynb", "workflows/finishes.ipynb")
    assert code == 1, out
    assert "cell 4: did not finish within 3 s (the cell timeout); the kernel was stopped" in out
    assert _left(_pids(repo, "hangs")) == []
    assert _left(_pids(repo, "finishes")) == []
    root = contain.cgroup_root()
    if root is not None:
        assert not list(root.glob(f"dgbot-kernel-{os.getpid()}-*"))  # each kernel's cgroup removed


def test_a_notebook_that_kills_its_supervisor_is_still_contained_by_its_cgroup(tmp_path: Path) -> None:
    if not _cgroups_here():
        pytest.skip("no writable cgroup v2 hierarchy here: the subreaper alone cannot outlive its own death")
    repo = repository(tmp_path / "repo", "run:\n  cell_timeout: 3\n")
    _escaping(repo, "kills", KILL_SUPERVISOR)
    code, out = dgbot("run", str(repo), "workflows/kills.ipynb")
    assert code == 1, out
    assert _left(_pids(repo, "kills")) == []


def test_what_a_notebooks_processes_print_to_their_own_stdout_never_reaches_the_log(tmp_path: Path) -> None:
    """A CI log reads dgbot's stdout: a kernel writing to its file descriptor 1 must not reach it."""
    repo = repository(tmp_path / "repo")
    write_notebook(
        repo / "workflows" / "probe.ipynb",
        "import os, subprocess\n"
        "os.write(1, b'\\n::error::FROM-THE-KERNEL\\n')\n"
        "subprocess.run('echo ::error::FROM-A-CHILD', shell=True)",
    )
    subprocess.run([*GIT, "commit", "-qam", "print to fd 1"], cwd=repo, check=True)
    dgbot_script = Path(sys.executable).parent / "dgbot"
    done = subprocess.run(
        [str(dgbot_script), "run", str(repo)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "FROM-THE-KERNEL" not in said and "FROM-A-CHILD" not in said
    assert not [line for line in said.splitlines() if line.lstrip().startswith("::")]


def test_dgbot_hides_its_own_environment_from_the_notebooks_it_runs(tmp_path: Path) -> None:
    """A kernel runs as dgbot's user and could read /proc/<dgbot>/environ, the token dgbot started
    with: dgbot makes itself non-dumpable first, so those files belong to root. (The read itself
    cannot be shown as root, who may read them anyway; this asserts dgbot's own state after a run.)"""
    repo = repository(tmp_path / "repo")
    script = (
        "import ctypes, sys\n"
        "from dgbot.cli import main\n"
        f"code = main(['run', {str(repo)!r}, '-q'])\n"
        "print(code, ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))  # PR_GET_DUMPABLE\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.stdout.split()[-2:] == ["0", "0"], done.stdout + done.stderr
    fresh = subprocess.run(
        [sys.executable, "-c", "import ctypes; print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fresh.stdout.strip() == "1"  # what a process is before dgbot runs a notebook
