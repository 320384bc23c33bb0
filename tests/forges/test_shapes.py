"""The fakes answer in the shapes of the real forges for the fields the adapters read, checked
against the recorded webhook payloads; and each forge SDK is imported only by its adapter."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import REPO_ROOT, corpus_path
from dgbot.forges.base import CommitStatus
from forges.servers import Served, serve


@pytest.fixture
def running(request: pytest.FixtureRequest) -> Iterator[Served]:
    served = serve(request.param)
    yield served
    served.stop()


def _payload(name: str) -> Any:
    return json.loads(corpus_path("webhooks", name).read_text(encoding="utf-8"))


@pytest.mark.corpus
@pytest.mark.parametrize("running", ["github"], indirect=True)
def test_github_status_and_pull_request_fields(running: Served) -> None:
    status = _payload("github/status.payload.json")
    pull = _payload("github/pull_request.opened.payload.json")["pull_request"]
    running.forge.set_status(running.seed.sha, CommitStatus("dgbot/dmp", "success", "1 check passed"))
    stored = running.repo.statuses[running.seed.sha][0]
    for key in ("state", "description", "target_url", "context"):
        assert key in status and key in stored
    made = running.fake._pull(running.repo.open_thread("t", "b", [], {"head": "x", "base": "main"}))
    for key in ("number", "title", "body", "state", "labels", "url", "html_url", "user"):
        assert key in pull and key in made
    assert set(pull["head"]) >= set(made["head"]) and set(pull["base"]) >= set(made["base"])
    assert "/pull/" in pull["html_url"] and "/pull/" in made["html_url"]  # how the adapter tells PRs apart


@pytest.mark.corpus
@pytest.mark.parametrize("running", ["gitea"], indirect=True)
def test_gitea_pull_request_fields(running: Served) -> None:
    pull = _payload("gitea/pull-request-event.json")["pull_request"]
    made = running.fake.pull(running.repo.open_thread("t", "b", ["dgbot"], {"head": "x", "base": "main"}))
    for key in ("number", "title", "body", "state", "labels", "user"):
        assert key in pull and key in made
    assert set(pull["head"]) >= set(made["head"])


@pytest.mark.corpus
@pytest.mark.parametrize("running", ["gitlab"], indirect=True)
def test_gitlab_merge_request_fields(running: Served) -> None:
    attributes = _payload("gitlab/merge-request-event.json")["object_attributes"]
    made = running.fake._mr_json(_mr())
    assert set(made) <= set(attributes)


def _mr() -> Any:
    from forges.model import Thread

    return Thread(1, "t", "b", pull={"head": "x", "base": "main"})


SDKS = {
    "github": {
        "forges/github.py",
        "forges/github_auth.py",
        "forges/github_push.py",
        "forges/github_checks.py",
    },
    "gitlab": {"forges/gitlab.py"},
}


def test_each_forge_sdk_is_imported_only_by_its_adapter() -> None:
    root = REPO_ROOT / "bot" / "dgbot"
    importers: dict[str, set[str]] = {name: set() for name in SDKS}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in importers:
                    importers[name.split(".")[0]].add(path.relative_to(root).as_posix())
    assert importers == SDKS
