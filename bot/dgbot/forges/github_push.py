"""Committing files on a GitHub branch through the contents API (one commit per changed file)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from github.ContentFile import ContentFile
from github.Repository import Repository

from dgbot.forges.base import AccessError

Caller = Callable[[str, Callable[[], Any]], Any]


def _ensure_branch(repo: Repository, call: Caller, branch: str, base: str) -> str:
    """The head sha of `branch`, created from `base` when it does not exist."""
    try:
        return str(call(f"reading branch {branch}", lambda: repo.get_git_ref(f"heads/{branch}").object.sha))
    except AccessError as exc:
        if exc.status != 404:
            raise
    start = call(f"reading branch {base}", lambda: repo.get_git_ref(f"heads/{base}").object.sha)
    call(f"creating branch {branch}", lambda: repo.create_git_ref(f"refs/heads/{branch}", start))
    return str(start)


def _existing(repo: Repository, call: Caller, path: str, branch: str) -> ContentFile | None:
    try:
        found = call(f"reading {path}", lambda: repo.get_contents(path, ref=branch))
    except AccessError as exc:
        if exc.status == 404:
            return None
        raise
    return found if isinstance(found, ContentFile) else None


def push_files(
    repo: Repository, call: Caller, branch: str, base: str, files: Mapping[str, bytes], message: str
) -> str:
    """Commit each file that differs on `branch`; the sha of the branch's head afterwards."""
    head = _ensure_branch(repo, call, branch, base)
    for path, content in sorted(files.items()):
        old = _existing(repo, call, path, branch)
        if old is not None and old.decoded_content == content:
            continue
        if old is None:
            made = call(f"adding {path}", partial(repo.create_file, path, message, content, branch=branch))
        else:
            update = partial(repo.update_file, path, message, content, old.sha, branch=branch)
            made = call(f"updating {path}", update)
        head = made["commit"].sha
    return head
