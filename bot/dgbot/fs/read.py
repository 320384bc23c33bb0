"""Reading repository content: regular files inside the repository only, bounded in size and time.

Every component is opened relative to its folder with `O_NOFOLLOW`, so a symlink swapped in
between a check and the open is refused too. With `follow=True` a symlink is read when it
resolves to a regular file inside the repository (never into `.git`, except git-annex's
objects, which locked annexed files point to).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dgbot.errors import UnsafePathError
from dgbot.words import N_, _

CHUNK = 1 << 20
ANNEX_OBJECTS = (".git", "annex", "objects")
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
# O_NONBLOCK: opening a FIFO swapped in after the lstat returns at once instead of waiting.
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | _CLOEXEC
_KINDS = {
    stat.S_IFIFO: N_("{path} is a named pipe (FIFO); dgbot reads only regular files"),
    stat.S_IFCHR: N_("{path} is a character device; dgbot reads only regular files"),
    stat.S_IFBLK: N_("{path} is a block device; dgbot reads only regular files"),
    stat.S_IFSOCK: N_("{path} is a socket; dgbot reads only regular files"),
    stat.S_IFDIR: N_("{path} is a folder; dgbot reads only regular files"),
}


class TooLargeError(UnsafePathError):
    """A file over the size limit of what dgbot reads of it."""

    def __init__(self, path: str, size: int, limit: int):
        said = _("{path} is {size} bytes; dgbot reads at most {limit} bytes of it")
        super().__init__(said.format(path=path, size=size, limit=limit), path=path)
        self.size = size
        self.limit = limit


def relative_parts(relpath: str) -> tuple[str, ...]:
    """The components of a repository-relative path; UnsafePathError when it is absolute or climbs."""
    path = PurePosixPath(relpath)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        said = _("{path} is not a path inside the repository").format(path=repr(relpath))
        raise UnsafePathError(said, path=relpath)
    return path.parts


@contextmanager
def open_regular(root: Path, relpath: str, follow: bool = False) -> Iterator[BinaryIO]:
    """`relpath` under `root` opened for reading, when it is a regular file reached through no symlink.

    With `follow`, a symlink anywhere on the path is allowed when it resolves inside the repository.
    """
    top, parts = _resolved(root, relpath) if follow else (root, relative_parts(relpath))
    with os.fdopen(_open(top, parts, relpath), "rb") as handle:
        yield handle


def check_regular(root: Path, relpath: str, follow: bool = False) -> None:
    """UnsafePathError (or OSError when absent) unless `open_regular` would open `relpath`."""
    with open_regular(root, relpath, follow):
        pass


def read_regular(root: Path, relpath: str, limit: int, follow: bool = False) -> bytes:
    """The bytes of a regular file inside the repository; TooLargeError over `limit` bytes."""
    with open_regular(root, relpath, follow) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise TooLargeError(relpath, size, limit)
        raw = handle.read(limit + 1)  # the file may grow after the fstat
    if len(raw) > limit:
        raise TooLargeError(relpath, len(raw), limit)
    return raw


def hash_regular(root: Path, relpath: str, deadline: float, follow: bool = True) -> str | None:
    """SHA-256 of a regular file inside the repository; None when `deadline` (monotonic) passes first."""
    digest = hashlib.sha256()
    with open_regular(root, relpath, follow) as handle:
        while time.monotonic() < deadline:
            chunk = handle.read(CHUNK)
            if not chunk:
                return digest.hexdigest()
            digest.update(chunk)
    return None


def _resolved(root: Path, relpath: str) -> tuple[Path, tuple[str, ...]]:
    """The resolved root and the path's components after its symlinks, refused when they leave it."""
    top = root.resolve()
    target = Path(os.path.realpath(top.joinpath(*relative_parts(relpath))))
    if target == top or not target.is_relative_to(top):
        said = _("{path} is a symbolic link that leads outside the repository; dgbot never reads through one")
        raise UnsafePathError(said.format(path=relpath), path=relpath)
    parts = target.relative_to(top).parts
    if parts[0] == ".git" and parts[:3] != ANNEX_OBJECTS:
        said = _("{path} is a symbolic link into .git; dgbot never reads through one").format(path=relpath)
        raise UnsafePathError(said, path=relpath)
    return top, parts


def _open(root: Path, parts: tuple[str, ...], shown: str) -> int:
    """A descriptor of the regular file `parts` under `root`, opened one component at a time."""
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)  # the root: named by the caller
    try:
        for index, part in enumerate(parts[:-1]):
            _refuse("/".join(parts[: index + 1]), os.stat(part, dir_fd=folder, follow_symlinks=False), shown)
            inner = os.open(part, _FOLDER, dir_fd=folder)
            os.close(folder)
            folder = inner
        _refuse(None, os.stat(parts[-1], dir_fd=folder, follow_symlinks=False), shown)
        fd = os.open(parts[-1], _FILE, dir_fd=folder)
    except NotADirectoryError:  # a component was swapped for a symlink after its lstat
        said = _("{path} is reached through a symbolic link; dgbot never reads through one").format(
            path=shown
        )
        raise UnsafePathError(said, path=shown) from None
    finally:
        os.close(folder)
    try:
        _refuse(None, os.fstat(fd), shown)
    except UnsafePathError:
        os.close(fd)
        raise
    return fd


def _refuse(parent: str | None, info: os.stat_result, shown: str) -> None:
    """Refuse a symlink, or anything but a folder (`parent`) or a regular file (the file itself)."""
    kind = stat.S_IFMT(info.st_mode)
    where = f"{shown}: {parent}" if parent is not None else shown
    if kind == stat.S_IFLNK:
        said = _("{path} is a symbolic link; dgbot never reads through one").format(path=where)
        raise UnsafePathError(said, path=shown)
    if parent is not None and kind != stat.S_IFDIR:
        raise FileNotFoundError(errno.ENOENT, "no such file", shown)  # "LICENSE/x": absent
    if parent is None and kind != stat.S_IFREG:
        said = (
            _(_KINDS[kind])
            if kind in _KINDS
            else _("{path} is not a regular file; dgbot reads only regular files")
        )
        raise UnsafePathError(said.format(path=where), path=shown)
