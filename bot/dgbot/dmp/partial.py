"""The valid part of a plan with schema errors: its wrong values taken out, so that the rules
about sizes, access and dates judge the rest in the same pass (all errors in one round)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dgbot.dmp.paths import JsonPath

_GONE = object()  # trie mark: the value at this path is wrong
Trie = dict[Any, Any]


def _trie(paths: Iterable[JsonPath]) -> Trie:
    root: Trie = {}
    for path in paths:
        node = root
        for part in path:
            node = node.setdefault(part, {})
        node[_GONE] = True
    return root


def _prune(value: Any, trie: Trie) -> Any:
    """A copy of the containers on the trie's paths, without the wrong values (list items become None)."""
    if isinstance(value, dict):
        out: Any = dict(value)
        for part, below in trie.items():
            if isinstance(part, str) and part in out:
                if _GONE in below:
                    del out[part]
                else:
                    out[part] = _prune(out[part], below)
        return out
    if isinstance(value, list):
        out = list(value)
        for part, below in trie.items():
            if isinstance(part, int) and 0 <= part < len(out):
                # a hole keeps the positions (and JSON paths) of the entries after it
                out[part] = None if _GONE in below else _prune(out[part], below)
        return out
    return value


def valid_part(data: Any, wrong: Iterable[JsonPath]) -> Any | None:
    """The document without the values at `wrong`; None when the whole document is wrong."""
    trie = _trie(wrong)
    if _GONE in trie:
        return None
    return _prune(data, trie) if trie else data
