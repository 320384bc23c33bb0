"""Gitea and Forgejo over their REST API: commit statuses, issues, contents and pull requests."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from dgbot.forges.base import CommitStatus, Limits
from dgbot.forges.gin import api_url
from dgbot.forges.gogs_issues import GogsIssues
from dgbot.forges.rest import RestClient
from dgbot.forges.retry import RetryPolicy


class GiteaForge(GogsIssues):
    """The Forge protocol on Gitea / Forgejo (API v1; the multi-file contents API needs Gitea 1.20+)."""

    name = "gitea"
    limits = Limits(body_chars=65_535, title_chars=255)
    comment_path = "/issues/comments/{id}"

    def __init__(self, repo: str, *, token: str, url: str, policy: RetryPolicy | None = None) -> None:
        super().__init__(RestClient(api_url(url), token, forge="Gitea", policy=policy or RetryPolicy()), repo)

    def labels(self) -> list[dict[str, Any]]:
        return self.client.pages(f"{self.base}/labels", "listing labels")

    def list_issue_data(self, label: str) -> list[dict[str, Any]]:
        params = {"state": "all", "type": "issues", "labels": label}
        return self.client.pages(f"{self.base}/issues", "listing issues", params)

    def read_file(self, path: str, ref: str) -> bytes | None:
        answer = self.client.maybe(f"{self.base}/raw/{quote(path)}", f"reading {path}", params={"ref": ref})
        return None if answer is None else answer.content

    def changed_files(self, base: str, head: str) -> list[str]:
        data = self.client.json("GET", f"{self.base}/compare/{base}...{head}", "comparing commits") or {}
        files = list(data.get("files") or [])
        for commit in data.get("commits") or []:
            files += commit.get("files") or []
        return sorted({str(f["filename"]) for f in files})

    def list_statuses(self, sha: str) -> list[CommitStatus]:
        found = self.client.pages(f"{self.base}/statuses/{sha}", "listing statuses")
        newest = sorted(found, key=lambda s: int(s["id"]), reverse=True)
        return [
            CommitStatus(s["context"], s["status"], s.get("description") or "", s.get("target_url") or None)
            for s in newest
        ]

    def set_status(self, sha: str, status: CommitStatus) -> None:
        data = {"state": status.state, "context": status.context, "description": status.description}
        if status.target_url:
            data["target_url"] = status.target_url
        self.client.json("POST", f"{self.base}/statuses/{sha}", f"setting status {status.context}", json=data)

    def _existing(self, path: str, ref: str) -> dict[str, Any] | None:
        answer = self.client.maybe(
            f"{self.base}/contents/{quote(path)}", f"reading {path}", params={"ref": ref}
        )
        return None if answer is None else dict(answer.json())

    def push_files(self, branch: str, base: str, files: Mapping[str, bytes], message: str) -> str:
        exists = self.client.maybe(
            f"{self.base}/branches/{quote(branch, safe='')}", f"reading branch {branch}"
        )
        start = branch if exists is not None else base
        changes = []
        for path, content in sorted(files.items()):
            old = self._existing(path, start)
            if old is not None and base64.b64decode(old.get("content") or "") == content:
                continue
            change: dict[str, Any] = {"path": path, "content": base64.b64encode(content).decode()}
            change.update(
                {"operation": "create"} if old is None else {"operation": "update", "sha": old["sha"]}
            )
            changes.append(change)
        data: dict[str, Any] = {"branch": start, "message": message, "files": changes}
        if exists is None:
            data["new_branch"] = branch
        if not changes:
            if exists is None:
                data = {"new_branch_name": branch, "old_branch_name": base}
                exists = self.client.request(
                    "POST", f"{self.base}/branches", f"creating branch {branch}", json=data
                )
            return str(exists.json()["commit"]["id"])
        made = self.client.json("POST", f"{self.base}/contents", "committing files", json=data)
        return str(made["commit"]["sha"])

    def open_pull_request(self, branch: str, base: str, title: str, body: str) -> int:
        pulls = self.client.pages(f"{self.base}/pulls", "listing pull requests", {"state": "open"})
        for pull in pulls:
            if pull["head"]["ref"] == branch and pull["base"]["ref"] == base:
                return int(pull["number"])
        data = {"head": branch, "base": base, "title": title, "body": body}
        return int(
            self.client.json("POST", f"{self.base}/pulls", "opening a pull request", json=data)["number"]
        )
