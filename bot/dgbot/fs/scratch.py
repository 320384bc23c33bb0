"""A private copy of a work tree for a re-run to write in, so the repository's own files are never rewritten.

Files are copied (bytes, permission bits and times, through `dgbot.fs.read`: regular files only);
links are made again as they are, except git-annex's links into `.git/annex/objects`, which point
at the repository's object (read-only, never copied) by its absolute path. `.git` is not copied.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from dgbot.errors import UnsafePathError
from dgbot.fs.read import open_regular
from dgbot.fs.write import copy_file, make_folder

ANNEX_OBJECTS = ".git/annex/objects/"


@contextlib.contextmanager
def scratch_copy(root: Path, paths: Iterable[str]) -> Iterator[Path]:
    """A folder named like `root` in a private temporary folder, holding copies of `paths`; removed after."""
    with tempfile.TemporaryDirectory(prefix="dgbot-rerun-", ignore_cleanup_errors=True) as private:
        copy = Path(private) / (Path(os.path.abspath(root)).name or "repository")
        make_folder(Path(private), copy)
        for path in paths:
            _copy_one(root, copy, path)
        yield copy


def _copy_one(root: Path, copy: Path, path: str) -> None:
    source, target = root / path, copy / path
    try:
        info = os.lstat(source)
        if stat.S_ISLNK(info.st_mode):
            text = os.readlink(source)
            if ANNEX_OBJECTS in text:  # the annexed content stays where it is, read-only
                text = os.path.realpath(source)
            make_folder(copy, target.parent)
            os.symlink(text, target)
            os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
        elif stat.S_ISREG(info.st_mode):
            with open_regular(root, path) as handle:
                copy_file(copy, target, handle, sync=False)
    except (UnsafePathError, FileNotFoundError):
        return  # a path through a link, or gone meanwhile: the re-run does without it
