"""GitLab (gitlab.com and self-managed) through python-gitlab: statuses, issues, merge-request notes."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import gitlab
import requests
from gitlab.exceptions import GitlabError

from dgbot.forges.base import AccessError, Comment, CommitStatus, ForgeError, Issue, Limits, TransientError
from dgbot.forges.credentials import Secrets
from dgbot.forges.origin import OriginSession
from dgbot.forges.retry import RetryPolicy, call, http_error, log

T = TypeVar("T")
DEFAULT_URL = "https://gitlab.com"
STATE = {"success": "success", "failure": "failed", "error": "failed", "pending": "pending"}


class _Client(gitlab.Gitlab):
    """python-gitlab with its own sleeping retries off: dgbot's policy retries, with a time budget."""

    def http_request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.update(obey_rate_limit=False, retry_transient_errors=False, max_retries=0)
        return super().http_request(*args, **kwargs)


def _author(item: Any) -> str:
    """The username of the account that wrote an issue or note (its `author` object)."""
    author = item.get("author") if isinstance(item, dict) else getattr(item, "author", None)
    return str(author.get("username") or "") if isinstance(author, dict) else ""


def _issue(item: Any) -> Issue:
    opened = item.state == "opened"
    return Issue(item.iid, item.title, item.description or "", opened, frozenset(item.labels), _author(item))


