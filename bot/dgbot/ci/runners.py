"""Which CI runner dgbot runs in, and what it tells about the change: from documented variables."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PULL_REF = re.compile(r"^refs/pull/(\d+)/")


@dataclass(frozen=True)
class Runner:
    """The CI context of one run; every field None where the runner does not say."""

    kind: str  # "github", "gitlab" or "local"
    workspace: Path | None = None  # the checkout's top, which annotation paths are relative to
    repository: str | None = None  # owner/name (GitHub) or group/project (GitLab)
    sha: str | None = None  # the commit the verdict belongs to (a pull request's head)
    branch: str | None = None
    pull: int | None = None  # pull or merge request number
    api_url: str | None = None
    visibility: str | None = None  # public, private or internal
    fork: bool = False  # the change comes from a fork

    @property
    def forge(self) -> str | None:
        return self.kind if self.kind in ("github", "gitlab") else None


def _event(environ: Mapping[str, str]) -> dict[str, Any]:
    """The webhook payload GitHub leaves at GITHUB_EVENT_PATH; {} when absent or unreadable."""
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _github(environ: Mapping[str, str]) -> Runner:
    event = _event(environ)
    pull = _mapping(event.get("pull_request"))
    repo = _mapping(event.get("repository"))
    number = _PULL_REF.match(environ.get("GITHUB_REF", ""))
    head = _mapping(pull.get("head"))
    head_repo = _mapping(head.get("repo")).get("full_name")
    visibility = repo.get("visibility") or (
        None if "private" not in repo else "private" if repo["private"] else "public"
    )
    return Runner(
        kind="github",
        workspace=Path(environ["GITHUB_WORKSPACE"]) if environ.get("GITHUB_WORKSPACE") else None,
        repository=environ.get("GITHUB_REPOSITORY"),
        # on pull_request events GITHUB_SHA is a merge commit nobody sees: statuses go on the head
        sha=head.get("sha") or environ.get("GITHUB_SHA"),
        branch=environ.get("GITHUB_HEAD_REF") or environ.get("GITHUB_REF_NAME"),
        pull=pull.get("number") or (int(number.group(1)) if number else None),
        api_url=environ.get("GITHUB_API_URL"),
        visibility=visibility,
        fork=bool(head_repo) and head_repo != environ.get("GITHUB_REPOSITORY"),
    )


def _gitlab(environ: Mapping[str, str]) -> Runner:
    source = environ.get("CI_MERGE_REQUEST_SOURCE_PROJECT_PATH")
    iid = environ.get("CI_MERGE_REQUEST_IID", "")
    return Runner(
        kind="gitlab",
        workspace=Path(environ["CI_PROJECT_DIR"]) if environ.get("CI_PROJECT_DIR") else None,
        repository=environ.get("CI_PROJECT_PATH"),
        sha=environ.get("CI_COMMIT_SHA"),
        branch=environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or environ.get("CI_COMMIT_REF_NAME"),
        pull=int(iid) if iid.isdigit() else None,
        api_url=environ.get("CI_SERVER_URL"),  # python-gitlab wants the server, not /api/v4
        visibility=environ.get("CI_PROJECT_VISIBILITY"),
        fork=bool(source) and source != environ.get("CI_PROJECT_PATH"),
    )


def detect_runner(environ: Mapping[str, str]) -> Runner:
    """GitHub Actions (GITHUB_ACTIONS=true), GitLab CI (GITLAB_CI=true), else a local run."""
    if environ.get("GITHUB_ACTIONS") == "true":
        return _github(environ)
    if environ.get("GITLAB_CI") == "true":
        return _gitlab(environ)
    return Runner(kind="local")
