"""Reading a payload's fields with the JSON path of whatever is missing or wrong."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import orjson

from dgbot.events.model import PayloadError

SHA_CHARS = frozenset("0123456789abcdef")


def load_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The JSON object of a body; GitHub's form-encoded deliveries carry it as `payload=`."""
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8).get("payload")
        if not values:
            raise PayloadError("a form-encoded delivery needs a `payload` field")
        text: str | bytes = values[0]
    else:
        text = body
    try:
        data = orjson.loads(text)  # C: a delivery is parsed on the answer's path
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise PayloadError(f"$: a JSON object is needed, not {type(data).__name__}")
    return data


def _path(keys: tuple[str, ...]) -> str:
    return "$" + "".join(f".{key}" for key in keys)


def get(data: dict[str, Any], *keys: str, kind: type = str) -> Any:
    """data[k1][k2]...; PayloadError naming the JSON path when it is absent or of another type."""
    value: Any = data
    for depth, key in enumerate(keys):
        if not isinstance(value, dict):
            raise PayloadError(f"{_path(keys[:depth])}: an object is needed")
        if key not in value or value[key] is None:
            raise PayloadError(f"{_path(keys[: depth + 1])}: missing")
        value = value[key]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise PayloadError(f"{_path(keys)}: a {kind.__name__} is needed, not {type(value).__name__}")
    return value


def optional(data: dict[str, Any], *keys: str, kind: type = str) -> Any:
    """Like `get`, None when absent; a value of the wrong type is still an error."""
    value: Any = data
    for key in keys:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return get(data, *keys, kind=kind)


def commit_id(data: dict[str, Any], *keys: str) -> str:
    """A commit SHA (40 or 64 lowercase hex digits)."""
    value = get(data, *keys).lower()
    if len(value) not in (40, 64) or not set(value) <= SHA_CHARS:
        raise PayloadError(f"{_path(keys)}: a commit SHA is needed")
    return str(value)


def changed_files(data: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    """Files the push's commits list, and whether every commit listed its files."""
    commits = data.get("commits")
    if not isinstance(commits, list):
        return (), False
    files: set[str] = set()
    complete = bool(commits)
    for commit in commits:
        named = (
            [commit.get(name) for name in ("added", "modified", "removed")]
            if isinstance(commit, dict)
            else []
        )
        lists: list[list[Any]] = [found for found in named if isinstance(found, list)]
        if len(lists) != 3:
            complete = False
        files.update(path for found in lists for path in found if isinstance(path, str))
    return tuple(sorted(files)), complete