class GitLabForge:
    """The Forge protocol on GitLab; `repo` is the project's path (group/name) or its numeric id."""

    name = "gitlab"
    limits = Limits(body_chars=1_000_000, title_chars=255, states=STATE)

    def __init__(
        self,
        repo: str,
        *,
        token: str,
        url: str = DEFAULT_URL,
        policy: RetryPolicy | None = None,
        timeout: float = 30,
    ) -> None:
        self._session = OriginSession(url, "GitLab")  # PRIVATE-TOKEN would follow any redirect
        self._headers: Mapping[str, str] = {}
        self._session.hooks["response"].append(self._remember)
        self._client = _Client(
            url, private_token=token, timeout=timeout, session=self._session, per_page=100, keep_base_url=True
        )
        self._secrets = Secrets(token)
        self._policy = policy or RetryPolicy()
        self._project = self._client.projects.get(repo, lazy=True)

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._headers = dict(response.headers)  # python-gitlab's errors carry no headers (Retry-After)

    def _call(self, what: str, operation: Callable[[], T]) -> T:
        def attempt() -> T:
            self._headers = {}
            try:
                return operation()
            except GitlabError as exc:
                message = self._secrets.message(str(exc.error_message))
                if exc.response_code is None:
                    raise TransientError(f"{what}: {message}") from None
                raise http_error(exc.response_code, self._headers, message, what) from None
            except requests.RequestException as exc:
                raise TransientError(f"{what}: {self._secrets.scrub(str(exc))}") from None

        return call(self._policy, f"GitLab {what}", attempt)

    def identity(self) -> str:
        """The username of the token's account (`GET /user`; a project token's bot user too)."""
        found = self._call("reading the token's account", lambda: self._client.http_get("/user"))
        return _author({"author": found})

    def read_file(self, path: str, ref: str) -> bytes | None:
        try:
            raw = self._call(
                f"reading {path} at {ref}", lambda: self._project.files.raw(file_path=path, ref=ref)
            )
        except AccessError as exc:
            if exc.status == 404:
                return None
            raise
        return bytes(raw) if isinstance(raw, bytes | bytearray) else None

    def changed_files(self, base: str, head: str) -> list[str]:
        found = self._call("comparing commits", lambda: self._project.repository_compare(base, head))
        diffs = found.get("diffs", []) if isinstance(found, dict) else []
        return sorted({d["new_path"] for d in diffs} | {d["old_path"] for d in diffs})

    def list_statuses(self, sha: str) -> list[CommitStatus]:
        commit = self._project.commits.get(sha, lazy=True)
        found = self._call("listing statuses", lambda: commit.statuses.list(get_all=True))
        newest = sorted(found, key=lambda s: s.id, reverse=True)
        return [CommitStatus(s.name, s.status, s.description or "", s.target_url) for s in newest]

    def set_status(self, sha: str, status: CommitStatus) -> None:
        data = {"state": STATE[status.state], "name": status.context, "description": status.description}
        if status.target_url:
            data["target_url"] = status.target_url
        commit = self._project.commits.get(sha, lazy=True)
        try:
            self._call(f"setting status {status.context}", lambda: commit.statuses.create(data))
        except ForgeError as exc:
            # a finished status cannot move to the state it is in; only its description differs
            if exc.status != 400 or "Cannot transition status" not in str(exc):
                raise
            log.info("GitLab keeps status %s as it is (%s)", status.context, exc)

    def find_issues(self, label: str) -> list[Issue]:
        found = self._call(
            "listing issues",
            lambda: self._project.issues.list(
                labels=[label], order_by="created_at", sort="asc", get_all=True
            ),
        )
        return [_issue(i) for i in found]

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        data = {"title": title, "description": body, "labels": ",".join(labels)}
        return _issue(self._call("opening the issue", lambda: self._project.issues.create(data)))

    def edit_issue(self, number: int, *, title: str, body: str, labels: Sequence[str], open: bool) -> Issue:
        data = {
            "title": title,
            "description": body,
            "labels": ",".join(labels),
            "state_event": "reopen" if open else "close",
        }
        made = self._call(f"editing issue #{number}", lambda: self._project.issues.update(number, data))
        return Issue(number, title, body, open, frozenset(labels), _author(made))

    def list_comments(self, number: int) -> list[Comment]:
        notes = self._project.mergerequests.get(number, lazy=True).notes
        found = self._call(
            "listing notes", lambda: notes.list(sort="asc", order_by="created_at", get_all=True)
        )
        return [Comment(n.id, n.body or "", _author(n)) for n in found if not getattr(n, "system", False)]

    def create_comment(self, number: int, body: str) -> Comment:
        notes = self._project.mergerequests.get(number, lazy=True).notes
        made = self._call("commenting", lambda: notes.create({"body": body}))
        return Comment(made.id, body, _author(made))

    def edit_comment(self, number: int, comment_id: int, body: str) -> Comment:
        notes = self._project.mergerequests.get(number, lazy=True).notes
        made = self._call(f"editing note {comment_id}", lambda: notes.update(comment_id, {"body": body}))
        return Comment(comment_id, body, _author(made))

    def _branch_exists(self, branch: str) -> bool:
        try:
            self._call(f"reading branch {branch}", lambda: self._project.branches.get(branch))
        except AccessError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def push_files(self, branch: str, base: str, files: Mapping[str, bytes], message: str) -> str:
        exists = self._branch_exists(branch)
        start = branch if exists else base
        actions = []
        for path, content in sorted(files.items()):
            old = self.read_file(path, start)
            if old == content:
                continue
            encoded = base64.b64encode(content).decode()
            action = "create" if old is None else "update"
            actions.append({"action": action, "file_path": path, "content": encoded, "encoding": "base64"})
        if not actions:
            head = self._call(f"reading branch {start}", lambda: self._project.branches.get(start))
            if not exists:
                self._call(
                    f"creating branch {branch}",
                    lambda: self._project.branches.create({"branch": branch, "ref": base}),
                )
            return str(head.commit["id"])
        data: dict[str, Any] = {"branch": branch, "commit_message": message, "actions": actions}
        if not exists:
            data["start_branch"] = base
        made = self._call("committing files", lambda: self._project.commits.create(data))
        return str(made.id)

    def open_pull_request(self, branch: str, base: str, title: str, body: str) -> int:
        found = self._call(
            "listing merge requests",
            lambda: self._project.mergerequests.list(
                source_branch=branch, target_branch=base, state="opened", get_all=True
            ),
        )
        if found:
            return int(found[0].iid)
        data = {"source_branch": branch, "target_branch": base, "title": title, "description": body}
        return int(
            self._call("opening a merge request", lambda: self._project.mergerequests.create(data)).iid
        )
