"""git-annex keys, from a key string, a locked file's symlink target or an unlocked file's pointer."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from itertools import repeat
from typing import NamedTuple

# A key names one file on disk (.git/annex/objects/../KEY/KEY), so it is at most 255 bytes and a
# pointer file at most ~272; git-annex itself reads up to 8 KiB, but no real key gets there.
POINTER_MAX_SIZE = 512

# BACKEND[-sSIZE][-mMTIME][-SCHUNKSIZE-CCHUNK]--NAME, fields in the order git-annex writes them.
_FIELDS = r"(?P<backend>[A-Z0-9_]+)(?:-s(?P<size>[0-9]+))?(?:-m[0-9]+)?(?:-S[0-9]+-C[0-9]+)?--"
_KEY = re.compile(_FIELDS + r"(?P<name>.+)")
# Link targets and pointers hold the key as a file name, escaped (see `_unescape`).
_KEY_FILE = _FIELDS.encode() + rb"[^/\r\n]+"
# Locked: a symlink to .git/annex/objects/Xx/Yy/KEY/KEY (any ../ depth; "xxx/yyy" in bare repos).
_LINK = re.compile(
    rb"(?:^|/)annex/objects/[0-9A-Za-z]{2,3}/[0-9A-Za-z]{2,3}/(?P<file>" + _KEY_FILE + rb")/(?P=file)\Z"
)
# The link git-annex writes in a work tree, "../../.git/annex/objects/Xx/Yy/KEY/KEY", for bulk
# parsers to embed: its groups are the key as a file name and the key's size (see `key_fields`).
# A match is what `link_key` finds; targets of other shapes must go through `link_key`.
COMMON_LINK = (
    rb"(?:\.\./)*\.git/annex/objects/[0-9A-Za-z]{2,3}/[0-9A-Za-z]{2,3}/(?P<file>[A-Z0-9_]+(?:-s(?P<size>[0-9]+))?"
    rb"(?:-m[0-9]+)?(?:-S[0-9]+-C[0-9]+)?--[^/\r\n]+)/(?P=file)"
)
# Unlocked: a blob "/annex/objects/KEY" and an optional newline, nothing else.
_POINTER = re.compile(rb"/annex/objects/(?P<file>" + _KEY_FILE + rb")\r?\n?")
_ESCAPED = re.compile(r"%|&(.?)", re.DOTALL)
_UNESCAPE = {"c": ":", "s": "%", "a": "&"}


class AnnexKey(NamedTuple):
    """A git-annex key; `size` is None when the key does not record one (e.g. most URL keys)."""

    key: str
    backend: str
    size: int | None


def parse_key(key: str) -> AnnexKey | None:
    """The parts of a key such as `SHA256E-s12345--<hash>.ext`, or None if it is not one."""
    match = _KEY.fullmatch(key)
    if match is None:
        return None
    size = match["size"]
    return AnnexKey(key, match["backend"], None if size is None else int(size))


def link_key(target: bytes) -> AnnexKey | None:
    """The key a locked file's symlink target points to, or None for any other symlink."""
    match = _LINK.search(target)
    return None if match is None else key_of(match)


def pointer_key(content: bytes) -> AnnexKey | None:
    """The key of an unlocked file's pointer blob, or None for any other content."""
    if len(content) > POINTER_MAX_SIZE:
        return None
    match = _POINTER.fullmatch(content)
    return None if match is None else key_of(match)


def file_key(path: str, info: os.stat_result) -> AnnexKey | None:
    """The key of a file on disk (lstat `info`): a locked file's link (content present or not) or pointer."""
    if stat.S_ISLNK(info.st_mode):
        return link_key(os.readlink(os.fsencode(path)))
    if stat.S_ISREG(info.st_mode) and info.st_size <= POINTER_MAX_SIZE:
        try:  # no link followed and no FIFO waited on, should the file change since the lstat
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None  # unreadable, or no longer a plain file: git-annex could not read it either
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return pointer_key(handle.read(POINTER_MAX_SIZE + 1))
    return None


def key_of(match: re.Match[bytes]) -> AnnexKey:
    """The key of a match of a pattern holding `_KEY_FILE` as the group "file"."""
    key = match["file"].decode("utf-8", "surrogateescape")
    if "%" in key or "&" in key:
        key = _unescape(key)
    size = match["size"]
    return AnnexKey(key, match["backend"].decode("ascii"), None if size is None else int(size))


def key_fields(files: Sequence[bytes], sizes: Sequence[bytes]) -> tuple[list[str | None], list[int | None]]:
    """Keys and their sizes from the groups of many COMMON_LINK matches (b"" for no size)."""
    keys: list[str | None] = list(map(str, files, repeat("utf-8"), repeat("surrogateescape")))
    joined = b"".join(files)
    if b"%" in joined or b"&" in joined:
        keys = [_unescape(key) if key and ("%" in key or "&" in key) else key for key in keys]
    return keys, [int(size) if size else None for size in sizes]


def _unescape(key_file: str) -> str:
    """Undo git-annex's file-name escaping of keys: % is /, &c is :, &s is %, &a is &."""
    return _ESCAPED.sub(lambda m: "/" if m[0] == "%" else _UNESCAPE.get(m[1], m[1]), key_file)
