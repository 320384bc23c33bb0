"""GitHub's REST API (the subset dgbot uses), shapes from docs.github.com/rest and the octokit payloads."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import jwt

from forges.fake_github_git import GitAndChecks
from forges.httpfake import FakeServer, HTTPError, Request, Response, page
from forges.model import Repo, Thread

REPO = r"/repos/([^/]+)/([^/]+)"
STATES = {"error", "failure", "pending", "success"}
BODY_LIMIT = 65_536


class FakeGitHub(GitAndChecks):
    """A GitHub Enterprise-like server at `<root>/api/v3`, with tokens or App installation tokens."""

    def __init__(self, repo: Repo, *, token: str | None = None, app_key: str | None = None, **options: Any):
        self.repo = repo
        self.server = FakeServer("/api/v3", **options)
        self.users = {token: "dgbot"} if token else {}  # token -> the login it acts as
        self.minted: list[str] = []
        self.app_public_key = app_key
        self.app_slug = "dgbot"  # an installation token acts as the bot user `<slug>[bot]`
        self.token_lifetime = dt.timedelta(hours=1)
        self.server.auth = self._auth
        for method, pattern, handler in self._routes():
            self.server.route(method, pattern, handler)

    # --- plumbing -------------------------------------------------------------------------
    def _auth(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        app_only = request.path.endswith("/access_tokens") or request.path == self.server.prefix + "/app"
        if app_only and scheme.lower() == "bearer" and self.app_public_key:
            try:
                jwt.decode(credential, self.app_public_key, algorithms=["RS256"])
            except jwt.PyJWTError as exc:
                return f"A JSON web token could not be decoded: {exc}"
            return None
        if scheme.lower() in ("token", "bearer") and credential in self.users:
            return None
        return f"Bad credentials (got {header!r})"  # echoes what it got: adapters must scrub it

    def login(self, request: Request) -> str:
        """The login the request's token acts as."""
        return self.users[request.headers.get("authorization", "").partition(" ")[2]]

    @staticmethod
    def user(login: str) -> dict[str, Any]:
        return {
            "login": login,
            "id": 1 + sum(map(ord, login)),
            "type": "Bot" if login.endswith("[bot]") else "User",
        }

    def _check_repo(self, request: Request) -> None:
        if request.groups[:2] != (self.repo.owner, self.repo.name):
            raise HTTPError(404, "Not Found")

    def api(self, path: str) -> str:
        return f"{self.server.url}/repos/{self.repo.full_name}{path}"

    def _issue(self, t: Thread) -> dict[str, Any]:
        labels = [
            {"id": self.repo.labels[n], "name": n, "color": "ededed", "default": False} for n in t.labels
        ]
        kind = "issues" if t.pull is None else "pull"
        shown: dict[str, Any] = {
            "id": 10_000 + t.number,
            "number": t.number,
            "title": t.title,
            "body": t.body,
            "state": "open" if t.open else "closed",
            "labels": labels,
            "url": self.api(f"/issues/{t.number}"),
            "html_url": f"{self.server.root}/{self.repo.full_name}/{kind}/{t.number}",
            "comments": len(t.comments),
            "user": self.user(t.author),
        }
        if t.pull is not None:
            shown["pull_request"] = {"url": self.api(f"/pulls/{t.number}")}
        return shown

    def _comment(self, comment: dict[str, Any]) -> dict[str, Any]:
        return {
            **{k: v for k, v in comment.items() if k != "author"},
            "url": self.api(f"/issues/comments/{comment['id']}"),
            "user": self.user(comment["author"]),
        }

    def _routes(self) -> list[tuple[str, str, Any]]:
        return [
            ("POST", r"/app/installations/(\d+)/access_tokens", self.mint_token),
            ("GET", r"/app", self.get_app),
            ("GET", r"/user", self.get_user),
            ("GET", REPO + r"/commits/([0-9a-f]+)/statuses", self.list_statuses),
            ("GET", REPO + r"/statuses/([0-9a-f]+)", self.list_statuses),  # the older path PyGithub calls
            ("POST", REPO + r"/statuses/([0-9a-f]+)", self.create_status),
            ("GET", REPO + r"/issues", self.list_issues),
            ("POST", REPO + r"/issues", self.create_issue),
            ("GET", REPO + r"/issues/(\d+)", self.get_issue),
            ("PATCH", REPO + r"/issues/(\d+)", self.edit_issue),
            ("GET", REPO + r"/issues/(\d+)/comments", self.list_comments),
            ("POST", REPO + r"/issues/(\d+)/comments", self.create_comment),
            ("PATCH", REPO + r"/issues/comments/(\d+)", self.edit_comment),
            ("GET", REPO + r"/contents/(.+)", self.get_contents),
            ("PUT", REPO + r"/contents/(.+)", self.put_contents),
            ("GET", REPO + r"/compare/([0-9a-f]+)\.\.\.([0-9a-f]+)", self.compare),
            ("GET", REPO + r"/git/ref/heads/(.+)", self.get_ref),
            ("POST", REPO + r"/git/refs", self.create_ref),
            ("PATCH", REPO + r"/git/refs/heads/(.+)", self.update_ref),
            ("GET", REPO + r"/git/matching-refs/(.+)", self.matching_refs),
            ("GET", REPO + r"/git/commits/([0-9a-f]+)", self.get_git_commit),
            ("POST", REPO + r"/git/blobs", self.create_blob),
            ("POST", REPO + r"/git/trees", self.create_tree),
            ("POST", REPO + r"/git/commits", self.create_git_commit),
            ("GET", REPO + r"/pulls", self.list_pulls),
            ("POST", REPO + r"/pulls", self.create_pull),
            ("GET", REPO + r"/commits/([0-9a-f]+)/check-runs", self.list_check_runs),
            ("POST", REPO + r"/check-runs", self.create_check_run),
            ("PATCH", REPO + r"/check-runs/(\d+)", self.edit_check_run),
        ]

    # --- App installation tokens ----------------------------------------------------------
    def mint_token(self, request: Request) -> Response:
        token = "ghs_" + secrets.token_hex(16)
        self.users[token] = f"{self.app_slug}[bot]"
        self.minted.append(token)
        expires = dt.datetime.now(dt.UTC) + self.token_lifetime
        return Response(201, {"token": token, "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ")})

    def get_app(self, request: Request) -> Response:
        return Response(
            200, {"id": 12345, "slug": self.app_slug, "name": self.app_slug, "owner": self.user("lab")}
        )

    def get_user(self, request: Request) -> Response:
        login = self.login(request)
        if login.endswith("[bot]"):  # as GitHub answers an installation token
            raise HTTPError(403, "Resource not accessible by integration")
        return Response(200, self.user(login))

    # --- statuses -------------------------------------------------------------------------
    def list_statuses(self, request: Request) -> Response:
        self._check_repo(request)
        newest_first = list(reversed(self.repo.statuses.get(request.groups[2], [])))
        return page(request, newest_first, self.api(f"/commits/{request.groups[2]}/statuses"))

    def create_status(self, request: Request) -> Response:
        self._check_repo(request)
        data, sha = request.json(), request.groups[2]
        if sha not in self.repo.commits:
            raise HTTPError(422, f"No commit found for SHA: {sha}")
        if data.get("state") not in STATES:
            raise HTTPError(422, "Validation Failed: state")
        if len(data.get("description") or "") > 140:
            raise HTTPError(422, "Validation Failed: description is too long (maximum is 140 characters)")
        status = {
            "id": self.repo.new_id(),
            "state": data["state"],
            "description": data.get("description"),
            "target_url": data.get("target_url"),
            "context": data.get("context", "default"),
            "url": self.api(f"/statuses/{sha}"),
        }
        self.repo.statuses.setdefault(sha, []).append(status)
        return Response(201, status)

    # --- issues and comments ----------------------------------------------------------------
    def list_issues(self, request: Request) -> Response:
        self._check_repo(request)
        state = request.query.get("state", "open")
        wanted = [n for n in request.query.get("labels", "").split(",") if n]
        items = [
            t
            for t in self.repo.threads
            if (state == "all" or (state == "open") == t.open) and all(n in t.labels for n in wanted)
        ]
        if request.query.get("direction") == "desc":
            items.reverse()
        return page(request, [self._issue(t) for t in items], self.api("/issues"))

    def _body(self, data: dict[str, Any]) -> str:
        body = data.get("body") or ""
        if len(body) > BODY_LIMIT:
            raise HTTPError(422, "Validation Failed: body is too long (maximum is 65536 characters)")
        return str(body)

    def create_issue(self, request: Request) -> Response:
        self._check_repo(request)
        data = request.json()
        thread = self.repo.open_thread(
            data["title"], self._body(data), data.get("labels", []), author=self.login(request)
        )
        return Response(201, self._issue(thread))

    def _thread(self, request: Request, index: int = 2) -> Thread:
        self._check_repo(request)
        try:
            return self.repo.thread(int(request.groups[index]))
        except KeyError:
            raise HTTPError(404, "Not Found") from None

    def get_issue(self, request: Request) -> Response:
        return Response(200, self._issue(self._thread(request)))

    def edit_issue(self, request: Request) -> Response:
        thread, data = self._thread(request), request.json()
        thread.title = data.get("title", thread.title)
        thread.body = self._body(data) if "body" in data else thread.body
        if "state" in data:
            thread.open = data["state"] == "open"
        if "labels" in data:
            thread.labels = list(data["labels"])
            for label in thread.labels:
                self.repo.labels.setdefault(label, self.repo.new_id())
        thread.edits += 1
        return Response(200, self._issue(thread))

    def list_comments(self, request: Request) -> Response:
        thread = self._thread(request)
        return page(
            request,
            [self._comment(c) for c in thread.comments],
            self.api(f"/issues/{thread.number}/comments"),
        )

    def create_comment(self, request: Request) -> Response:
        thread = self._thread(request)
        comment = {
            "id": self.repo.new_id(),
            "body": self._body(request.json()),
            "author": self.login(request),
        }
        thread.comments.append(comment)
        return Response(201, self._comment(comment))

    def edit_comment(self, request: Request) -> Response:
        self._check_repo(request)
        for thread in self.repo.threads:
            for comment in thread.comments:
                if comment["id"] == int(request.groups[2]):
                    comment["body"] = self._body(request.json())
                    return Response(200, self._comment(comment))
        raise HTTPError(404, "Not Found")
