"""A private copy of a work tree for a re-run to write in, so the repository's own files are never rewritten.

Files are copied (bytes, permission bits and times, through `dgbot.fs.read`: regular files only);
links are made again as they are. git-annex's links into `.git/annex/objects` are the exception:
in the input folders (read, never written) a link to the repository's object by its absolute
path; elsewhere the content is copied, so a notebook rewriting it writes its own copy and never
the repository's object; a link whose content is absent keeps its text and leads nowhere.
`.git` is not copied.
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
def scratch_copy(root: Path, paths: Iterable[str], inputs: tuple[str, ...] = ()) -> Iterator[Path]:
    """A folder named like `root` in a private temporary folder, holding copies of `paths`; removed after.

    `inputs`: the folders whose annexed files stay links to the repository's objects.
    """
    with tempfile.TemporaryDirectory(prefix="dgbot-rerun-", ignore_cleanup_errors=True) as private:
        copy = Path(private) / (Path(os.path.abspath(root)).name or "repository")
        make_folder(Path(private), copy)
        prefixes = tuple(f"{folder.strip('/')}/" for folder in inputs)
        for path in paths:
            _copy_one(root, copy, path, path.startswith(prefixes))
        yield copy


def _copy_one(root: Path, copy: Path, path: str, input_file: bool) -> None:
    source, target = root / path, copy / path
    try:
        info = os.lstat(source)
        if stat.S_ISLNK(info.st_mode):
            text = os.readlink(source)
            annexed = ANNEX_OBJECTS in text
            if annexed and os.path.exists(source) and not input_file:
                with open_regular(
                    root, path, follow=True
                ) as handle:  # git-annex's object, inside the repository
                    copy_file(copy, target, handle, sync=False)
                return
            make_folder(copy, target.parent)
            os.symlink(os.path.realpath(source) if annexed and input_file else text, target)
            os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
        elif stat.S_ISREG(info.st_mode):
            with open_regular(root, path) as handle:
                copy_file(copy, target, handle, sync=False)
    except (UnsafePathError, FileNotFoundError):
        return  # a path through a link, or gone meanwhile: the re-run does without it
