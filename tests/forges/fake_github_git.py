"""GitHub's contents, refs, pulls and check-run endpoints, for FakeGitHub (docs.github.com/rest)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import unquote

from forges.httpfake import HTTPError, Request, Response, page
from forges.model import Repo, Thread


class GitAndChecks:
    """Mixed into FakeGitHub, which provides the repository, URLs and issue shapes."""

    repo: Repo

    def api(self, path: str) -> str:
        raise NotImplementedError

    def _check_repo(self, request: Request) -> None:
        raise NotImplementedError

    def _issue(self, t: Thread) -> dict[str, Any]:
        raise NotImplementedError

    def _body(self, data: dict[str, Any]) -> str:
        raise NotImplementedError

    # --- contents, refs, pulls --------------------------------------------------------------
    def _resolve(self, ref: str) -> dict[str, bytes]:
        sha = self.repo.branches.get(ref, ref)
        if sha not in self.repo.commits:
            raise HTTPError(404, f"No commit found for the ref {ref}")
        return self.repo.commits[sha]

    def get_contents(self, request: Request) -> Response:
        self._check_repo(request)
        path = request.groups[2]
        files = self._resolve(request.query.get("ref", self.repo.default_branch))
        if path not in files:
            raise HTTPError(404, "Not Found")
        content = files[path]
        return Response(200, self._content(path, content))

    def _content(self, path: str, content: bytes) -> dict[str, Any]:
        sha = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(content),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "content": base64.b64encode(content).decode(),
            "url": self.api(f"/contents/{path}"),
        }

    def put_contents(self, request: Request) -> Response:
        self._check_repo(request)
        path, data = request.groups[2], request.json()
        branch = data.get("branch", self.repo.default_branch)
        files = self._resolve(branch)
        if path in files and data.get("sha") != self._content(path, files[path])["sha"]:
            raise HTTPError(409, f"{path} does not match {data.get('sha')}")
        sha = self.repo.commit(branch, {path: base64.b64decode(data["content"])})
        return Response(
            201, {"content": self._content(path, self.repo.commits[sha][path]), "commit": {"sha": sha}}
        )

    def compare(self, request: Request) -> Response:
        self._check_repo(request)
        base, head = request.groups[2], request.groups[3]
        files = [{"filename": p, "status": "modified"} for p in self.repo.changed(base, head)]
        return Response(200, {"status": "ahead", "files": files, "commits": [], "url": self.api("/compare")})

    def _ref(self, branch: str) -> dict[str, Any]:
        return {
            "ref": f"refs/heads/{branch}",
            "url": self.api(f"/git/refs/heads/{branch}"),
            "object": {"sha": self.repo.branches[branch], "type": "commit"},
        }

    def get_ref(self, request: Request) -> Response:
        self._check_repo(request)
        if request.groups[2] not in self.repo.branches:
            raise HTTPError(404, "Not Found")
        return Response(200, self._ref(request.groups[2]))

    def matching_refs(self, request: Request) -> Response:
        self._check_repo(request)
        prefix = unquote(request.groups[2]).removeprefix("heads/")
        return Response(200, [self._ref(b) for b in sorted(self.repo.branches) if b.startswith(prefix)])

    def create_ref(self, request: Request) -> Response:
        self._check_repo(request)
        data = request.json()
        branch = data["ref"].removeprefix("refs/heads/")
        if branch in self.repo.branches:
            raise HTTPError(422, "Reference already exists")
        self.repo.branches[branch] = data["sha"]
        return Response(201, self._ref(branch))

    def _pull(self, t: Thread) -> dict[str, Any]:
        assert t.pull is not None
        return {
            **self._issue(t),
            "url": self.api(f"/pulls/{t.number}"),
            "head": {"ref": t.pull["head"], "label": f"{self.repo.owner}:{t.pull['head']}"},
            "base": {"ref": t.pull["base"]},
        }

    def list_pulls(self, request: Request) -> Response:
        self._check_repo(request)
        head, base = request.query.get("head"), request.query.get("base")
        items = [
            self._pull(t)
            for t in self.repo.threads
            if t.pull is not None
            and t.open
            and (head is None or head == f"{self.repo.owner}:{t.pull['head']}")
            and (base is None or base == t.pull["base"])
        ]
        return page(request, items, self.api("/pulls"))

    def create_pull(self, request: Request) -> Response:
        self._check_repo(request)
        data = request.json()
        if data["head"] not in self.repo.branches or data["base"] not in self.repo.branches:
            raise HTTPError(422, "Validation Failed: head or base does not exist")
        thread = self.repo.open_thread(
            data["title"],
            self._body(data),
            [],
            {"head": data["head"], "base": data["base"]},
            self.login(request),
        )
        return Response(201, self._pull(thread))

    # --- the git data API: blobs, trees, commits, moving a ref (one commit of many files) --------
    def _store(self) -> dict[str, dict[str, Any]]:
        if not hasattr(self, "_objects"):
            self._objects: dict[str, dict[str, Any]] = {"blob": {}, "tree": {}}
        return self._objects

    def _tree_of(self, commit: str) -> str:
        files = self.repo.commits[commit]
        sha = hashlib.sha1(repr(sorted(files.items())).encode()).hexdigest()
        self._store()["tree"][sha] = files
        return sha

    def _commit(self, sha: str) -> dict[str, Any]:
        parent = self.repo.parents.get(sha)
        tree = self._tree_of(sha)
        return {
            "sha": sha,
            "url": self.api(f"/git/commits/{sha}"),
            "tree": {"sha": tree, "url": self.api(f"/git/trees/{tree}")},
            "parents": [{"sha": parent, "url": self.api(f"/git/commits/{parent}")}] if parent else [],
            "message": "",
        }

    def get_git_commit(self, request: Request) -> Response:
        self._check_repo(request)
        if request.groups[2] not in self.repo.commits:
            raise HTTPError(404, "Not Found")
        return Response(200, self._commit(request.groups[2]))

    def create_blob(self, request: Request) -> Response:
        self._check_repo(request)
        data = request.json()
        content = (
            base64.b64decode(data["content"])
            if data.get("encoding") == "base64"
            else data["content"].encode()
        )
        sha = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
        self._store()["blob"][sha] = content
        return Response(201, {"sha": sha, "url": self.api(f"/git/blobs/{sha}")})

    def create_tree(self, request: Request) -> Response:
        self._check_repo(request)
        data, store = request.json(), self._store()
        files = dict(store["tree"].get(data.get("base_tree"), {})) if data.get("base_tree") else {}
        if data.get("base_tree") and data["base_tree"] not in store["tree"]:
            raise HTTPError(422, "base_tree is not a tree")
        for element in data["tree"]:
            if element.get("sha") not in store["blob"]:
                raise HTTPError(422, f"tree.sha {element.get('sha')} is not a valid blob")
            files[element["path"]] = store["blob"][element["sha"]]
        sha = hashlib.sha1(repr(sorted(files.items())).encode()).hexdigest()
        store["tree"][sha] = files
        return Response(
            201, {"sha": sha, "url": self.api(f"/git/trees/{sha}"), "tree": [], "truncated": False}
        )

    def create_git_commit(self, request: Request) -> Response:
        self._check_repo(request)
        data = request.json()
        files = self._store()["tree"].get(data["tree"])
        if files is None or any(p not in self.repo.commits for p in data.get("parents", [])):
            raise HTTPError(422, "tree or parents do not exist")
        parent = data["parents"][0] if data.get("parents") else None
        sha = hashlib.sha1(repr((parent, data["tree"], data["message"])).encode()).hexdigest()
        self.repo.commits[sha], self.repo.parents[sha] = dict(files), parent
        return Response(201, {**self._commit(sha), "message": data["message"]})

    def update_ref(self, request: Request) -> Response:
        self._check_repo(request)
        branch, data = request.groups[2], request.json()
        if branch not in self.repo.branches or data["sha"] not in self.repo.commits:
            raise HTTPError(422, "Reference does not exist")
        head, new, ancestors = self.repo.branches[branch], data["sha"], set()
        walk: str | None = new
        while walk:
            ancestors.add(walk)
            walk = self.repo.parents.get(walk)
        if head not in ancestors and not data.get("force"):
            raise HTTPError(422, "Update is not a fast forward")
        self.repo.branches[branch] = new
        return Response(200, self._ref(branch))

    # --- check runs (Apps only) -----------------------------------------------------------------
    def _run(self, run: dict[str, Any]) -> dict[str, Any]:
        output = {k: v for k, v in run["output"].items() if k != "annotations"}
        return {
            **run,
            "output": {**output, "annotations_count": len(run["output"]["annotations"])},
            "url": self.api(f"/check-runs/{run['id']}"),
        }

    def list_check_runs(self, request: Request) -> Response:
        self._check_repo(request)
        name = request.query.get("check_name")
        runs = [
            self._run(r)
            for r in self.repo.check_runs
            if r["head_sha"] == request.groups[2] and name in (None, r["name"])
        ]
        return Response(200, {"total_count": len(runs), "check_runs": runs})

    def _annotations(self, output: dict[str, Any]) -> list[dict[str, Any]]:
        annotations = list(output.get("annotations", []))
        if len(annotations) > 50:
            raise HTTPError(422, "Validation Failed: at most 50 annotations per request")
        return annotations

    def create_check_run(self, request: Request) -> Response:
        self._check_repo(request)
        if not request.headers.get("authorization", "").startswith("token ghs_"):
            raise HTTPError(403, "You must authenticate via a GitHub App.")
        data = request.json()
        output = dict(data.get("output", {}))
        output["annotations"] = self._annotations(output)
        run = {
            "id": self.repo.new_id(),
            "name": data["name"],
            "head_sha": data["head_sha"],
            "status": data.get("status"),
            "conclusion": data.get("conclusion"),
            "external_id": data.get("external_id"),
            "output": output,
        }
        self.repo.check_runs.append(run)
        return Response(201, self._run(run))

    def edit_check_run(self, request: Request) -> Response:
        self._check_repo(request)
        run = next((r for r in self.repo.check_runs if r["id"] == int(request.groups[2])), None)
        if run is None:
            raise HTTPError(404, "Not Found")
        output = request.json().get("output", {})
        run["output"]["annotations"] += self._annotations(output)  # GitHub appends annotations
        run["output"].update({k: v for k, v in output.items() if k != "annotations"})
        return Response(200, self._run(run))
