"""The Forge protocol: what dgbot asks of GitHub, GitLab, GIN (Gogs) and Gitea, and its errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from dgbot.errors import EXIT_INTERNAL, EXIT_USAGE, DgbotError


class ForgeError(DgbotError):
    """A forge refused or failed a request; the message never carries a token."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientError(ForgeError):
    """Worth trying again: connection error, 5xx, 429 or a rate limit; `retry_after` in seconds."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class AccessError(ForgeError):
    """The token is missing, wrong or lacks a permission (401/403/404): the caller must fix it."""

    exit_code = EXIT_USAGE


class RedirectRefused(ForgeError):
    """The forge answered with a redirect to another origin; following it would carry the token there."""

    exit_code = EXIT_USAGE


class Unsupported(ForgeError):
    """The forge's API has no such operation (e.g. Gogs has no commit statuses)."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class CommitStatus:
    """One commit status: state is success, failure, error or pending (dgbot's words)."""

    context: str
    state: str
    description: str
    target_url: str | None = None


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    open: bool
    labels: frozenset[str]
    author: str  # the login that opened it: only dgbot's own issues are dgbot's to edit


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    author: str  # the login that wrote it


@dataclass(frozen=True)
class Limits:
    """What a forge accepts: body length in characters (and bytes, where the database counts bytes)."""

    body_chars: int
    body_bytes: int | None = None
    title_chars: int = 255
    statuses: bool = True  # False: the API has no commit statuses, labels carry the state
    states: Mapping[str, str] | None = None  # dgbot's state -> the forge's word, where they differ

    def state(self, state: str) -> str:
        """The forge's word for a dgbot status state."""
        return (self.states or {}).get(state, state)


@runtime_checkable
class Forge(Protocol):
    """The operations dgbot needs from a forge; every adapter retries transient faults itself."""

    name: str
    limits: Limits

    def identity(self) -> str:
        """The login the credentials act as (a GitHub App: `<slug>[bot]`); one request."""

    def read_file(self, path: str, ref: str) -> bytes | None:
        """The file's bytes at `ref`, or None when it does not exist there."""

    def changed_files(self, base: str, head: str) -> list[str]:
        """Paths changed between two commits."""

    def list_statuses(self, sha: str) -> list[CommitStatus]:
        """The statuses of a commit, newest first."""

    def set_status(self, sha: str, status: CommitStatus) -> None: ...

    def find_issues(self, label: str) -> list[Issue]:
        """Issues (not pull requests), open or closed, that carry `label`, oldest first."""

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue: ...

    def edit_issue(self, number: int, *, title: str, body: str, labels: Sequence[str], open: bool) -> Issue:
        """Replace title, body and labels, and open or close the issue."""

    def list_comments(self, number: int) -> list[Comment]:
        """Comments of an issue or pull/merge request, oldest first."""

    def create_comment(self, number: int, body: str) -> Comment: ...

    def edit_comment(self, number: int, comment_id: int, body: str) -> Comment: ...

    def push_files(self, branch: str, base: str, files: Mapping[str, bytes], message: str) -> str:
        """Commit `files` on `branch` (created from `base` when missing); the new commit's sha."""

    def open_pull_request(self, branch: str, base: str, title: str, body: str) -> int:
        """The number of the open pull/merge request from `branch` into `base`, opened when none is."""


@dataclass(frozen=True)
class Annotation:
    path: str
    line: int
    level: str  # notice, warning or failure (GitHub's words)
    message: str
    title: str


@runtime_checkable
class ChecksForge(Protocol):
    """A forge that can show a check run with annotations (GitHub, when dgbot runs as an App)."""

    def can_post_check_runs(self) -> bool: ...

    def post_check_run(
        self,
        sha: str,
        *,
        name: str,
        external_id: str,
        conclusion: str,
        title: str,
        summary: str,
        annotations: Sequence[Annotation],
    ) -> int:
        """The id of the check run for `external_id` on `sha`, created with every annotation if new."""
