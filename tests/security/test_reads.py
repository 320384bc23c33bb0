"""Attacks by reading: committed symlinks to /dev/zero, FIFOs and files outside the repository.

Each builds the hostile repository in tmp_path and runs dgbot's real entry point; the commands that
hashed or copied files run in a subprocess with a generous timeout, so a regression (a read that
never ends) fails the test instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dgbot.cli import main
from notebooks.nb_helpers import write_notebook
from record.conftest import git_env, run

__all__ = ["git_env"]  # the module-scoped git/DataLad environment, autouse here too

DGBOT = str(Path(sys.executable).parent / "dgbot")
NEVER = "is a symbolic link; dgbot never reads through one"
SECRET = b"SECRET-TOKEN-4f1c9a: the runner's own file, outside the repository\n"
OPEN = {"accessRights": "open", "license": "CC-BY-4.0", "personalData": "no", "sensitiveData": "no"}
PLAN = {
    "schema": "basic", "workflowIdentifier": "basic", "contentSize": "1GB", "datasetStructure": "with_code",
    "title": "Hostile readings", "description": "A plan whose repository points at devices.",
    "created": "2025-03-01", "modified": "2025-06-30",
    "datasets": [{"title": "Readings", "path": "input_data", **OPEN},
                 {"title": "Results", "path": "output_data", **OPEN}],
    "reproducibility": {"notebooks": ["workflows/analysis.ipynb"], "outputs": ["output_data/*"]},
}  # fmt: skip


def dgbot(*argv: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The installed `dgbot` in a subprocess, outside any CI runner's environment.

    Output goes to files, not pipes: a kernel left running would hold a pipe open for ever. A
    command still running after `timeout` is killed with its process group and the test fails.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITLAB_CI", "CI")}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([DGBOT, *argv], stdout=out, stderr=err, env=env, start_new_session=True)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"dgbot {' '.join(argv)} was still running after {timeout} s")
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(argv, code, out.read(), err.read())


def dgbot_here(*argv: str) -> tuple[int, str]:
    """`dgbot.cli.main` in this process: its exit code and everything it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the repository that no attack may read, copy or change."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


def plain_repo(root: Path, notebook: str = "x = 1") -> Path:
    """A git repository with a valid plan and the one notebook it marks for CI, committed."""
    run(root.parent, "git", "init", "-q", root.name)
    (root / "dmp.json").write_text(json.dumps(PLAN, indent=1))
    write_notebook(root / "workflows" / "analysis.ipynb", notebook)
    (root / "input_data").mkdir()
    (root / "input_data" / "raw.csv").write_text("sensor,value\na,1\n")
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-q", "-m", "plan and notebook")
    return root


def hostile_repo(root: Path, secret: Path, notebook: str = "x = 1") -> Path:
    """The plain repository with inputs that are not regular files in it."""
    data = plain_repo(root, notebook) / "input_data"
    os.symlink("/dev/zero", data / "zero")  # committed: git stores the link
    os.symlink(secret, data / "secret")
    os.symlink("raw.csv", data / "alias.csv")  # inside the repository, to a regular file: read
    os.symlink("../.git/config", data / "gitconfig")  # inside, but into .git: refused
    os.symlink("pipe", data / "via-pipe")
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-q", "-m", "hostile inputs")
    os.mkfifo(data / "pipe")  # git cannot commit a FIFO; a work tree (a CI cache, a step) can hold one
    return root


def assert_secret_untouched(secret: Path, *texts: str) -> None:
    assert secret.read_bytes() == SECRET
    digest = hashlib.sha256(SECRET).hexdigest()
    for text in texts:
        assert "SECRET-TOKEN" not in text and digest not in text


def test_run_finishes_with_dev_zero_a_fifo_and_a_link_out_as_inputs(tmp_path: Path, secret: Path) -> None:
    repo = hostile_repo(tmp_path / "repo", secret)
    done = dgbot("run", str(repo))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not hashed input_data/zero: input_data/zero is a symbolic link that leads outside" in done.stdout
    assert "input_data/via-pipe is a named pipe (FIFO); dgbot reads only regular files" in done.stdout
    assert "input_data/gitconfig is a symbolic link into .git" in done.stdout
    text = (repo / ".dgbot/report/provenance.json").read_text()
    inputs = {f["path"]: f for f in json.loads(text)["inputs"]}
    zero = inputs["input_data/zero"]
    assert zero["sha256"] is None and "leads outside" in zero["unhashed"]
    assert inputs["input_data/secret"]["sha256"] is None
    assert inputs["input_data/alias.csv"]["sha256"] == hashlib.sha256(b"sensor,value\na,1\n").hexdigest()
    assert "input_data/pipe" not in inputs  # not a file git could track: not listed at all
    assert_secret_untouched(secret, text, done.stdout)


