"""The one way dgbot writes: inside a folder it is given, never through a symbolic link, all or nothing.

Every folder between that root and the target is opened with O_NOFOLLOW and the next one is reached
through the open descriptor, so a committed link (or one swapped in meanwhile) is refused, never
followed. The file is written under a random name made with O_EXCL|O_NOFOLLOW in its own folder and
renamed over the target there: a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dgbot.errors import UnsafePathError, UsageError
from dgbot.words import _

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def inside(path: Path, root: Path) -> bool:
    """Whether `path` lies in `root` as written; links are not resolved (the writes refuse them)."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return relative == "." or PurePosixPath(relative).parts[0] != ".."


def boundary(folder: Path, repository: Path) -> Path:
    """The folder a write into `folder` must stay inside: the repository when `folder` is in it.

    Outside the repository `folder` is one the user named on the command line, trusted as named.
    """
    return repository if inside(folder, repository) else folder


def write_file(root: Path, target: Path, data: str | bytes, *, sync: bool = True) -> None:
    """Write `data` (text as UTF-8, unencodable characters escaped) to `target`, which lies in `root`.

    `sync=False` skips the fsync, for files of a `staged_folder` (the folder's rename is what counts).
    """
    raw = data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data
    _write(root, target, lambda out: out.write(raw), sync)


def copy_file(root: Path, target: Path, source: Path | BinaryIO, *, sync: bool = True) -> None:
    """Copy the file `source` (its bytes, permission bits and times) to `target`, which lies in `root`.

    `source` may be a file already opened by `dgbot.fs.read` (repository content: never a link out).
    """

    def fill(out: BinaryIO) -> None:
        with source.open("rb") if isinstance(source, Path) else contextlib.nullcontext(source) as given:
            shutil.copyfileobj(given, out)
            status = os.fstat(given.fileno())
        out.flush()  # before the times are set: a later write would make them now
        os.fchmod(out.fileno(), stat.S_IMODE(status.st_mode))
        os.utime(out.fileno(), ns=(status.st_atime_ns, status.st_mtime_ns))

    _write(root, target, fill, sync)


def remove_file(root: Path, target: Path) -> None:
    """Remove the file (or link) `target` from its folder in `root`; what a link points to is left alone."""
    *folders, name = _parts(root, target)
    with _opened(root, target, folders, create=False) as folder:
        os.unlink(name, dir_fd=folder)


def make_folder(root: Path, target: Path) -> None:
    """Create the folder `target` in `root` with its parents; a link on the way is refused."""
    with _opened(root, target, _parts(root, target, allow_root=True), create=True):
        pass


@contextlib.contextmanager
def staged_folder(root: Path, target: Path, marker: str) -> Iterator[Path]:
    """A new folder beside `target`, put in its place when the block ends well, removed when not.

    An existing `target` is replaced only when it is a folder holding the file `marker` (one dgbot wrote).
    """
    *folders, name = _parts(root, target)
    with _opened(root, target, folders, create=True) as folder:
        staging = _random_name(name)
        os.mkdir(staging, dir_fd=folder)
        try:
            yield target.parent / staging
            _replace_folder(folder, staging, name, target, marker)
        except BaseException:
            shutil.rmtree(staging, dir_fd=folder, ignore_errors=True)
            raise


def _replace_folder(folder: int, staging: str, name: str, target: Path, marker: str) -> None:
    old = _status(folder, name)
    if old is None:
        os.replace(staging, name, src_dir_fd=folder, dst_dir_fd=folder)
        return
    _refuse_link(folder, name, old, str(target))
    if not stat.S_ISDIR(old.st_mode) or not _holds_file(folder, name, marker):
        said = _("{target} exists and is not a folder dgbot wrote (no {marker}); choose another")
        raise UsageError(said.format(target=target, marker=marker))
    aside = _random_name(name, "dgbot-old")
    os.replace(name, aside, src_dir_fd=folder, dst_dir_fd=folder)
    os.replace(staging, name, src_dir_fd=folder, dst_dir_fd=folder)
    shutil.rmtree(aside, dir_fd=folder)


