"""Forge payloads → `Delivery`: a job's `Event`, a ping, or an event dgbot does not act on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dgbot.events.fields import changed_files, commit_id, get, load_body, optional
from dgbot.events.hooks import HEADERS
from dgbot.events.model import Delivery, Event, PayloadError

ZERO = "0" * 40
LONGEST = 500  # the store's columns hold 512 characters: a repository name, a branch (with its forge)
PR_ACTIONS = {"opened", "synchronize", "synchronized", "reopened", "open", "update", "reopen"}


def read_delivery(forge: str, headers: Mapping[str, str], body: bytes, content_type: str) -> Delivery:
    """The delivery of an authenticated request; PayloadError says what is missing or wrong."""
    spec = HEADERS[forge]
    delivery, name = headers.get(spec.delivery, "").strip(), headers.get(spec.event, "").strip()
    if not delivery or len(delivery) > 128:
        raise PayloadError(f"the {spec.delivery} header is missing or too long")
    if not name or len(name) > 64:
        raise PayloadError(f"the {spec.event} header is missing or too long")
    data = load_body(body, content_type)
    if name.lower() == "ping":
        return Delivery(forge, delivery, name, "ping")
    parse = {"github": _github, "gitlab": _gitlab}.get(forge, _gogs)
    result = parse(forge, name, data)
    if isinstance(result, str):
        repository = _repository(forge, data)
        _fits(_REPOSITORY[forge == "gitlab"], repository)
        return Delivery(forge, delivery, name, "ignored", repository, reason=result)
    _fits(_REPOSITORY[forge == "gitlab"], result.repository)
    _fits(_BRANCH[(forge == "gitlab", result.kind)], result.lane)  # the lane: the repository and its branch
    return Delivery(forge, delivery, name, "job", result.repository, result)


_REPOSITORY = {False: "$.repository.full_name", True: "$.project.path_with_namespace"}
_BRANCH = {
    (False, "push"): "$.ref",
    (True, "push"): "$.ref",
    (False, "pull_request"): "$.pull_request.head.ref",
    (True, "pull_request"): "$.object_attributes.source_branch",
}


def _fits(path: str, value: str | None) -> None:
    if value is not None and len(value) > LONGEST:
        raise PayloadError(f"{path}: too long to store (over {LONGEST} characters)")


def _repository(forge: str, data: dict[str, Any]) -> str | None:
    keys = ("project", "path_with_namespace") if forge == "gitlab" else ("repository", "full_name")
    value = optional(data, *keys)
    return str(value) if value is not None else None


def _push(
    forge: str, data: dict[str, Any], repository: str, after: str, installation: int | None
) -> Event | str:
    ref = get(data, "ref")
    if not ref.startswith("refs/heads/"):
        return f"not a branch: {ref}"
    if after == ZERO:
        return "a deleted branch"
    before = optional(data, "before")
    changed, complete = changed_files(data)
    new_branch = before is None or before == ZERO
    return Event(
        forge,
        "push",
        repository,
        ref,
        commit_id({"after": after}, "after"),
        before,
        None,
        installation,
        changed,
        complete and not new_branch,
    )


def _github(forge: str, name: str, data: dict[str, Any]) -> Event | str:
    installation = optional(data, "installation", "id", kind=int)
    if name == "push":
        repository = get(data, "repository", "full_name")
        return _push(forge, data, repository, get(data, "after"), installation)
    if name == "pull_request":
        return _pull(forge, data, get(data, "repository", "full_name"), installation)
    return f"dgbot does not act on {name} events"


def _pull(forge: str, data: dict[str, Any], repository: str, installation: int | None) -> Event | str:
    action = get(data, "action")
    if action not in PR_ACTIONS:
        return f"pull request {action}"
    pull = get(data, "pull_request", kind=dict)
    ref = "refs/heads/" + get(pull, "head", "ref")
    number = get(data, "number", kind=int)
    return Event(
        forge, "pull_request", repository, ref, commit_id(pull, "head", "sha"), None, number, installation
    )


def _gitlab(forge: str, name: str, data: dict[str, Any]) -> Event | str:
    repository = get(data, "project", "path_with_namespace")
    if name == "Push Hook":
        after = optional(data, "checkout_sha") or get(data, "after")
        event = _push(forge, data, repository, after, None)
        total = optional(data, "total_commits_count", kind=int)
        commits = data.get("commits")
        if (
            isinstance(event, Event)
            and isinstance(commits, list)
            and total is not None
            and total > len(commits)
        ):
            return Event(**{**event.__dict__, "complete": False})  # only the 20 newest commits are listed
        return event
    if name == "Merge Request Hook":
        mr = get(data, "object_attributes", kind=dict)
        action = optional(mr, "action")
        if action not in PR_ACTIONS:
            return f"merge request {action or 'without action'}"
        ref = "refs/heads/" + get(mr, "source_branch")
        commit = commit_id(mr, "last_commit", "id")
        return Event(forge, "pull_request", repository, ref, commit, None, get(mr, "iid", kind=int))
    return f"dgbot does not act on {name} events"


def _gogs(forge: str, name: str, data: dict[str, Any]) -> Event | str:
    repository = get(data, "repository", "full_name")
    if name == "push":
        return _push(forge, data, repository, get(data, "after"), None)
    if name == "pull_request":
        return _pull(forge, data, repository, None)
    return f"dgbot does not act on {name} events"


__all__ = ["PayloadError", "read_delivery"]