def test_ci_finishes_with_dev_zero_and_a_fifo_as_inputs(tmp_path: Path, secret: Path) -> None:
    repo = hostile_repo(tmp_path / "repo", secret)
    done = dgbot("ci", str(repo))
    assert done.returncode in (0, 1), done.stdout + done.stderr  # a verdict, not a hang or a crash
    assert "input_data/zero is a symbolic link that leads outside the repository" in done.stdout
    assert "input_data/via-pipe is a named pipe (FIFO)" in done.stdout
    provenance = (repo / ".dgbot/report/provenance.json").read_text()
    assert json.loads(provenance)["status"] == "success"
    assert_secret_untouched(secret, provenance, done.stdout, done.stderr)


def test_run_never_hashes_an_output_that_links_outside(tmp_path: Path, secret: Path) -> None:
    made = (
        "import os, pathlib\npathlib.Path('../output_data').mkdir()\n"
        f"os.symlink({str(secret)!r}, '../output_data/leak')"
    )
    repo = hostile_repo(tmp_path / "repo", secret, notebook=made)
    done = dgbot("run", str(repo))
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((repo / ".dgbot/report/provenance.json").read_text())
    (leak,) = [f for f in record["outputs"] if f["path"] == "output_data/leak"]
    assert leak["sha256"] is None and "leads outside the repository" in leak["unhashed"]
    (declared,) = record["reproducibility"]["outputs"]
    assert declared == {"path": "output_data/leak", "recorded": None, "rerun": None}
    assert_secret_untouched(secret, json.dumps(record), done.stdout)


def test_package_finishes_and_copies_nothing_from_outside(tmp_path: Path, secret: Path) -> None:
    repo = hostile_repo(tmp_path / "repo", secret)
    out = tmp_path / "crate"
    done = dgbot("package", str(repo), "-o", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("zero", "secret", "gitconfig", "via-pipe"):
        assert f"notice: input_data/{name} " in done.stderr and "left out of the crate" in done.stderr
        assert not (out / "input_data" / name).exists()
    assert (out / "input_data/alias.csv").read_bytes() == b"sensor,value\na,1\n"  # a link inside: its content
    copied = [p for p in out.rglob("*") if p.is_file() or p.is_symlink()]
    assert not [p for p in copied if p.is_symlink()]
    assert_secret_untouched(secret, *(p.read_bytes().decode("utf-8", "replace") for p in copied))
    metadata = (out / "ro-crate-metadata.json").read_text()
    assert "input_data/secret" not in metadata and "input_data/zero" not in metadata


def config_link(tmp_path: Path, secret: Path) -> Path:
    """A repository whose .dgbot.yml is a committed symlink to a (valid) settings file outside."""
    repo = plain_repo(tmp_path / "repo")
    settings = tmp_path / "outside" / "settings.yml"
    settings.write_text("report_dir: SECRET-TOKEN-report\nnotebooks:\n  folder: SECRET-TOKEN-folder\n")
    os.symlink(settings, repo / ".dgbot.yml")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "settings from elsewhere")
    return repo


@pytest.mark.parametrize("command", ["validate", "generate", "run", "ci"])
def test_a_symlinked_dgbot_yml_is_refused(tmp_path: Path, secret: Path, command: str) -> None:
    repo = config_link(tmp_path, secret)
    code, said = dgbot_here(command, str(repo))
    assert code == 1, said
    assert ".dgbot.yml\n" in said and f"error: the file {NEVER}" in said  # the text report groups by file
    assert "SECRET-TOKEN" not in said
    assert not list(repo.glob("SECRET-TOKEN*")) and not (repo / "workflows" / "environment.ipynb").exists()


