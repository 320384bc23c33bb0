"""Git smart HTTP for the forge fakes: the real `git http-backend` as a CGI behind their server.

Each fake serves `<root>/<owner>/<name>.git` from a real bare repository. Fetching and pushing
need the fake's token as the HTTP Basic password (any username), as on GitHub, GitLab, Gitea and
Gogs. Every git request is recorded with the bytes answered, so a test can count what a clone
fetched and prove no git-annex content was asked for. After a push, the fake's model (commits,
files, branches) follows the bare repository, so the REST API sees the pushed commits.
"""

from __future__ import annotations

import base64
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forges.httpfake import Request, Response
from forges.model import Repo

ZERO = "0" * 40


@dataclass
class GitRequest:
    method: str
    path: str
    service: str
    status: int
    answered: int  # bytes of the answer's body
    authorization: str


@dataclass
class GitHosting:
    """The bare repository of one fake and the git requests it answered."""

    fake: Any
    folder: Path
    requests: list[GitRequest] = field(default_factory=list)
    broken: bool = False  # True: every git request is answered 503, as a forge whose git service is down

    def __post_init__(self) -> None:
        repo: Repo = self.fake.repo
        self.bare = self.folder / repo.owner / f"{repo.name}.git"
        self.bare.parent.mkdir(parents=True, exist_ok=True)
        _git(self.folder, "init", "-q", "--bare", str(self.bare))
        for key, value in (
            ("http.receivepack", "true"),
            ("uploadpack.allowFilter", "true"),
            ("uploadpack.allowAnySHA1InWant", "true"),
            ("receive.denyDeleteCurrent", "ignore"),
        ):
            _git(self.bare, "config", key, value)
        self.pattern = re.compile(rf"^/{re.escape(repo.owner)}/{re.escape(repo.name)}\.git(/.*)$")
        self.fake.server.git = self.handle

    @property
    def url(self) -> str:
        repo = self.fake.repo
        return f"{self.fake.server.root}/{repo.owner}/{repo.name}.git"

    def authed_url(self, token: str) -> str:
        """The URL with credentials, for the test's own pushes (dgbot never builds such a URL)."""
        return self.url.replace("://", f"://tester:{token}@", 1)

    def _authorized(self, request: Request) -> bool:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        password = base64.b64decode(value).decode("utf-8", "replace").partition(":")[2]
        return password in self.fake.users

    def handle(self, request: Request) -> Response | None:
        """The answer to a git request, or None for the fake's REST API."""
        match = self.pattern.match(request.path)
        if match is None:
            return None
        query = "&".join(f"{k}={v}" for k, v in request.query.items())
        service = request.query.get("service") or match.group(1).rsplit("/", 1)[-1]
        if self.broken:
            answer = Response(503, b"git is down\n", {"Content-Type": "text/plain"})
        elif not self._authorized(request):
            answer = Response(401, b"", {"WWW-Authenticate": 'Basic realm="git"'})
        else:
            answer = self._backend(request, match.group(1), query)
        self.requests.append(
            GitRequest(
                request.method,
                request.path,
                service,
                answer.status,
                len(answer.body or b""),
                request.headers.get("authorization", ""),
            )
        )
        if service == "git-receive-pack" and request.method == "POST" and answer.status == 200:
            self.sync()
        return answer

    def _backend(self, request: Request, path: str, query: str) -> Response:
        env = {
            "GIT_PROJECT_ROOT": str(self.bare.parent),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": f"/{self.bare.name}{path}",
            "QUERY_STRING": query,
            "REQUEST_METHOD": request.method,
            "CONTENT_TYPE": request.headers.get("content-type", ""),
            "CONTENT_LENGTH": str(len(request.body)),
            "HTTP_CONTENT_ENCODING": request.headers.get("content-encoding", ""),
            "GIT_PROTOCOL": request.headers.get("git-protocol", ""),
            "REMOTE_USER": "tester",
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.folder),
            "PATH": "/usr/bin:/bin",
        }
        done = subprocess.run(
            ["git", "http-backend"], input=request.body, env=env, capture_output=True, check=False
        )
        head, _, body = done.stdout.partition(b"\r\n\r\n")
        status, headers = 200, {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(": ")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers[name] = value
        return Response(status, body, headers)

    def fetched_bytes(self) -> int:
        """Bytes answered to fetches (upload-pack) since the last `reset`."""
        return sum(r.answered for r in self.requests if r.service == "git-upload-pack")

    def annex_requests(self) -> list[GitRequest]:
        """Requests for git-annex content or its branch: never made by dgbot."""
        return [r for r in self.requests if "/annex/" in r.path or "annex" in r.service]

    def sync(self) -> None:
        """The fake's model follows the bare repository: every branch, with its commits' files."""
        repo: Repo = self.fake.repo
        heads = _git(self.bare, "for-each-ref", "--format=%(objectname) %(refname:strip=2)", "refs/heads")
        for line in heads.splitlines():
            sha, branch = line.split(" ", 1)
            for commit in reversed(_git(self.bare, "rev-list", "--first-parent", sha).split()):
                if commit not in repo.commits:
                    parents = _git(self.bare, "rev-list", "--parents", "-n1", commit).split()[1:]
                    repo.commits[commit] = self.files(commit)
                    repo.parents[commit] = parents[0] if parents else None
            repo.branches[branch] = sha

    def files(self, commit: str) -> dict[str, bytes]:
        listing = _git(self.bare, "ls-tree", "-r", "-z", commit)
        files = {}
        for record in filter(None, listing.split("\0")):
            meta, path = record.split("\t", 1)
            oid = meta.split()[2]
            files[path] = subprocess.run(
                ["git", "-C", str(self.bare), "cat-file", "blob", oid], capture_output=True, check=True
            ).stdout
        return files


def _git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout
