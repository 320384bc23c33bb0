"""Snapshots from git: every file of a commit, with no checkout and no annexed content."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import repeat
from pathlib import Path, PurePosixPath

from dgbot.errors import UnsafePathError, UsageError
from dgbot.fs.read import open_regular
from dgbot.snapshot import annex
from dgbot.snapshot.catfile import Blobs, CatFiles, contents
from dgbot.snapshot.model import FileEntry, Snapshot

# One `git ls-tree -r -l -z` record: mode, (type), object id, size, path. The size is "-" for
# submodules and "BAD" for an object missing from the repository (a damaged or partial clone).
_TREE_RECORD = re.compile(rb"([0-7]+) [a-z]+ ([0-9a-f]+) +(-|BAD|[0-9]+)\t([^\0]*)\0")
_NO_SIZE = (b"-", b"BAD")
_SYMLINK = b"120000"
_MODES = {m: int(m, 8) for m in (b"100644", b"100755", b"120000", b"160000")}
_ENTRY = partial(tuple.__new__, FileEntry)  # FileEntry from a tuple of its fields, at C speed
# An answer of the usual link shape, a size line then the target on one line (see _common_links).
_LINK_ANSWER = re.compile(rb"(?m)^[0-9]+\n" + annex.COMMON_LINK + rb"$")
# Links are read by cat-file processes, one per part: about _PARTS parts, none smaller than this.
_LINKS_PER_PROCESS = 10_000
_PARTS = 8


def snapshot_commit(repo: Path, commit: str = "HEAD") -> Snapshot:
    """Every file of `commit` with its size, from git objects alone: no checkout, no annexed content.

    `git ls-tree` lists the tree; `git cat-file` reads the symlinks (locked files?) and the
    blobs small enough to be pointers (unlocked files?), the many links of a large dataset
    split over parallel processes. Both write to temporary files, not pipes Python must
    pump, and their output is parsed a column at a time: datasets hold millions of files.
    """
    repo = repo.absolute()
    sha = _resolve(repo, commit)
    listing = _git(repo, "ls-tree", "-r", "-l", "-z", "--full-tree", sha)
    with _no_collection(), CatFiles(repo, [], _cpus()) as answers:
        records, parts = _parse_listing(listing, answers)
        del listing
        modes, oids, blob_sizes, raw_paths = zip(*records, strict=True) if records else ((), (), (), ())
        del records
        small = [
            i
            for i, (mode, size) in enumerate(zip(modes, blob_sizes, strict=True))
            if len(size) <= 3
            and mode[:3] == b"100"
            and size.isdigit()
            and int(size) <= annex.POINTER_MAX_SIZE
        ]
        answers.add([oids[i] for i in small])
        # While git reads the blobs: the columns that need none.
        links = [i for i, mode in enumerate(modes) if mode == _SYMLINK]
        paths = list(map(str, raw_paths, repeat("utf-8"), repeat("surrogateescape")))
        mode_bits = list(map(_MODES.get, modes))
        if None in mode_bits:  # a mode git does not write today
            mode_bits = [bits or int(mode, 8) for bits, mode in zip(mode_bits, modes, strict=True)]
        # No size for a submodule (a DataLad subdataset: its data is in another repository) or a
        # missing object: such files are counted as of unknown size, never as empty.
        if any(size in blob_sizes for size in _NO_SIZE):
            sizes: list[int | None] = [None if size in _NO_SIZE else int(size) for size in blob_sizes]
        else:
            sizes = list(map(int, blob_sizes))
        keys: list[str | None] = [None] * len(paths)
        for part in parts:  # each parsed while git reads the next ones
            _set_keys(links[part], _link_keys(repo, next(answers), part.stop - part.start), keys, sizes)
        pointers = contents(repo, next(answers), len(small))
        found = [None if content is None else annex.pointer_key(content) for content in pointers]
        _set_keys(small, ([k and k.key for k in found], [k and k.size for k in found]), keys, sizes)
        files = list(map(_ENTRY, zip(paths, mode_bits, sizes, keys, strict=True)))
    ordered, ids = _sorted(files, paths, oids)
    blobs = Blobs(repo, ordered, b"".join(ids), len(ids[0]) if ids else 0)
    return Snapshot(repo, sha, ordered, partial(_read_blob, repo, sha), blobs)


def _sorted(
    files: list[FileEntry], paths: list[str], oids: Sequence[bytes]
) -> tuple[tuple[FileEntry, ...], Sequence[bytes]]:
    """The files, and their object ids, in path order."""
    # git's order is byte order; str order differs from it for undecodable names
    if paths == sorted(paths):
        return tuple(files), oids
    order = sorted(range(len(paths)), key=paths.__getitem__)
    return tuple(files[i] for i in order), [oids[i] for i in order]


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Output of one git command, or a UsageError carrying git's own explanation."""
    command = ["git", "-c", "core.quotepath=off", "-C", str(repo), *args]
    # Output goes to a file: a listing of a large tree would otherwise cost Python a pipe read per 4 KiB.
    with tempfile.TemporaryFile() as output:
        try:
            done = subprocess.run(command, input=stdin, stdout=output, stderr=subprocess.PIPE, check=False)
        except OSError as error:
            raise UsageError(f"cannot run git: {error}") from error
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
            raise UsageError(f"git {args[0]} failed in {repo}: {reason}")
        output.seek(0)
        return output.read()


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


