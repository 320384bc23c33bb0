"""Issues, labels and comments as Gogs and Gitea share them (Gitea began as a Gogs fork)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dgbot.forges.base import Comment, Issue
from dgbot.forges.rest import RestClient

LABEL_COLOURS = {
    "dgbot": "#1d76db",
    "dgbot:passed": "#0e8a16",
    "dgbot:failed": "#d93f0b",
    "dgbot:error": "#5319e7",
}


def author(data: dict[str, Any]) -> str:
    """The login of the `user` who wrote an issue or a comment."""
    user = data.get("user") or {}
    return str(user.get("login") or user.get("username") or "") if isinstance(user, dict) else ""


def to_issue(data: dict[str, Any]) -> Issue:
    labels = frozenset(str(label["name"]) for label in data.get("labels") or [])
    number, title, body = int(data["number"]), str(data["title"]), str(data.get("body") or "")
    return Issue(number, title, body, data["state"] == "open", labels, author(data))


def to_comment(data: dict[str, Any], body: str | None = None) -> Comment:
    return Comment(int(data["id"]), str(data.get("body") or body or ""), author(data))


class GogsIssues:
    """Issue operations over `/repos/{owner}/{repo}`; labels are set by id, created when missing."""

    comment_path = "/issues/{number}/comments/{id}"  # Gogs; Gitea: /issues/comments/{id}

    def __init__(self, client: RestClient, repo: str) -> None:
        self.client = client
        self.base = f"/repos/{repo}"

    def identity(self) -> str:
        return self.client.identity()

    def _label_ids(self, names: Sequence[str]) -> list[int]:
        known = {str(label["name"]): int(label["id"]) for label in self.labels()}
        for name in names:
            if name not in known:
                colour = LABEL_COLOURS.get(name, "#ededed")
                made = self.client.json(
                    "POST",
                    f"{self.base}/labels",
                    f"creating label {name}",
                    json={"name": name, "color": colour},
                )
                known[name] = int(made["id"])
        return [known[name] for name in names]

    def labels(self) -> list[dict[str, Any]]:
        """Every label of the repository (Gogs answers them all at once)."""
        return list(self.client.json("GET", f"{self.base}/labels", "listing labels") or [])

    def list_issue_data(self, label: str) -> list[dict[str, Any]]:
        """Open and closed issues; Gogs pages by a server-set size and filters by state only."""
        found = []
        for state in ("open", "closed"):
            found += self.client.pages(f"{self.base}/issues", "listing issues", {"state": state}, limit=None)
        return found

    def find_issues(self, label: str) -> list[Issue]:
        found = [d for d in self.list_issue_data(label) if not d.get("pull_request")]
        issues = [to_issue(d) for d in found if label in {x["name"] for x in d.get("labels") or []}]
        return sorted(issues, key=lambda i: i.number)

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        data = {"title": title, "body": body, "labels": self._label_ids(labels)}
        return to_issue(self.client.json("POST", f"{self.base}/issues", "opening the issue", json=data))

    def edit_issue(self, number: int, *, title: str, body: str, labels: Sequence[str], open: bool) -> Issue:
        ids = self._label_ids(labels)
        self.client.json(
            "PUT", f"{self.base}/issues/{number}/labels", f"labelling issue #{number}", json={"labels": ids}
        )
        data = {"title": title, "body": body, "state": "open" if open else "closed"}
        return to_issue(
            self.client.json("PATCH", f"{self.base}/issues/{number}", f"editing issue #{number}", json=data)
        )

    def list_comments(self, number: int) -> list[Comment]:
        found = self.client.json("GET", f"{self.base}/issues/{number}/comments", "listing comments") or []
        return [to_comment(c) for c in found]

    def create_comment(self, number: int, body: str) -> Comment:
        made = self.client.json(
            "POST", f"{self.base}/issues/{number}/comments", "commenting", json={"body": body}
        )
        return to_comment(made, body)

    def edit_comment(self, number: int, comment_id: int, body: str) -> Comment:
        path = self.base + self.comment_path.format(number=number, id=comment_id)
        made = self.client.json("PATCH", path, f"editing comment {comment_id}", json={"body": body})
        return to_comment(made or {"id": comment_id}, body)
