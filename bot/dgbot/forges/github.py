"""GitHub and GitHub Enterprise through PyGithub: a token or a GitHub App installation."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import requests
from github import Auth, Consts, Github, GithubException, GithubIntegration
from github.Issue import Issue as GhIssue

from dgbot.forges.base import (
    AccessError,
    Annotation,
    Comment,
    CommitStatus,
    Issue,
    Limits,
    TransientError,
)
from dgbot.forges.credentials import Secrets
from dgbot.forges.github_auth import AppCredentials, AppJwt, Installation, guard_connections
from dgbot.forges.retry import RetryPolicy, call, http_error

__all__ = ["DEFAULT_API", "AppCredentials", "GitHubForge"]
T = TypeVar("T")
DEFAULT_API = Consts.DEFAULT_BASE_URL

WORKFLOW_BOT = "github-actions[bot]"  # the account of a GitHub Actions workflow's GITHUB_TOKEN


def _issue(issue: GhIssue) -> Issue:
    labels = frozenset(label.name for label in issue.labels)
    author = issue.user.login if issue.user else ""
    return Issue(issue.number, issue.title, issue.body or "", issue.state == "open", labels, author)


class GitHubForge:
    """The Forge protocol on GitHub; check runs with annotations when running as an App."""

    name = "github"
    limits = Limits(body_chars=65_536, title_chars=256)

    def __init__(
        self,
        repo: str,
        *,
        token: str | None = None,
        app: AppCredentials | None = None,
        base_url: str = DEFAULT_API,
        policy: RetryPolicy | None = None,
        throttle: bool = True,
        timeout: float = 30,
    ) -> None:
        if (token is None) == (app is None):
            raise AccessError("GitHub needs either a token or GitHub App credentials")
        self._secrets = Secrets(token, key=app.private_key if app else None)
        self._jwt: AppJwt | None = None
        if app is not None:
            self._jwt = AppJwt(app, self._secrets)
            auth: Auth.Auth = Installation(self._jwt, app.installation_id, self._secrets)
        else:
            auth = Auth.Token(str(token))  # not None: one of the two was given
        guard_connections()
        self._base_url, self._timeout = base_url, int(timeout)
        between = Consts.DEFAULT_SECONDS_BETWEEN_REQUESTS if throttle else None
        writes = Consts.DEFAULT_SECONDS_BETWEEN_WRITES if throttle else None
        self._client = Github(
            auth=auth,
            base_url=base_url,
            retry=None,  # dgbot's policy retries, with a time budget
            timeout=int(timeout),
            lazy=True,
            per_page=100,
            seconds_between_requests=between,
            seconds_between_writes=writes,
        )
        self._app = app
        self._policy = policy or RetryPolicy()
        self._repo = self._client.get_repo(repo)
        self._full_name = repo

    def _call(self, what: str, operation: Callable[[], T]) -> T:
        def attempt() -> T:
            try:
                return operation()
            except GithubException as exc:
                data = exc.data
                message = str(data.get("message", "")) if isinstance(data, dict) else str(data or "")
                raise http_error(
                    exc.status, exc.headers or {}, self._secrets.message(message), what
                ) from None
            except requests.RequestException as exc:
                raise TransientError(f"{what}: {self._secrets.scrub(str(exc))}") from None

        return call(self._policy, f"GitHub {what}", attempt)

    def identity(self) -> str:
        """`GET /user` for a token; an App's bot account is `<slug>[bot]` (`GET /app`, with the JWT)."""
        if self._jwt is None:
            try:
                return str(self._call("reading the token's account", lambda: self._client.get_user().login))
            except AccessError as refused:
                if refused.status != 403:
                    raise
                # GitHub refuses `GET /user` to a workflow's GITHUB_TOKEN (an integration token),
                # whose issues and comments are written by github-actions[bot].
                return WORKFLOW_BOT
        integration = GithubIntegration(
            auth=self._jwt, base_url=self._base_url, retry=None, timeout=self._timeout
        )
        slug = self._call("reading the App", lambda: integration.get_app().slug)
        return f"{slug}[bot]"

    def read_file(self, path: str, ref: str) -> bytes | None:
        def read() -> bytes | None:
            found = self._repo.get_contents(path, ref=ref)
            if isinstance(found, list):
                return None  # a folder
            if found.encoding == "base64":
                return found.decoded_content
            return base64.b64decode(self._repo.get_git_blob(found.sha).content)  # over 1 MB

        try:
            return self._call(f"reading {path} at {ref}", read)
        except AccessError as exc:
            if exc.status == 404:
                return None
            raise

    def changed_files(self, base: str, head: str) -> list[str]:
        files = self._call("comparing commits", lambda: self._repo.compare(base, head).files)
        return sorted(
            {f.filename for f in files} | {f.previous_filename for f in files if f.previous_filename}
        )

    def list_statuses(self, sha: str) -> list[CommitStatus]:
        found = self._call("listing statuses", lambda: list(self._repo.get_commit(sha).get_statuses()))
        return [CommitStatus(s.context, s.state, s.description or "", s.target_url) for s in found]

    def set_status(self, sha: str, status: CommitStatus) -> None:
        extra = {"target_url": status.target_url} if status.target_url else {}
        self._call(
            f"setting status {status.context}",
            lambda: self._repo.get_commit(sha).create_status(
                status.state, description=status.description, context=status.context, **extra
            ),
        )

    def find_issues(self, label: str) -> list[Issue]:
        def listing() -> list[GhIssue]:
            pages = self._repo.get_issues(state="all", labels=[label], sort="created", direction="asc")
            return [issue for issue in pages if "/pull/" not in (issue.html_url or "")]  # PRs list as issues

        return [_issue(i) for i in self._call("listing issues", listing)]

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        made = self._call(
            "opening the issue", lambda: self._repo.create_issue(title, body, labels=list(labels))
        )
        return _issue(made)

    def edit_issue(self, number: int, *, title: str, body: str, labels: Sequence[str], open: bool) -> Issue:
        issue = self._repo.get_issue(number)
        state = "open" if open else "closed"
        self._call(
            f"editing issue #{number}",
            lambda: issue.edit(title=title, body=body, labels=list(labels), state=state),
        )
        return _issue(issue)

    def list_comments(self, number: int) -> list[Comment]:
        found = self._call("listing comments", lambda: list(self._repo.get_issue(number).get_comments()))
        return [Comment(c.id, c.body or "", c.user.login if c.user else "") for c in found]

    def create_comment(self, number: int, body: str) -> Comment:
        made = self._call("commenting", lambda: self._repo.get_issue(number).create_comment(body))
        return Comment(made.id, made.body or "", made.user.login if made.user else "")

    def edit_comment(self, number: int, comment_id: int, body: str) -> Comment:
        comment = self._call(
            f"reading comment {comment_id}", lambda: self._repo.get_issue(number).get_comment(comment_id)
        )
        self._call(f"editing comment {comment_id}", lambda: comment.edit(body))
        return Comment(comment_id, body, comment.user.login if comment.user else "")

    def push_files(self, branch: str, base: str, files: Mapping[str, bytes], message: str) -> str:
        from dgbot.forges.github_push import push_files

        return push_files(self._repo, lambda what, op: self._call(what, op), branch, base, files, message)

    def open_pull_request(self, branch: str, base: str, title: str, body: str) -> int:
        owner = self._full_name.split("/")[0]
        found = self._call(
            "listing pull requests",
            lambda: list(self._repo.get_pulls(state="open", head=f"{owner}:{branch}", base=base)),
        )
        if found:
            return found[0].number
        made = self._call(
            "opening a pull request", lambda: self._repo.create_pull(base, branch, title=title, body=body)
        )
        return made.number

    def can_post_check_runs(self) -> bool:
        return self._app is not None

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
        from dgbot.forges.github_checks import post_check_run

        output = {"title": title, "summary": summary}
        return post_check_run(
            self._repo,
            self._call,
            sha,
            output,
            annotations,
            name=name,
            external_id=external_id,
            conclusion=conclusion,
        )