def _parse_listing(listing: bytes, answers: CatFiles) -> tuple[list[tuple[bytes, ...]], list[slice]]:
    """The records of an `ls-tree -z` listing, parsed a chunk at a time: each chunk's links go
    to cat-file (in parts of at least _LINKS_PER_PROCESS) before the next chunk is parsed.

    Returns the records and, for each part, where its links are among all the links.
    """
    records: list[tuple[bytes, ...]] = []
    parts: list[slice] = []
    waiting: list[bytes] = []
    step = max(1, len(listing) // _PARTS)
    start = 0
    while start < len(listing):
        end = listing.find(b"\0", start + step) + 1 or len(listing)  # a chunk ends after a record
        chunk = _TREE_RECORD.findall(listing, start, end)
        records.extend(chunk)
        waiting.extend(oid for mode, oid, _, _ in chunk if mode == _SYMLINK)
        start = end
        if len(waiting) >= _LINKS_PER_PROCESS or (start >= len(listing) and waiting):
            done = parts[-1].stop if parts else 0
            parts.append(slice(done, done + len(waiting)))
            answers.add(waiting)
            waiting = []
    return records, parts


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def _no_collection() -> Iterator[None]:
    """No cyclic garbage collection while a snapshot's many acyclic tuples are built.

    Each few hundred new tuples would start a collection pass over the ones before, which
    for a million files costs more than building them; none of them can form a cycle.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _set_keys(
    indices: list[int],
    found: tuple[list[str | None], list[int | None]],
    keys: list[str | None],
    sizes: list[int | None],
) -> None:
    """Give the files at `indices` the keys found (and the keys' sizes), where a key was found."""
    for index, key, size in zip(indices, *found, strict=True):
        if key is not None:
            keys[index], sizes[index] = key, size


def _link_keys(repo: Path, output: bytes, count: int) -> tuple[list[str | None], list[int | None]]:
    """Keys and key sizes of `count` answers for symlinks (None for a link that is not git-annex's)."""
    common = _common_links(output, count)
    if common is not None:
        return common
    found = [None if c is None else annex.link_key(c) for c in contents(repo, output, count)]
    return [k and k.key for k in found], [k and k.size for k in found]


def _common_links(output: bytes, count: int) -> tuple[list[str | None], list[int | None]] | None:
    """Keys and key sizes of `count` answers when every one is a link of the usual shape, else None.

    The answers are one size line and one target line each exactly when no blob is missing
    and the output holds two newlines per answer (no target holds one); then one regex pass
    over the lines finds every key, or some answer is of another shape.
    """
    if output.count(b"\n") != 2 * count or b" missing\n" in output:
        return None
    found = _LINK_ANSWER.findall(output)
    if len(found) != count:
        return None
    files, key_sizes = zip(*found, strict=True) if found else ((), ())
    return annex.key_fields(files, key_sizes)


def _read_blob(repo: Path, sha: str, path: str) -> bytes | None:
    """Bytes git stores for `path` at commit `sha` (a symlink's target), None when absent."""
    spec = sha.encode() + b":" + _relative(path).as_posix().encode("utf-8", "surrogateescape")
    done = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "blob", spec], capture_output=True, check=False
    )
    return done.stdout if done.returncode == 0 else None


READ_LIMIT = 64 * 1024 * 1024  # checks read small files (plan, LICENSE, metadata, table heads)


def _read_file(root: Path, path: str) -> bytes | None:
    """Bytes git would store for `path` on disk (a symlink's target), None when absent."""
    full = root.joinpath(*_relative(path).parts)
    if not full.parent.resolve().is_relative_to(root):
        raise UsageError(f"path leaves the repository through a symlink: {path}")
    try:
        if full.is_symlink():
            return os.readlink(os.fsencode(full))
        with open_regular(root, path) as handle:  # a FIFO or device: git would store nothing
            return handle.read(READ_LIMIT + 1)  # past the limit: the start, one byte over
    except (OSError, UnsafePathError):
        return None


def _relative(path: str) -> PurePosixPath:
    """`path` as a relative path inside the repository, or a UsageError."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise UsageError(f"path outside the repository: {path!r}")
    return relative
