"""Snapshots from git: every file of a commit (no checkout, no annexed content), or of a work tree."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterable, Iterator
from functools import partial
from operator import attrgetter
from pathlib import Path, PurePosixPath
from subprocess import PIPE
from threading import Thread
from typing import IO

from dgbot.errors import UsageError
from dgbot.snapshot import annex
from dgbot.snapshot.model import MODE_EXECUTABLE, MODE_FILE, MODE_SUBMODULE, MODE_SYMLINK, FileEntry, Snapshot

# One `git ls-tree -r -l -z` record: mode, (type), object id, size ("-" for submodules), path.
_TREE_RECORD = re.compile(rb"([0-7]+) [a-z]+ ([0-9a-f]+) +(-|[0-9]+)\t([^\0]*)\0")
_SYMLINK = b"120000"
_MODES = {m: int(m, 8) for m in (b"100644", b"100755", b"120000", b"160000")}
_BY_PATH = attrgetter("path")


def snapshot_commit(repo: Path, commit: str = "HEAD") -> Snapshot:
    """Every file of `commit` with its size, from git objects alone: no checkout, no annexed content."""
    repo = repo.absolute()
    sha = _resolve(repo, commit)
    records = _TREE_RECORD.findall(_git(repo, "ls-tree", "-r", "-l", "-z", "--full-tree", sha))
    # Link targets and possible pointers stream from cat-file while this loop builds the entries.
    contents = _cat_blobs(repo, [oid for mode, oid, size, _ in records if _maybe_annexed(mode, size)])
    files = []
    for mode, _, size, raw_path in records:
        key = None
        if _maybe_annexed(mode, size) and (content := next(contents)) is not None:
            key = annex.link_key(content) if mode == _SYMLINK else annex.pointer_key(content)
        # A submodule (DataLad subdataset) has no size here: its data is in another repository.
        blob_size = None if size == b"-" else int(size)
        path = raw_path.decode("utf-8", "surrogateescape")
        mode_bits = _MODES.get(mode) or int(mode, 8)
        if key is None:
            files.append(FileEntry(path, mode_bits, blob_size))
        else:
            files.append(FileEntry(path, mode_bits, key.size, key.key))
    for _ in contents:  # every answer is read; this lets cat-file exit and its feeder finish
        pass
    files.sort(key=_BY_PATH)  # git's order is byte order; str order differs for undecodable names
    return Snapshot(repo, sha, tuple(files), partial(_read_blob, repo, sha))


def snapshot_worktree(root: Path) -> Snapshot:
    """The files on disk: tracked and untracked-but-not-ignored ones at a work tree's top, else all."""
    root = root.resolve()
    if not root.is_dir():
        raise UsageError(f"not a folder: {root}")
    paths = _listed(root) if _is_worktree_top(root) else _walked(root)
    files = [entry for path in sorted(set(paths)) if (entry := _disk_entry(root, path)) is not None]
    return Snapshot(root, None, tuple(files), partial(_read_file, root))


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Output of one git command, or a UsageError carrying git's own explanation."""
    command = ["git", "-c", "core.quotepath=off", "-C", str(repo), *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except OSError as error:
        raise UsageError(f"cannot run git: {error}") from error
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        raise UsageError(f"git {args[0]} failed in {repo}: {reason}")
    return done.stdout


def _resolve(repo: Path, commit: str) -> str:
    if not repo.is_dir():
        raise UsageError(f"not a folder: {repo}")
    try:
        prefix = _git(repo, "rev-parse", "--show-prefix").strip()  # empty at the top, and in bare ones
    except UsageError as error:
        raise UsageError(f"not a git repository: {repo}") from error
    if prefix:  # ls-tree --full-tree would list the whole enclosing repository
        raise UsageError(
            f"{repo} is the folder {prefix.decode('utf-8', 'replace')} of a repository, not its top"
        )
    try:
        found = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{commit}^{{commit}}")
    except UsageError as error:
        raise UsageError(f"no commit {commit!r} in {repo}") from error
    return found.decode("ascii").strip()


def _maybe_annexed(mode: bytes, size: bytes) -> bool:
    """A symlink (locked file?) or a blob small enough to be a pointer (unlocked file?)."""
    return mode == _SYMLINK or (mode[:3] == b"100" and len(size) <= 3 and int(size) <= annex.POINTER_MAX_SIZE)


def _cat_blobs(repo: Path, oids: list[bytes]) -> Iterator[bytes | None]:
    """Contents of blobs in the order asked (None if missing), streamed from one `git cat-file --batch`."""
    if not oids:
        return
    command = ["git", "-C", str(repo), "cat-file", "--batch", "--buffer"]
    with subprocess.Popen(command, stdin=PIPE, stdout=PIPE, stderr=PIPE, bufsize=1 << 16) as process:
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        # Fed from a thread: git answers while it reads, so neither side may wait on a full pipe.
        feeder = Thread(target=_feed, args=(process.stdin, b"".join(oid + b"\n" for oid in oids)))
        feeder.start()
        for _ in oids:
            header = process.stdout.readline().split()  # "<oid> blob <size>" or "<oid> missing"
            if not header:
                reason = process.stderr.read().decode("utf-8", "replace").strip()
                raise UsageError(f"git cat-file failed in {repo}: {reason or 'no output'}")
            yield process.stdout.read(int(header[2]) + 1)[:-1] if len(header) == 3 else None
    feeder.join()


def _feed(pipe: IO[bytes], data: bytes) -> None:
    try:
        with pipe:
            pipe.write(data)
    except BrokenPipeError:
        pass  # git stopped early; the reader reports why


def _read_blob(repo: Path, sha: str, path: str) -> bytes | None:
    """Bytes git stores for `path` at commit `sha` (a symlink's target), None when absent."""
    spec = sha.encode() + b":" + _relative(path).as_posix().encode("utf-8", "surrogateescape")
    done = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "blob", spec], capture_output=True, check=False
    )
    return done.stdout if done.returncode == 0 else None


def _is_worktree_top(root: Path) -> bool:
    try:
        top = _git(root, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    except UsageError:
        return False  # a plain folder (or one inside .git): walk it
    return Path(top).resolve() == root


def _listed(root: Path) -> Iterable[str]:
    listing = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    # Untracked nested repositories are listed as "sub/"; they become submodule-like entries.
    return (p.decode("utf-8", "surrogateescape").rstrip("/") for p in listing.split(b"\0") if p)


def _walked(root: Path, prefix: str = "") -> Iterator[str]:
    with os.scandir(root / prefix) as items:
        for item in items:
            if item.name == ".git":
                continue
            if item.is_dir(follow_symlinks=False):
                yield from _walked(root, f"{prefix}{item.name}/")
            else:
                yield f"{prefix}{item.name}"


def _disk_entry(root: Path, path: str) -> FileEntry | None:
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


def _read_file(root: Path, path: str) -> bytes | None:
    """Bytes git would store for `path` on disk (a symlink's target), None when absent."""
    full = root.joinpath(*_relative(path).parts)
    if not full.parent.resolve().is_relative_to(root):
        raise UsageError(f"path leaves the repository through a symlink: {path}")
    try:
        if full.is_symlink():
            return os.readlink(os.fsencode(full))
        return full.read_bytes() if full.is_file() else None
    except OSError:
        return None


def _relative(path: str) -> PurePosixPath:
    """`path` as a relative path inside the repository, or a UsageError."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise UsageError(f"path outside the repository: {path!r}")
    return relative
