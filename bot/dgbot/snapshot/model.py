"""What a governance check sees of a repository: every file with its size, no content needed."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

MODE_FILE = 0o100644
MODE_EXECUTABLE = 0o100755
MODE_SYMLINK = 0o120000
MODE_SUBMODULE = 0o160000


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of a commit or work tree."""

    path: str  # relative to the repository root, "/"-separated
    mode: int  # git mode, e.g. 0o100644; 0o120000 for symlinks (locked annexed files)
    size: int | None  # bytes: the blob's size, or for annexed files the size in the key
    key: str | None = None  # git-annex key, for annexed files (locked or unlocked)

    @property
    def annexed(self) -> bool:
        return self.key is not None


@dataclass(frozen=True)
class Sizes:
    """A total over files, honest about the files whose size nobody knows (e.g. URL keys)."""

    total: int
    files: int
    unknown: tuple[str, ...] = ()  # paths without a known size


@dataclass(frozen=True)
class Snapshot:
    """Every file of one commit (or of the work tree), sorted by path."""

    root: Path
    commit: str | None  # None: the work tree
    files: tuple[FileEntry, ...]
    reader: Callable[[str], bytes | None] = field(repr=False, compare=False)

    @cached_property
    def _paths(self) -> list[str]:
        return [f.path for f in self.files]

    def find(self, path: str) -> FileEntry | None:
        index = bisect.bisect_left(self._paths, path)
        if index < len(self.files) and self.files[index].path == path:
            return self.files[index]
        return None

    def under(self, folder: str) -> Iterator[FileEntry]:
        """Files inside `folder` ("" for all), in path order."""
        prefix = folder.rstrip("/") + "/" if folder else ""
        start = bisect.bisect_left(self._paths, prefix)
        for entry in self.files[start:]:
            if not entry.path.startswith(prefix):
                break
            yield entry

    @cached_property
    def folders(self) -> frozenset[str]:
        """Every folder that holds at least one file (git does not track empty ones)."""
        found: set[str] = set()
        for path in self._paths:
            end = path.rfind("/")
            while end > 0 and (folder := path[:end]) not in found:  # its parents are in already
                found.add(folder)
                end = path.rfind("/", 0, end)
        return frozenset(found)

    def read(self, path: str) -> bytes | None:
        """Content of a file kept in git (not annexed content), or None when absent or annexed."""
        entry = self.find(path)
        if entry is None or entry.annexed:
            return None
        return self.reader(path)


def sizes(entries: Iterable[FileEntry]) -> Sizes:
    """Total size of files; files of unknown size are listed, never counted as 0 silently."""
    total, count, unknown = 0, 0, []
    for entry in entries:
        count += 1
        if entry.size is None:
            unknown.append(entry.path)
        else:
            total += entry.size
    return Sizes(total, count, tuple(unknown))
