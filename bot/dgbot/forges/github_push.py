"""Committing files on a GitHub branch: one commit of every changed file, through the git data API."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from github.ContentFile import ContentFile
from github.InputGitTreeElement import InputGitTreeElement
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
    """One commit on `branch` of each file that differs there; the sha of the branch's head afterwards.

    Blobs, a tree on the head's tree, a commit, then the branch moved to it (a fast-forward): a
    request retried after a lost answer makes the same objects again, and nothing is committed
    when every file is already as wanted.
    """
    head = _ensure_branch(repo, call, branch, base)
    changed = {}
    for path, content in sorted(files.items()):
        old = _existing(repo, call, path, branch)
        if old is None or old.decoded_content != content:
            changed[path] = content
    if not changed:
        return head
    elements = []
    for path, content in changed.items():
        encoded = base64.b64encode(content).decode("ascii")
        blob = call(f"storing {path}", partial(repo.create_git_blob, encoded, "base64"))
        elements.append(InputGitTreeElement(path, "100644", "blob", sha=blob.sha))
    parent = call("reading the branch's commit", partial(repo.get_git_commit, head))
    tree = call("making the tree", partial(repo.create_git_tree, elements, parent.tree))
    made = call("committing", partial(repo.create_git_commit, message, tree, [parent]))

    def matching() -> list[Any]:  # the ref with the URL GitHub gives it (`git/refs/...`), for its PATCH
        return [r for r in repo.get_git_matching_refs(f"heads/{branch}") if r.ref == f"refs/heads/{branch}"]

    found = call(f"reading branch {branch}", matching)
    if not found:
        raise AccessError(f"branch {branch} disappeared while dgbot committed to it", status=404)
    call(f"moving branch {branch}", partial(found[0].edit, made.sha))
    return str(made.sha)