def _holds_file(folder: int, name: str, marker: str) -> bool:
    inner = os.open(name, _FOLDER, dir_fd=folder)
    try:
        found = _status(inner, marker)
    finally:
        os.close(inner)
    return found is not None and stat.S_ISREG(found.st_mode)


def _write(root: Path, target: Path, fill: Callable[[BinaryIO], object], sync: bool) -> None:
    *folders, name = _parts(root, target)
    with _opened(root, target, folders, create=True) as folder:
        existing = _status(folder, name)
        if existing is not None:
            shown = _shown(folders, name)
            _refuse_link(folder, name, existing, shown)
            if not stat.S_ISREG(existing.st_mode):
                raise _refused(shown, _("{path}: is not a regular file; dgbot replaces only files"))
        temporary = _random_name(name)
        try:
            with os.fdopen(os.open(temporary, _NEW_FILE, 0o666, dir_fd=folder), "wb") as out:
                fill(out)
                out.flush()
                if sync:  # the rename must not reach the disk before the data does
                    os.fsync(out.fileno())
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise


def _parts(root: Path, target: Path, allow_root: bool = False) -> list[str]:
    """The names from `root` down to `target`; `..` leading out of `root` is refused."""
    relative = os.path.relpath(os.path.abspath(target), os.path.abspath(root))
    parts = [] if relative == "." else list(PurePosixPath(relative).parts)
    if parts[:1] == [".."]:
        said = _("{target}: leads outside {root}; dgbot writes only in it").format(target=target, root=root)
        raise UnsafePathError(said, path=str(target))
    if not parts and not allow_root:
        raise UsageError(_("{target} is a folder, not a file").format(target=target))
    return parts


@contextlib.contextmanager
def _opened(root: Path, target: Path, folders: list[str], create: bool) -> Iterator[int]:
    """A descriptor of the folder `root`/`folders`, reached without following a link; OS errors located."""
    try:
        os.makedirs(root, exist_ok=True)  # the root itself is trusted: the repository or a folder named
        folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for depth, name in enumerate(folders):
                inner = _step(folder, name, _shown(folders[:depth], name), create)
                os.close(folder)
                folder = inner
            yield folder
        finally:
            os.close(folder)
    except OSError as exc:
        raise UsageError(
            _("cannot write {target}: {reason}").format(target=target, reason=exc.strerror or exc)
        ) from exc


def _step(folder: int, name: str, shown: str, create: bool) -> int:
    """Open the folder `name` in `folder` without following a link; made first when missing."""
    for attempt in range(2):
        try:
            return os.open(name, _FOLDER, dir_fd=folder)
        except FileNotFoundError:
            if not create or attempt:
                raise
            with contextlib.suppress(FileExistsError):  # made meanwhile: opened (or refused) next
                os.mkdir(name, dir_fd=folder)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            status = _status(folder, name)
            if status is not None:
                _refuse_link(folder, name, status, shown)
            raise _refused(shown, _("{path}: is not a folder; dgbot writes only in folders")) from None
    raise AssertionError("unreachable")


def _refuse_link(folder: int, name: str, status: os.stat_result, shown: str) -> None:
    if stat.S_ISLNK(status.st_mode):
        to = os.readlink(name, dir_fd=folder)
        said = _("{path}: is a symbolic link (to {target}); dgbot never writes through one")
        raise _refused(shown, said, target=to)


def _refused(shown: str, message: str, **fields: str) -> UnsafePathError:
    """`message` (a template with {path}) about the path `shown`."""
    return UnsafePathError(message.format(path=shown, **fields), path=shown)


def _status(folder: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _shown(folders: list[str], name: str) -> str:
    return "/".join([*folders, name])


def _random_name(name: str, suffix: str = "dgbot-tmp") -> str:
    """A name nobody can plant beforehand; kept short enough for any file system."""
    return f".{name[:100]}.{secrets.token_hex(8)}.{suffix}"
