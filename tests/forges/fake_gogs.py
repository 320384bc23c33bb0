"""Gogs' API v1 as GIN serves it (gogs/docs-api; go-gogs-client types): issues, labels, comments, raw files.

There are no commit-status endpoints: they answer 404 as on a real Gogs server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from forges.httpfake import FakeServer, HTTPError, Request, Response
from forges.model import Repo, Thread

PAGE_SIZE = 10  # Gogs' ISSUE_PAGING_NUM; it ignores `limit`
BODY_BYTES = 65_535  # MySQL TEXT


class FakeGogs:
    """A Gogs/GIN-like server at `<root>/api/v1` for one repository, authenticated by `token …`."""

    def __init__(self, repo: Repo, *, token: str, **options: Any) -> None:
        self.repo = repo
        self.users = {token: "dgbot"}  # token -> login
        self.server = FakeServer("/api/v1", **options)
        self.server.auth = self._auth
        base = f"/repos/{repo.owner}/{repo.name}"
        for method, pattern, handler in self.routes():
            self.server.route(method, base + pattern, handler)
        self.server.route("GET", r"/user", lambda request: Response(200, self.user(self.login(request))))

    def routes(self) -> list[tuple[str, str, Any]]:
        return [
            ("GET", r"/labels", self.list_labels),
            ("POST", r"/labels", self.create_label),
            ("GET", r"/issues", self.list_issues),
            ("POST", r"/issues", self.create_issue),
            ("PATCH", r"/issues/(\d+)", self.edit_issue),
            ("PUT", r"/issues/(\d+)/labels", self.replace_labels),
            ("GET", r"/issues/(\d+)/comments", self.list_comments),
            ("POST", r"/issues/(\d+)/comments", self.create_comment),
            ("PATCH", r"/issues/(\d+)/comments/(\d+)", self.edit_comment),
            ("GET", r"/raw/([^/]+)/(.+)", self.raw),
        ]

    def _auth(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return None if scheme == "token" and token in self.users else f"token is required (got {header!r})"

    def login(self, request: Request) -> str:
        return self.users[request.headers["authorization"].partition(" ")[2]]

    @staticmethod
    def user(login: str) -> dict[str, Any]:
        return {"id": 1 + sum(map(ord, login)), "login": login, "username": login, "full_name": ""}

    def comment(self, comment: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in comment.items() if k != "author"}
        return {**shown, "user": self.user(str(comment["author"]))}

    # --- shapes ----------------------------------------------------------------------------
    def label(self, name: str) -> dict[str, Any]:
        return {"id": self.repo.labels[name], "name": name, "color": "ededed"}

    def issue(self, t: Thread) -> dict[str, Any]:
        return {
            "id": 3000 + t.number,
            "number": t.number,
            "user": self.user(t.author),
            "title": t.title,
            "body": t.body,
            "labels": [self.label(n) for n in t.labels],
            "state": "open" if t.open else "closed",
            "comments": len(t.comments),
            "pull_request": None if t.pull is None else {"merged": False},
        }

    def body(self, data: dict[str, Any], key: str = "body") -> str:
        text = str(data.get(key) or "")
        if len(text.encode()) > BODY_BYTES:
            raise HTTPError(500, "Error 1406: Data too long for column 'content'")
        return text

    def thread(self, request: Request) -> Thread:
        try:
            return self.repo.thread(int(request.groups[0]))
        except KeyError:
            raise HTTPError(404, "issue does not exist") from None

    def names(self, ids: list[int]) -> list[str]:
        by_id = {v: k for k, v in self.repo.labels.items()}
        if any(i not in by_id for i in ids):
            raise HTTPError(422, "label does not exist")
        return [by_id[i] for i in ids]

    # --- labels and issues ---------------------------------------------------------------
    def list_labels(self, request: Request) -> Response:
        return Response(200, [self.label(n) for n in self.repo.labels])

    def create_label(self, request: Request) -> Response:
        data = request.json()
        if data["name"] in self.repo.labels:
            raise HTTPError(422, "label already exists")
        self.repo.labels[data["name"]] = self.repo.new_id()
        return Response(201, self.label(data["name"]))

    def matching(self, request: Request) -> list[Thread]:
        want_open = request.query.get("state", "open") == "open"
        return [t for t in self.repo.threads if t.open == want_open]

    def list_issues(self, request: Request) -> Response:
        number = int(request.query.get("page") or 1)
        items = [self.issue(t) for t in reversed(self.matching(request))]  # newest first
        return Response(200, items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])

    def create_issue(self, request: Request) -> Response:
        data = request.json()
        labels = self.names(data.get("labels") or [])
        thread = self.repo.open_thread(data["title"], self.body(data), labels, author=self.login(request))
        return Response(201, self.issue(thread))

    def edit_issue(self, request: Request) -> Response:
        thread, data = self.thread(request), request.json()
        thread.title = data.get("title", thread.title)
        thread.body = self.body(data) if "body" in data else thread.body
        if "state" in data:
            thread.open = data["state"] == "open"
        thread.edits += 1
        return Response(201, self.issue(thread))

    def replace_labels(self, request: Request) -> Response:
        thread = self.thread(request)
        thread.labels = self.names(request.json().get("labels") or [])
        return Response(200, [self.label(n) for n in thread.labels])

    # --- comments and files ------------------------------------------------------------------
    def list_comments(self, request: Request) -> Response:
        return Response(200, [self.comment(c) for c in self.thread(request).comments])

    def create_comment(self, request: Request) -> Response:
        comment = {"id": self.repo.new_id(), "body": self.body(request.json()), "author": self.login(request)}
        self.thread(request).comments.append(comment)
        return Response(201, self.comment(comment))

    def find_comment(self, comment_id: int) -> dict[str, Any]:
        for thread in self.repo.threads:
            for comment in thread.comments:
                if comment["id"] == comment_id:
                    return comment
        raise HTTPError(404, "comment does not exist")

    def edit_comment(self, request: Request) -> Response:
        comment = self.find_comment(int(request.groups[1]))
        comment["body"] = self.body(request.json())
        return Response(200, self.comment(comment))

    def files(self, ref: str) -> dict[str, bytes]:
        sha = self.repo.branches.get(ref, ref)
        if sha not in self.repo.commits:
            raise HTTPError(404, "reference does not exist")
        return self.repo.commits[sha]

    def raw(self, request: Request) -> Response:
        files, path = self.files(unquote(request.groups[0])), unquote(request.groups[1])
        if path not in files:
            raise HTTPError(404, "file does not exist")
        return Response(200, files[path])
