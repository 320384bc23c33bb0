"""Each forge's fake server and the real adapter pointed at it, seeded from a recorded webhook payload."""

from __future__ import annotations

import functools
import json
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import corpus_path
from dgbot.forges.base import Forge
from dgbot.forges.gin import GinForge
from dgbot.forges.gitea import GiteaForge
from dgbot.forges.github import AppCredentials, GitHubForge
from dgbot.forges.gitlab import GitLabForge
from dgbot.forges.retry import RetryPolicy
from forges.fake_gitea import FakeGitea
from forges.fake_github import FakeGitHub
from forges.fake_gitlab import FakeGitLab
from forges.fake_gogs import FakeGogs
from forges.model import Repo, Thread

TOKEN = "dgbot-test-token-7f3a9c1e5b"  # distinctive, so a search for it in logs finds every leak
FORGES = ("github", "gitlab", "gin", "gitea")
EVENTS = {  # the recorded payload each forge's repository, commit, branch and pull request come from
    "github": "github/pull_request.opened.payload.json",
    "gitlab": "gitlab/merge-request-event.json",
    "gin": "gogs/push-event.json",
    "gitea": "gitea/pull-request-event.json",
}


@dataclass
class Seed:
    repo: str
    sha: str
    branch: str
    base: str = "master"
    pull: int | None = None


def seed_from_event(kind: str) -> Seed:
    """Repository, head commit, branch and pull request of the recorded webhook payload."""
    data: dict[str, Any] = json.loads(corpus_path("webhooks", EVENTS[kind]).read_text(encoding="utf-8"))
    if kind == "gitlab":
        mr = data["object_attributes"]
        repo = data["project"]["path_with_namespace"]
        return Seed(repo, mr["last_commit"]["id"], mr["source_branch"], mr["target_branch"], mr["iid"])
    if kind == "gin":
        return Seed(data["repository"]["full_name"], data["after"], data["ref"].removeprefix("refs/heads/"))
    pr = data["pull_request"]
    return Seed(
        data["repository"]["full_name"],
        pr["head"]["sha"],
        pr["head"]["ref"],
        pr["base"]["ref"],
        data["number"],
    )


SIMPLE = Seed("lab/data", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "main", "main")


@dataclass
class Served:
    kind: str
    fake: Any
    forge: Forge
    seed: Seed
    waits: list[float] = field(default_factory=list)

    @property
    def repo(self) -> Repo:
        return self.fake.repo  # type: ignore[no-any-return]

    def stop(self) -> None:
        self.fake.server.stop()


def _repo(seed: Seed) -> Repo:
    owner, name = seed.repo.split("/", 1)
    repo = Repo(owner, name, default_branch=seed.base)
    repo.commit(seed.base, {"dmp.json": b'{"schema": "basic"}\n', "README.md": b"# data\n"})
    if seed.branch != seed.base:
        repo.branches[seed.branch] = repo.branches[seed.base]
    repo.commit(seed.branch, {"data/a.csv": b"x,y\n1,2\n"}, sha=seed.sha)
    return repo


def _seed_pull(kind: str, fake: Any, seed: Seed) -> None:
    if seed.pull is None:
        return
    pull = {"head": seed.branch, "base": seed.base}
    if kind == "gitlab":
        fake.merge_requests.append(Thread(seed.pull, "Add data", "", pull=pull))
        return
    while len(fake.repo.threads) < seed.pull - 1:
        fake.repo.open_thread("An earlier issue", "not dgbot's", [])
    fake.repo.open_thread("Add data", "", [], pull)


@functools.cache
def app_key_pair() -> tuple[str, str]:
    """A GitHub App's private key (PEM) and the public key the fake checks its JWTs with."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def url_of(kind: str, fake: Any) -> str:
    """What `--url` names for the fake: GitHub's API root, the other forges' server."""
    return str(fake.server.url if kind == "github" else fake.server.root)


def adapter(
    kind: str,
    repo: str,
    fake: Any,
    policy: RetryPolicy,
    *,
    token: str = TOKEN,
    app: AppCredentials | None = None,
) -> Forge:
    """The real adapter of `kind` for `repo` on the running `fake`."""
    url = url_of(kind, fake)
    if kind == "github":
        credentials = {"app": app} if app else {"token": token}
        return GitHubForge(repo, base_url=url, policy=policy, throttle=False, **credentials)
    if kind == "gitlab":
        return GitLabForge(repo, token=token, url=url, policy=policy)
    if kind == "gin":
        return GinForge(repo, token=token, url=url, policy=policy)
    return GiteaForge(repo, token=token, url=url, policy=policy)


def serve(
    kind: str,
    seed: Seed = SIMPLE,
    *,
    faults: float = 0.0,
    token: str = TOKEN,
    app: AppCredentials | None = None,
    app_public_key: str | None = None,
    configure: Callable[[Any], None] | None = None,
    tls: ssl.SSLContext | None = None,
) -> Served:
    """Start the fake of `kind` holding `seed`'s repository and build the real adapter against it."""
    waits: list[float] = []
    policy = RetryPolicy(attempts=12, sleep=waits.append)  # records the waits instead of sleeping
    repo = _repo(seed)
    fake: Any
    if kind == "github":
        fake = FakeGitHub(repo, token=None if app else TOKEN, app_key=app_public_key, faults=faults, tls=tls)
    else:
        fake = {"gitlab": FakeGitLab, "gin": FakeGogs, "gitea": FakeGitea}[kind](
            repo, token=TOKEN, faults=faults, tls=tls
        )
    _seed_pull(kind, fake, seed)
    if configure is not None:
        configure(fake)
    fake.server.start()
    forge = adapter(kind, seed.repo, fake, policy, token=token, app=app)
    return Served(kind, fake, forge, seed, waits)