@pytest.mark.parametrize("command", ["validate", "check"])
def test_a_plan_that_links_outside_is_refused(tmp_path: Path, secret: Path, command: str) -> None:
    repo = tmp_path / "repo"
    run(tmp_path, "git", "init", "-q", "repo")
    outside = tmp_path / "outside" / "plan.json"
    outside.write_text(json.dumps({**PLAN, "title": "SECRET-TOKEN plan"}))
    os.symlink(outside, repo / "dmp.json")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "a plan from elsewhere")
    code, said = dgbot_here(command, str(repo))
    assert code == 1, said
    assert "dmp.json\n" in said and f"error: the file {NEVER}" in said
    assert "SECRET-TOKEN" not in said


@pytest.mark.slow
def test_record_never_copies_a_symlinked_gitattributes_in(tmp_path: Path, secret: Path) -> None:
    run(tmp_path, "datalad", "-l", "error", "create", "ds")
    ds = tmp_path / "ds"
    rules = tmp_path / "outside" / "rules"
    rules.write_text("* annex.largefiles=nothing  # SECRET-TOKEN rules\n")
    (ds / "dmp.json").write_text(json.dumps(PLAN, indent=1))
    write_notebook(ds / "workflows" / "analysis.ipynb", "x = 1")
    (ds / ".gitattributes").unlink()
    os.symlink(rules, ds / ".gitattributes")
    run(ds, "git", "add", "-A")
    run(ds, "git", "commit", "-q", "-m", "rules from elsewhere")
    ran = dgbot("run", str(ds))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    head = run(ds, "git", "rev-parse", "HEAD")
    done = dgbot("record", str(ds), "-m", "the run")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"dgbot: .gitattributes {NEVER}" in done.stderr
    assert rules.read_text() == "* annex.largefiles=nothing  # SECRET-TOKEN rules\n"
    assert (ds / ".gitattributes").is_symlink() and run(ds, "git", "rev-parse", "HEAD") == head
    tracked = run(ds, "git", "ls-files", "-z").split("\0")
    files = [ds / n for n in tracked if n and not (ds / n).is_symlink()]
    assert not [f for f in files if b"SECRET-TOKEN" in f.read_bytes()]


@pytest.mark.parametrize("command", ["check", "package"])
def test_a_provenance_record_linked_to_dev_zero_is_never_read(tmp_path: Path, command: str) -> None:
    repo = plain_repo(tmp_path / "repo")
    (repo / ".dgbot" / "report").mkdir(parents=True)
    # not committed (a committed record is never read at all): as a CI cache or an earlier step leaves it
    os.symlink("/dev/zero", repo / ".dgbot" / "report" / "provenance.json")
    done = dgbot(command, str(repo), *(["--format", "json"] if command == "check" else []))
    if command == "check":
        assert done.returncode == 1, done.stdout + done.stderr  # the plain repository fails other checks
        checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
        assert f".dgbot/report/provenance.json {NEVER}" in checks["reproducibility"]["skipped"]
    else:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 run(s)" in done.stdout
        assert "notice: .dgbot/report/provenance.json is a symbolic link that leads outside" in done.stderr


def test_package_notices_name_a_hostile_link_escaped(tmp_path: Path, secret: Path) -> None:
    """The notice about a file left out of the crate quotes its name: never as a runner command."""
    repo = plain_repo(tmp_path / "repo")
    os.symlink(secret, repo / "input_data" / "a\n::error title=PWNED::owned")
    code, said = dgbot_here("package", str(repo), "-o", str(tmp_path / "crate"))
    assert code == 0, said
    assert "left out of the crate" in said and "a\\n::error title=PWNED::owned" in said
    assert not [line for line in said.splitlines() if line.lstrip().startswith("::")]


def test_a_huge_file_a_check_reads_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    """A 1 TiB sparse LICENSE costs no disk; reading it whole would exhaust memory."""
    from dgbot.snapshot import snapshot_worktree
    from dgbot.snapshot.git import READ_LIMIT

    repo = plain_repo(tmp_path / "repo")
    with open(repo / "LICENSE", "wb") as handle:
        handle.truncate(1024**4)
    snapshot = snapshot_worktree(repo)
    raw = snapshot.read("LICENSE")
    assert raw is not None and len(raw) == READ_LIMIT + 1
    code, said = dgbot_here("check", str(repo))
    assert code in (0, 1) and "Traceback" not in said
