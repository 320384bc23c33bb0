"""Reading a pushed commit without its content: a partial fetch over git smart HTTP, then `govern`.

The forge fake serves a real bare repository through `git http-backend`; the repository was pushed
with its data in git-annex and no annexed content. The token reaches git only through the askpass
helper: it is in no argument of any git process (GIT_TRACE records every one, and /proc is watched
while the fetch runs), and the fake sees it only as the HTTP Basic password.
"""

from __future__ import annotations

import base64
import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dgbot.errors import UsageError
from dgbot.events.hooks import Hook
from dgbot.events.model import Event
from dgbot.jobs import clone
from dgbot.jobs.body import JobContext, run_body
from dgbot.pipeline import govern
from dgbot.records import Status
from dgbot.snapshot import sizes, snapshot_commit
from dgbot.store.engine import create_store_engine, upgrade
from forges.git_http import GitHosting
from forges.servers import TOKEN, Served, serve
from service.repos import ANNEXED, git_author, push, research_repo, run

__all__ = ["git_author"]


@pytest.fixture
def hosted(tmp_path: Path) -> Iterator[tuple[Served, GitHosting]]:
    holder: dict[str, GitHosting] = {}
    served = serve(
        "github", configure=lambda fake: holder.setdefault("git", GitHosting(fake, tmp_path / "forge"))
    )
    yield served, holder["git"]
    served.stop()


def _watch_cmdlines(stop: threading.Event, seen: list[bytes]) -> None:
    """Every process's argument list, sampled until `stop`: git's own must never hold the token."""
    while not stop.is_set():
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    seen.append((entry / "cmdline").read_bytes())


@pytest.mark.usefixtures("git_author")
def test_a_pushed_annexed_repository_is_read_without_content_and_governed(
    tmp_path: Path, hosted: tuple[Served, GitHosting], monkeypatch: pytest.MonkeyPatch
) -> None:
    served, git = hosted
    head = research_repo(tmp_path / "research", "pass")
    push(tmp_path / "research", git.authed_url(TOKEN))
    assert served.repo.branches["main"] == head  # the fake's API sees the pushed commit
    git.requests.clear()
    trace = tmp_path / "git-trace.log"
    environment = clone._environment

    def traced(*args: Any) -> dict[str, str]:
        return {**environment(*args), "GIT_TRACE": str(trace), "GIT_TRACE_CURL": str(trace)}

    monkeypatch.setattr(clone, "_environment", traced)
    seen: list[bytes] = []
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_cmdlines, args=(stop, seen), daemon=True)
    watcher.start()
    try:
        with clone.fetched_commit("github", served.fake.server.url, "lab/data", head, TOKEN) as fetched:
            snapshot = snapshot_commit(fetched.path, head)
            result = govern(fetched.path, head, environ={}, taken=lambda: snapshot)
            config = (fetched.path / "config").read_text()
    finally:
        stop.set()
        watcher.join()
    assert result.verdict.commit == head
    assert result.verdict.status is Status.SUCCESS, [f.message for f in result.verdict.findings]
    volume = next(c for c in result.verdict.checks if c.id == "volume")
    assert any("of the plan's limit of 1GB" in f.message for f in volume.findings), volume.findings
    assert sizes(snapshot.files).total > 400_000_000  # sizes from the git-annex keys
    extra = snapshot.find("output_data/extra.h5")
    assert extra is not None and extra.key is not None and extra.size == ANNEXED["output_data/extra.h5"]
    # No content: the fetch got fewer bytes than the one real annexed file holds, and no annex request.
    assert 0 < fetched.bytes < ANNEXED["output_data/extra.h5"]
    assert 0 < git.fetched_bytes() < ANNEXED["output_data/extra.h5"]
    assert git.annex_requests() == []
    # The token: sent as the Basic password after the forge asked, never in an argument or the trace.
    assert git.requests[0].status == 401
    sent = {base64.b64decode(r.authorization.split(" ", 1)[1]) for r in git.requests if r.authorization}
    assert sent == {f"x-access-token:{TOKEN}".encode()}
    traced_text = trace.read_text()
    assert "run_command: git remote-http" in traced_text or "remote-http" in traced_text
    assert TOKEN not in traced_text
    assert seen and not any(TOKEN.encode() in line for line in seen)
    assert TOKEN not in config and "promisor" not in config  # nothing to fetch more from later


@pytest.mark.usefixtures("git_author")
def test_the_clone_url_comes_from_the_configured_forge() -> None:
    assert clone.clone_url("github", None, "lab/data") == "https://github.com/lab/data.git"
    assert clone.clone_url("github", "https://ghe.example.org/api/v3", "lab/da ta") == (
        "https://ghe.example.org/lab/da%20ta.git"
    )
    assert clone.clone_url("gitlab", "https://gitlab.example.org/", "g/sub/p") == (
        "https://gitlab.example.org/g/sub/p.git"
    )
    refused = pytest.raises(UsageError, match="not a commit id")
    with refused, clone.fetched_commit("gitea", "https://x.example.org", "a/b", "--upload-pack=touch", None):
        pass


@pytest.mark.usefixtures("git_author")
def test_a_repository_without_a_plan_is_not_governed(
    tmp_path: Path, hosted: tuple[Served, GitHosting]
) -> None:
    served, git = hosted
    plain = tmp_path / "plain"
    plain.mkdir()
    run(plain, "git", "init", "-q", "-b", "main")
    (plain / "README.md").write_text("# no plan here\n")
    run(plain, "git", "add", "-A")
    run(plain, "git", "commit", "-q", "-m", "readme")
    head = run(plain, "git", "rev-parse", "HEAD").strip()
    push(plain, git.authed_url(TOKEN))
    served.fake.server.log.clear()
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    hook = Hook("github", "secret", served.fake.server.url, TOKEN)
    event = Event("github", "push", "lab/data", "refs/heads/main", head)
    result = run_body(event, JobContext(engine, 1, hook, {"DGBOT_GITHUB_THROTTLE": "0"}))
    assert result["governed"] is False and result["commit"] == head
    assert served.repo.statuses.get(head) is None and served.repo.issues() == []
    assert [r for r in served.fake.server.log if "/api/" in r.path] == []  # the fetch alone, no API call
    with engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from verdicts")).scalar_one() == 0
    engine.dispose()
