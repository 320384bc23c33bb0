"""Gitea's API v1 (the subset dgbot uses; swagger at /api/swagger), grown from Gogs' as Gitea was."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import unquote

from forges.fake_gogs import FakeGogs
from forges.httpfake import HTTPError, Request, Response, page
from forges.model import Thread

STATES = {"pending", "success", "error", "failure", "warning"}
BODY_CHARS = 65_535  # Forgejo refuses longer issue and comment bodies


class FakeGitea(FakeGogs):
    """Adds commit statuses, paged label/issue filters, contents, branches, pulls and compare."""

    def routes(self) -> list[tuple[str, str, Any]]:
        gogs = [
            r for r in super().routes() if r[1] not in (r"/issues/(\d+)/comments/(\d+)", r"/raw/([^/]+)/(.+)")
        ]
        return [
            *gogs,
            ("PATCH", r"/issues/comments/(\d+)", self.edit_comment_gitea),
            ("GET", r"/raw/(.+)", self.raw_gitea),
            ("GET", r"/statuses/([0-9a-f]+)", self.list_statuses),
            ("POST", r"/statuses/([0-9a-f]+)", self.create_status),
            ("GET", r"/contents/(.+)", self.get_contents),
            ("POST", r"/contents", self.change_files),
            ("GET", r"/branches/(.+)", self.get_branch),
            ("POST", r"/branches", self.create_branch),
            ("GET", r"/pulls", self.list_pulls),
            ("POST", r"/pulls", self.create_pull),
            ("GET", r"/compare/([0-9a-f]+)\.\.\.([0-9a-f]+)", self.compare),
        ]

    def body(self, data: dict[str, Any], key: str = "body") -> str:
        text = str(data.get(key) or "")
        if len(text) > BODY_CHARS:
            raise HTTPError(422, f"{key}: must be at most 65535 characters")
        return text

    def url(self, request: Request) -> str:
        return self.server.root + request.path

    def list_labels(self, request: Request) -> Response:
        return page(request, [self.label(n) for n in self.repo.labels], self.url(request))

    def matching(self, request: Request) -> list[Thread]:
        state = request.query.get("state", "open")
        wanted = [n for n in request.query.get("labels", "").split(",") if n]
        kind = request.query.get("type")
        return [
            t
            for t in self.repo.threads
            if (state == "all" or t.open == (state == "open"))
            and all(n in t.labels for n in wanted)
            and (kind != "issues" or t.pull is None)
            and (kind != "pulls" or t.pull is not None)
        ]

    def list_issues(self, request: Request) -> Response:
        return page(request, [self.issue(t) for t in reversed(self.matching(request))], self.url(request))

    def edit_comment_gitea(self, request: Request) -> Response:
        comment = self.find_comment(int(request.groups[0]))
        comment["body"] = self.body(request.json())
        return Response(200, self.comment(comment))

    def raw_gitea(self, request: Request) -> Response:
        files, path = (
            self.files(request.query.get("ref", self.repo.default_branch)),
            unquote(request.groups[0]),
        )
        if path not in files:
            raise HTTPError(404, "file does not exist")
        return Response(200, files[path])

    # --- statuses ------------------------------------------------------------------------------
    def list_statuses(self, request: Request) -> Response:
        items = list(reversed(self.repo.statuses.get(request.groups[0], [])))
        return page(request, items, self.url(request))

    def create_status(self, request: Request) -> Response:
        sha, data = request.groups[0], request.json()
        if sha not in self.repo.commits:
            raise HTTPError(404, "commit does not exist")
        if data.get("state") not in STATES:
            raise HTTPError(422, "state: invalid value")
        status = {
            "id": self.repo.new_id(),
            "status": data["state"],
            "context": data.get("context", ""),
            "description": data.get("description", ""),
            "target_url": data.get("target_url", ""),
        }
        self.repo.statuses.setdefault(sha, []).append(status)
        return Response(201, status)

    # --- contents, branches, pulls, compare -------------------------------------------------------
    def content(self, path: str, raw: bytes) -> dict[str, Any]:
        sha = hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()
        return {
            "path": path,
            "type": "file",
            "sha": sha,
            "encoding": "base64",
            "content": base64.b64encode(raw).decode(),
        }

    def get_contents(self, request: Request) -> Response:
        files, path = (
            self.files(request.query.get("ref", self.repo.default_branch)),
            unquote(request.groups[0]),
        )
        if path not in files:
            raise HTTPError(404, "file does not exist")
        return Response(200, self.content(path, files[path]))

    def change_files(self, request: Request) -> Response:
        data = request.json()
        start = data.get("branch", self.repo.default_branch)
        branch = data.get("new_branch") or start
        if start not in self.repo.branches or (data.get("new_branch") and branch in self.repo.branches):
            raise HTTPError(422, "branch does not exist, or the new branch already does")
        self.repo.branches[branch] = self.repo.branches[start]
        files, changes = self.repo.commits[self.repo.branches[branch]], {}
        for change in data["files"]:
            path = change["path"]
            if (
                change["operation"] == "update"
                and change.get("sha") != self.content(path, files.get(path, b""))["sha"]
            ):
                raise HTTPError(422, f"sha does not match {path}")
            if change["operation"] == "create" and path in files:
                raise HTTPError(422, f"{path} already exists")
            changes[path] = base64.b64decode(change["content"])
        sha = self.repo.commit(branch, changes)
        return Response(
            201, {"commit": {"sha": sha}, "files": [self.content(p, c) for p, c in changes.items()]}
        )

    def branch(self, name: str) -> dict[str, Any]:
        return {"name": name, "commit": {"id": self.repo.branches[name]}}

    def get_branch(self, request: Request) -> Response:
        name = unquote(request.groups[0])
        if name not in self.repo.branches:
            raise HTTPError(404, "branch does not exist")
        return Response(200, self.branch(name))

    def create_branch(self, request: Request) -> Response:
        data = request.json()
        self.repo.branches[data["new_branch_name"]] = self.repo.branches[data["old_branch_name"]]
        return Response(201, self.branch(data["new_branch_name"]))

    def pull(self, t: Thread) -> dict[str, Any]:
        assert t.pull is not None
        return {**self.issue(t), "head": {"ref": t.pull["head"]}, "base": {"ref": t.pull["base"]}}

    def list_pulls(self, request: Request) -> Response:
        state = request.query.get("state", "open")
        items = [
            self.pull(t)
            for t in self.repo.threads
            if t.pull is not None and (state == "all" or t.open == (state == "open"))
        ]
        return page(request, items, self.url(request))

    def create_pull(self, request: Request) -> Response:
        data = request.json()
        if data["head"] not in self.repo.branches:
            raise HTTPError(404, "head branch does not exist")
        pull = {"head": data["head"], "base": data["base"]}
        thread = self.repo.open_thread(data["title"], self.body(data), [], pull, self.login(request))
        return Response(201, self.pull(thread))

    def compare(self, request: Request) -> Response:
        files = [
            {"filename": p, "status": "modified"}
            for p in self.repo.changed(request.groups[0], request.groups[1])
        ]
        return Response(200, {"total_commits": 1, "commits": [{"sha": request.groups[1], "files": files}]})
