"""GIN and other Gogs servers over their REST API: no commit statuses, so the issue is the verdict."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from dgbot.forges.base import CommitStatus, Limits, Unsupported
from dgbot.forges.gogs_issues import GogsIssues
from dgbot.forges.rest import RestClient
from dgbot.forges.retry import RetryPolicy

DEFAULT_URL = "https://gin.g-node.org"


def api_url(url: str) -> str:
    """`https://host` or `https://host/api/v1` -> the API root."""
    url = url.rstrip("/")
    return url if url.endswith("/api/v1") else url + "/api/v1"


class GinForge(GogsIssues):
    """The Forge protocol on GIN / Gogs. Issue bodies are TEXT columns (64 KiB) in MySQL installs."""

    name = "gin"
    limits = Limits(body_chars=65_535, body_bytes=65_535, title_chars=255, statuses=False)

    def __init__(
        self, repo: str, *, token: str, url: str = DEFAULT_URL, policy: RetryPolicy | None = None
    ) -> None:
        super().__init__(RestClient(api_url(url), token, forge="GIN", policy=policy or RetryPolicy()), repo)

    def read_file(self, path: str, ref: str) -> bytes | None:
        """Through the raw endpoint; an annexed file gives its annex pointer, not the content."""
        answer = self.client.maybe(f"{self.base}/raw/{quote(ref, safe='')}/{quote(path)}", f"reading {path}")
        return None if answer is None else answer.content

    def changed_files(self, base: str, head: str) -> list[str]:
        raise Unsupported("the Gogs API cannot compare commits; use the push payload or a clone")

    def list_statuses(self, sha: str) -> list[CommitStatus]:
        return []  # Gogs has no commit statuses (gogs/gogs#4631); the issue's labels carry the state

    def set_status(self, sha: str, status: CommitStatus) -> None:
        raise Unsupported("Gogs and GIN have no commit statuses; dgbot labels the governance issue instead")

    def push_files(self, branch: str, base: str, files: Mapping[str, bytes], message: str) -> str:
        raise Unsupported("the Gogs API cannot write files; GIN receives generated notebooks by git push")

    def open_pull_request(self, branch: str, base: str, title: str, body: str) -> int:
        raise Unsupported("the Gogs API has no pull requests; dgbot announces the branch in the issue")
