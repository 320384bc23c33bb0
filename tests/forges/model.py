"""The state every forge fake keeps: commits and branches, statuses, issues, pull requests, comments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Thread:
    """An issue or a pull/merge request (forges number them from one sequence, except GitLab)."""

    number: int
    title: str
    body: str
    open: bool = True
    labels: list[str] = field(default_factory=list)
    pull: dict[str, str] | None = None  # {"head": branch, "base": branch} for pull requests
    comments: list[dict[str, object]] = field(default_factory=list)  # each with the `author`'s login
    edits: int = 0
    author: str = "dgbot"  # the login whose token opened it


@dataclass
class Repo:
    owner: str
    name: str
    default_branch: str = "main"
    commits: dict[str, dict[str, bytes]] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # sha -> oldest first
    threads: list[Thread] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=dict)  # name -> id
    check_runs: list[dict[str, object]] = field(default_factory=list)
    next_id: int = 1000

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def commit(self, branch: str, changes: dict[str, bytes], sha: str | None = None) -> str:
        """A new commit on `branch` with `changes` applied to its head's files."""
        parent = self.branches.get(branch)
        files = {**(self.commits[parent] if parent else {}), **changes}
        if sha is None:
            digest = hashlib.sha1(repr((parent, sorted(files.items()))).encode())
            sha = digest.hexdigest()
        self.commits[sha], self.parents[sha], self.branches[branch] = files, parent, sha
        return sha

    def changed(self, base: str, head: str) -> list[str]:
        old, new = self.commits[base], self.commits[head]
        return sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))

    def issues(self) -> list[Thread]:
        return [t for t in self.threads if t.pull is None]

    def thread(self, number: int) -> Thread:
        for item in self.threads:
            if item.number == number:
                return item
        raise KeyError(number)

    def open_thread(
        self,
        title: str,
        body: str,
        labels: list[str],
        pull: dict[str, str] | None = None,
        author: str = "dgbot",
    ) -> Thread:
        item = Thread(len(self.threads) + 1, title, body, labels=list(labels), pull=pull, author=author)
        self.threads.append(item)
        for label in labels:
            self.labels.setdefault(label, self.new_id())
        return item

    def latest_statuses(self, sha: str, key: str = "context") -> dict[str, dict[str, object]]:
        latest: dict[str, dict[str, object]] = {}
        for status in self.statuses.get(sha, []):
            latest[str(status[key])] = status
        return latest
