"""GitLab's REST API v4 (the subset dgbot uses), shapes from docs.gitlab.com/api and the hook payloads."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote, unquote

from forges.httpfake import FakeServer, HTTPError, Request, Response, page
from forges.model import Repo, Thread

STATES = {"pending", "running", "success", "failed", "canceled", "skipped"}
BODY_LIMIT = 1_000_000


class FakeGitLab:
    """A GitLab-like server at `<root>/api/v4` for one project, authenticated by PRIVATE-TOKEN."""

    def __init__(self, repo: Repo, *, token: str, **options: Any) -> None:
        self.repo = repo
        self.users = {token: "dgbot"}  # token -> username
        self.project_id = 42
        self.merge_requests: list[Thread] = []
        self.server = FakeServer("/api/v4", **options)
        self.server.auth = self._auth
        project = f"/projects/(?:{quote(repo.full_name, safe='')}|{self.project_id})"
        routes = [
            ("GET", r"/repository/commits/([0-9a-f]+)/statuses", self.list_statuses),
            ("POST", r"/statuses/([0-9a-f]+)", self.create_status),
            ("GET", r"/issues", self.list_issues),
            ("POST", r"/issues", self.create_issue),
            ("PUT", r"/issues/(\d+)", self.edit_issue),
            ("GET", r"/merge_requests/(\d+)/notes", self.list_notes),
            ("POST", r"/merge_requests/(\d+)/notes", self.create_note),
            ("PUT", r"/merge_requests/(\d+)/notes/(\d+)", self.edit_note),
            ("GET", r"/repository/files/([^/]+)/raw", self.raw_file),
            ("GET", r"/repository/compare", self.compare),
            ("GET", r"/repository/branches/([^/]+)", self.get_branch),
            ("POST", r"/repository/branches", self.create_branch),
            ("POST", r"/repository/commits", self.create_commit),
            ("GET", r"/merge_requests", self.list_mrs),
            ("POST", r"/merge_requests", self.create_mr),
        ]
        for method, pattern, handler in routes:
            self.server.route(method, project + pattern, handler)
        self.server.route("GET", r"/user", self.get_user)

    def _auth(self, request: Request) -> str | None:
        given = request.headers.get("private-token")
        return None if given in self.users else f"401 Unauthorized (token {given!r} is not valid)"

    def login(self, request: Request) -> str:
        return self.users[str(request.headers.get("private-token"))]

    @staticmethod
    def user(username: str) -> dict[str, Any]:
        return {"id": 1 + sum(map(ord, username)), "username": username, "name": username, "state": "active"}

    def get_user(self, request: Request) -> Response:
        return Response(200, self.user(self.login(request)))

    def _note(self, note: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in note.items() if k != "author"}
        return {
            **shown,
            "author": self.user(str(note["author"])),
            "system": False,
            "noteable_type": "MergeRequest",
        }

    def _issue(self, t: Thread) -> dict[str, Any]:
        return {
            "id": 5000 + t.number,
            "iid": t.number,
            "project_id": self.project_id,
            "title": t.title,
            "description": t.body,
            "state": "opened" if t.open else "closed",
            "labels": list(t.labels),
            "author": self.user(t.author),
            "web_url": f"{self.server.root}/{self.repo.full_name}/-/issues/{t.number}",
        }

    def _text(self, data: dict[str, Any], key: str) -> str:
        text = str(data.get(key) or "")
        if len(text) > BODY_LIMIT:
            raise HTTPError(400, f"{key} is too long (maximum is 1000000 characters)")
        return text

    # --- statuses -------------------------------------------------------------------------
    def list_statuses(self, request: Request) -> Response:
        sha = request.groups[0]
        latest = list(self.repo.latest_statuses(sha, key="name").values())  # `all` unset: latest per name
        return page(request, latest, f"{self.server.url}{request.path[len(self.server.prefix) :]}")

    def create_status(self, request: Request) -> Response:
        sha, data = request.groups[0], request.json()
        if sha not in self.repo.commits:
            raise HTTPError(404, "404 Commit Not Found")
        if data.get("state") not in STATES:
            raise HTTPError(400, "state does not have a valid value")
        name = data.get("name") or data.get("context") or "default"
        previous = self.repo.latest_statuses(sha, key="name").get(name)
        if previous is not None and previous["status"] == data["state"]:
            raise HTTPError(400, f"Cannot transition status via :{data['state']} from :{previous['status']}")
        status = {
            "id": self.repo.new_id(),
            "sha": sha,
            "status": data["state"],
            "name": name,
            "description": data.get("description"),
            "target_url": data.get("target_url"),
            "ref": data.get("ref"),
        }
        self.repo.statuses.setdefault(sha, []).append(status)
        return Response(201, status)

    # --- issues -------------------------------------------------------------------------------
    def list_issues(self, request: Request) -> Response:
        wanted = [n for n in request.query.get("labels", "").split(",") if n]
        state = request.query.get("state")
        items = [
            self._issue(t)
            for t in self.repo.issues()
            if all(n in t.labels for n in wanted) and (state is None or (state == "opened") == t.open)
        ]
        if request.query.get("sort", "desc") == "desc":
            items.reverse()
        return page(request, items, f"{self.server.url}{request.path[len(self.server.prefix) :]}", default=20)

    def create_issue(self, request: Request) -> Response:
        data = request.json()
        labels = [n for n in str(data.get("labels", "")).split(",") if n]
        thread = self.repo.open_thread(
            data["title"], self._text(data, "description"), labels, author=self.login(request)
        )
        return Response(201, self._issue(thread))

    def edit_issue(self, request: Request) -> Response:
        try:
            thread = next(t for t in self.repo.issues() if t.number == int(request.groups[0]))
        except StopIteration:
            raise HTTPError(404, "404 Issue Not Found") from None
        data = request.json()
        thread.title = data.get("title", thread.title)
        thread.body = self._text(data, "description") if "description" in data else thread.body
        if "labels" in data:
            thread.labels = [n for n in str(data["labels"]).split(",") if n]
        if data.get("state_event") in ("close", "reopen"):
            thread.open = data["state_event"] == "reopen"
        thread.edits += 1
        return Response(200, self._issue(thread))

    # --- merge requests and notes ----------------------------------------------------------------
    def _mr(self, request: Request) -> Thread:
        for mr in self.merge_requests:
            if mr.number == int(request.groups[0]):
                return mr
        raise HTTPError(404, "404 Merge Request Not Found")

    def list_notes(self, request: Request) -> Response:
        notes = [self._note(n) for n in self._mr(request).comments]
        return page(request, notes, f"{self.server.url}{request.path[len(self.server.prefix) :]}", default=20)

    def create_note(self, request: Request) -> Response:
        note = {
            "id": self.repo.new_id(),
            "body": self._text(request.json(), "body"),
            "author": self.login(request),
        }
        self._mr(request).comments.append(note)
        return Response(201, self._note(note))

    def edit_note(self, request: Request) -> Response:
        for note in self._mr(request).comments:
            if note["id"] == int(request.groups[1]):
                note["body"] = self._text(request.json(), "body")
                return Response(200, self._note(note))
        raise HTTPError(404, "404 Note Not Found")

    def _mr_json(self, mr: Thread) -> dict[str, Any]:
        assert mr.pull is not None
        return {
            "id": 7000 + mr.number,
            "iid": mr.number,
            "title": mr.title,
            "description": mr.body,
            "state": "opened" if mr.open else "closed",
            "source_branch": mr.pull["head"],
            "target_branch": mr.pull["base"],
        }

    def list_mrs(self, request: Request) -> Response:
        q = request.query
        items = [
            self._mr_json(mr)
            for mr in self.merge_requests
            if q.get("source_branch") in (None, mr.pull and mr.pull["head"])
            and q.get("target_branch") in (None, mr.pull and mr.pull["base"])
            and (q.get("state") != "opened" or mr.open)
        ]
        return page(request, items, f"{self.server.url}{request.path[len(self.server.prefix) :]}")

    def create_mr(self, request: Request) -> Response:
        data = request.json()
        if data["source_branch"] not in self.repo.branches:
            raise HTTPError(400, "Source branch does not exist")
        mr = Thread(
            len(self.merge_requests) + 1,
            data["title"],
            self._text(data, "description"),
            pull={"head": data["source_branch"], "base": data["target_branch"]},
        )
        self.merge_requests.append(mr)
        return Response(201, self._mr_json(mr))

    # --- files, compare, branches, commits ---------------------------------------------------------
    def _files(self, ref: str) -> dict[str, bytes]:
        sha = self.repo.branches.get(ref, ref)
        if sha not in self.repo.commits:
            raise HTTPError(404, "404 Commit Not Found")
        return self.repo.commits[sha]

    def raw_file(self, request: Request) -> Response:
        files = self._files(request.query.get("ref", self.repo.default_branch))
        path = unquote(request.groups[0])
        if path not in files:
            raise HTTPError(404, "404 File Not Found")
        return Response(200, files[path])

    def compare(self, request: Request) -> Response:
        base, head = request.query["from"], request.query["to"]
        diffs = [
            {
                "old_path": p,
                "new_path": p,
                "new_file": False,
                "deleted_file": False,
                "renamed_file": False,
                "diff": "",
            }
            for p in self.repo.changed(base, head)
        ]
        return Response(200, {"commits": [], "diffs": diffs, "compare_timeout": False})

    def _branch(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "commit": {"id": self.repo.branches[name]},
            "default": name == self.repo.default_branch,
        }

    def get_branch(self, request: Request) -> Response:
        name = unquote(request.groups[0])
        if name not in self.repo.branches:
            raise HTTPError(404, "404 Branch Not Found")
        return Response(200, self._branch(name))

    def create_branch(self, request: Request) -> Response:
        data = request.json() if request.body else request.query
        self.repo.branches[data["branch"]] = self.repo.branches.get(data["ref"], data["ref"])
        return Response(201, self._branch(data["branch"]))

    def create_commit(self, request: Request) -> Response:
        data = request.json()
        branch = data["branch"]
        if branch not in self.repo.branches:
            start = data.get("start_branch")
            if start not in self.repo.branches:
                raise HTTPError(400, "You can only create or edit files when you are on a branch")
            self.repo.branches[branch] = self.repo.branches[start]
        files = self.repo.commits[self.repo.branches[branch]]
        changes = {}
        for action in data["actions"]:
            path = action["file_path"]
            if (action["action"] == "create") == (path in files):
                raise HTTPError(
                    400, f"A file with this name {'already exists' if path in files else 'does not exist'}"
                )
            raw = action["content"]
            changes[path] = base64.b64decode(raw) if action.get("encoding") == "base64" else raw.encode()
        sha = self.repo.commit(branch, changes)
        return Response(201, {"id": sha, "short_id": sha[:8], "title": data["commit_message"]})
