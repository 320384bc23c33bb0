"""An in-memory Forge for domain tests (publishing, the bot's handlers): no HTTP, every call recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from dgbot.forges.base import Comment, CommitStatus, Issue, Limits, Unsupported


@dataclass
class FakeForge:
    """Behaves as the Forge protocol says; `calls` lists (operation, argument) in order."""

    name: str = "fake"
    limits: Limits = field(default_factory=lambda: Limits(body_chars=65_536))
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # ref -> path -> bytes
    statuses: dict[str, list[CommitStatus]] = field(default_factory=dict)  # sha -> oldest first
    issues: list[Issue] = field(default_factory=list)
    comments: dict[int, list[Comment]] = field(default_factory=dict)
    pulls: dict[int, tuple[str, str]] = field(default_factory=dict)
    calls: list[tuple[str, object]] = field(default_factory=list)
    login: str = "dgbot"  # the account the credentials act as; what is created is its

    def identity(self) -> str:
        return self.login

    def read_file(self, path: str, ref: str) -> bytes | None:
        return self.files.get(ref, {}).get(path)

    def changed_files(self, base: str, head: str) -> list[str]:
        old, new = self.files.get(base, {}), self.files.get(head, {})
        return sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))

    def list_statuses(self, sha: str) -> list[CommitStatus]:
        return list(reversed(self.statuses.get(sha, [])))

    def set_status(self, sha: str, status: CommitStatus) -> None:
        if not self.limits.statuses:
            raise Unsupported("no statuses here")
        self.calls.append(("set_status", status))
        self.statuses.setdefault(sha, []).append(status)

    def find_issues(self, label: str) -> list[Issue]:
        return [i for i in self.issues if label in i.labels]

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        issue = Issue(len(self.issues) + 1, title, body, True, frozenset(labels), self.login)
        self.calls.append(("create_issue", issue.number))
        self.issues.append(issue)
        return issue

    def edit_issue(self, number: int, *, title: str, body: str, labels: Sequence[str], open: bool) -> Issue:
        self.calls.append(("edit_issue", number))
        index = next(i for i, issue in enumerate(self.issues) if issue.number == number)
        self.issues[index] = replace(
            self.issues[index], title=title, body=body, labels=frozenset(labels), open=open
        )
        return self.issues[index]

    def list_comments(self, number: int) -> list[Comment]:
        return list(self.comments.get(number, []))

    def create_comment(self, number: int, body: str) -> Comment:
        comment = Comment(100 + sum(map(len, self.comments.values())), body, self.login)
        self.calls.append(("create_comment", number))
        self.comments.setdefault(number, []).append(comment)
        return comment

    def edit_comment(self, number: int, comment_id: int, body: str) -> Comment:
        self.calls.append(("edit_comment", comment_id))
        listed = self.comments[number]
        index = next(i for i, c in enumerate(listed) if c.id == comment_id)
        listed[index] = replace(listed[index], body=body)
        return listed[index]

    def push_files(self, branch: str, base: str, files: Mapping[str, bytes], message: str) -> str:
        self.files[branch] = {**self.files.get(branch, self.files.get(base, {})), **files}
        self.calls.append(("push_files", branch))
        return f"{branch}@{len(self.calls)}"

    def open_pull_request(self, branch: str, base: str, title: str, body: str) -> int:
        for number, (head, target) in self.pulls.items():
            if (head, target) == (branch, base):
                return number
        number = 100 + len(self.pulls)
        self.pulls[number] = (branch, base)
        return number
