"""Snapshots of a work tree: the files on disk, each judged from the disk itself.

git's index says what each tracked file was when it was added; it only chooses the one
system call that judges a file fastest: a readlink for a tracked symlink (most files of a
dataset: locked annexed files), whose answer proves it is a symlink still and gives its
target, where the key is. Every other file, a readlink that fails (the file changed kind,
or is gone) and every untracked file get the full judgement of `disk_entry` (lstat, then
the link or the pointer), so nothing the index says is taken for what is on disk.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from functools import partial
from itertools import repeat
from operator import attrgetter
from pathlib import Path

from dgbot.errors import UsageError
from dgbot.snapshot import annex
from dgbot.snapshot.git import _git, _read_file
from dgbot.snapshot.model import MODE_EXECUTABLE, MODE_FILE, MODE_SUBMODULE, MODE_SYMLINK, FileEntry, Snapshot

_SYMLINK = b"120000"
_BY_PATH = attrgetter("path")
_ENTRY = partial(tuple.__new__, FileEntry)  # FileEntry from a tuple of its fields, at C speed
# One target per line: a link of the usual shape (its key's file name and size as groups),
# or any other line (empty groups), which `annex.link_key` then reads on its own.
_TARGET_LINE = re.compile(rb"(?m)^(?:" + annex.COMMON_LINK + rb"$|[^\n]*$)")


def snapshot_worktree(root: Path) -> Snapshot:
    """The files on disk: tracked and untracked-but-not-ignored ones at a work tree's top, else all."""
    root = root.resolve()
    if not root.is_dir():
        raise UsageError(f"not a folder: {root}")
    if _is_worktree_top(root):
        files = _indexed(root)
    else:
        files = [
            entry for path in sorted(set(_walked(root))) if (entry := disk_entry(root, path)) is not None
        ]
    return Snapshot(root, None, tuple(files), partial(_read_file, root))


def _is_worktree_top(root: Path) -> bool:
    try:
        top = _git(root, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    except UsageError:
        return False  # a plain folder (or one inside .git): walk it
    return Path(top).resolve() == root


def _path(raw: bytes) -> str:
    # Untracked nested repositories are listed as "sub/"; they become submodule-like entries.
    return raw.decode("utf-8", "surrogateescape").rstrip("/")


def _indexed(root: Path) -> list[FileEntry]:
    """The files of a work tree, tracked symlinks read with one readlink each (see the module)."""
    with tempfile.TemporaryFile() as others_out, tempfile.TemporaryFile() as others_err:
        # git lists the untracked files (a walk of every folder) while Python reads the links
        command = ["git", "-C", str(root), "ls-files", "-z", "--others", "--exclude-standard"]
        try:
            others = subprocess.Popen(command, stdout=others_out, stderr=others_err)
        except OSError as error:
            raise UsageError(f"cannot run git: {error}") from error
        try:
            links, rest = _tracked(root)
            entries = _links(root, links, rest)
        finally:
            code = others.wait()
        if code != 0:
            others_err.seek(0)
            reason = others_err.read().decode("utf-8", "replace").strip() or f"exit code {code}"
            raise UsageError(f"git ls-files failed in {root}: {reason}")
        others_out.seek(0)
        rest.extend(p for p in others_out.read().split(b"\0") if p)
    paths = sorted({_path(p) for p in rest}.difference(entry.path for entry in entries))
    entries.extend(entry for path in paths if (entry := disk_entry(root, path)) is not None)
    entries.sort(key=_BY_PATH)
    return entries


def _tracked(root: Path) -> tuple[list[bytes], list[bytes]]:
    """The paths of the index: those git holds as symlinks, and all others."""
    listing = _git(root, "ls-files", "-z", "--stage")
    links: list[bytes] = []
    rest: list[bytes] = []
    for record in listing.split(b"\0"):
        meta, _, path = record.partition(b"\t")  # "<mode> <object> <stage>", a tab, the path
        if path:
            (links if meta[:6] == _SYMLINK else rest).append(path)
    if any(stage in listing for stage in (b" 1\t", b" 2\t", b" 3\t")):  # a conflict: a path per side
        links = list(dict.fromkeys(links))
    return links, rest


def _links(root: Path, links: list[bytes], rest: list[bytes]) -> list[FileEntry]:
    """Entries of the tracked symlinks that are symlinks on disk; the others go to `rest`."""
    top = os.fsencode(root) + b"/"
    read: list[bytes] = []
    targets: list[bytes] = []
    readlink = os.readlink
    for path in links:
        try:
            targets.append(readlink(top + path))
        except OSError:  # no longer a symlink, or gone: judged by disk_entry
            rest.append(path)
        else:
            read.append(path)
    keys, sizes = _target_keys(targets)
    if None in keys:  # a link that is not git-annex's: its size is its target's
        sizes = [
            len(target) if key is None else size
            for target, key, size in zip(targets, keys, sizes, strict=True)
        ]
    paths = map(str, read, repeat("utf-8"), repeat("surrogateescape"))  # a tracked path never ends with /
    return list(map(_ENTRY, zip(paths, repeat(MODE_SYMLINK), sizes, keys)))


def _target_keys(targets: list[bytes]) -> tuple[list[str | None], list[int | None]]:
    """The key (None for a link that is not git-annex's) and key size of each symlink target."""
    joined = b"\n".join(targets)
    found = _TARGET_LINE.findall(joined) if joined.count(b"\n") == len(targets) - 1 else []
    if len(found) != len(targets):  # some target holds a newline: each is read on its own
        found = [(b"", b"")] * len(targets)
    files, key_sizes = zip(*found, strict=True) if found else ((), ())
    keys, sizes = annex.key_fields(files, key_sizes)
    for index, file in enumerate(files):
        if not file:  # not of the usual shape: perhaps another link git-annex reads
            key = annex.link_key(targets[index])
            keys[index], sizes[index] = (None, None) if key is None else (key.key, key.size)
    return keys, sizes


def _walked(root: Path, prefix: str = "") -> Iterator[str]:
    with os.scandir(root / prefix) as items:
        for item in items:
            if item.name == ".git":
                continue
            if item.is_dir(follow_symlinks=False):
                yield from _walked(root, f"{prefix}{item.name}/")
            else:
                yield f"{prefix}{item.name}"


def disk_entry(root: Path, path: str) -> FileEntry | None:
    """A file on disk as git would record it; annexed ones (link or pointer) sized from the key."""
    full = os.path.join(root, path)
    try:
        info = os.lstat(full)
        key = annex.file_key(full, info)
    except FileNotFoundError:
        return None  # tracked, but deleted from the work tree
    if stat.S_ISDIR(info.st_mode):
        return FileEntry(path, MODE_SUBMODULE, None)  # a submodule or nested repository
    if stat.S_ISLNK(info.st_mode):
        mode = MODE_SYMLINK
    elif stat.S_ISREG(info.st_mode):
        mode = MODE_EXECUTABLE if info.st_mode & stat.S_IXUSR else MODE_FILE
    else:
        return None  # sockets, fifos: git does not track them
    if key is not None:
        return FileEntry(path, mode, key.size, key.key)
    return FileEntry(path, mode, info.st_size)
