"""What a governance check sees of a repository: every file with its size, no content needed."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

MODE_FILE = 0o100644
MODE_EXECUTABLE = 0o100755
MODE_SYMLINK = 0o120000
MODE_SUBMODULE = 0o160000


class FileEntry(NamedTuple):
    """One file of a commit or work tree (a named tuple: snapshots hold hundreds of thousands)."""

    path: str  # relative to the repository root, "/"-separated
    mode: int  # git mode, e.g. 0o100644; 0o120000 for symlinks (locked annexed files)
    size: int | None  # bytes: the blob's size, or for annexed files the size in the key
    key: str | None = None  # git-annex key, for annexed files (locked or unlocked)

    @property
    def annexed(self) -> bool:
        return self.key is not None

    @property
    def subdataset(self) -> bool:
        """A git submodule (a DataLad subdataset): its files and size live in another repository."""
        return self.mode == MODE_SUBMODULE


_SIZE = attrgetter("size")


@dataclass(frozen=True)
class Sizes:
    """A total over files, honest about the files whose size nobody knows (e.g. URL keys)."""

    total: int
    files: int
    unknown: tuple[str, ...] = ()  # paths without a known size (subdatasets not among them)
    subdatasets: tuple[str, ...] = ()  # paths of submodules: their data is not this repository's


class Totals(NamedTuple):
    """What a range of a snapshot's files holds, from running totals (see Snapshot.totals)."""

    bytes: int  # of the files of known size
    unknown: int  # files of unknown size, subdatasets not counted
    in_git: int  # files kept in git, not annexed (subdatasets are neither)
    subdatasets: int = 0  # git submodules


@dataclass(frozen=True)
class NameText:
    """File names in one string, searched at C speed instead of testing the names one by one.

    `text` is the names each after a NUL, ending with one ("\\0a.txt\\0b.csv\\0"): no name
    holds a NUL (git and file systems forbid it), so a search for "\\0README" finds names
    beginning with README, and one for ".csv\\0" names ending with .csv. `starts[i]` is
    where name i begins; `starts[-1]` is one past the final NUL.
    """

    text: str
    starts: list[int]

    @classmethod
    def of(cls, names: Sequence[str]) -> NameText:
        text = "\0" + "\0".join(names) + "\0" if names else "\0"
        if text.count("\0") != len(names) + 1:
            raise ValueError("a file name holds a NUL character")
        return cls(text, list(accumulate(map((1).__add__, map(len, names)), initial=1)))

    def name(self, index: int) -> str:
        return self.text[self.starts[index] : self.starts[index + 1] - 1]

    def lowered(self) -> NameText:
        """The names in lower case (found at the same indices)."""
        lower = self.text.lower()
        if len(lower) == len(self.text):  # no letter's lower case is longer: same starts
            return NameText(lower, self.starts)
        return NameText.of([self.name(i).lower() for i in range(len(self.starts) - 1)])

    def holding(self, part: str, at_start: bool = False, at_end: bool = False) -> Iterator[int]:
        """Indices of the names that contain `part` (where asked: at their start, at their end)."""
        if not part and not (at_start and at_end):
            yield from range(len(self.starts) - 1)
            return
        text, starts = self.text, self.starts
        needle = ("\0" if at_start else "") + part + ("\0" if at_end else "")
        at = text.find(needle)
        while at >= 0:
            index = bisect.bisect_right(starts, at if not at_start else at + 1) - 1
            yield index
            at = text.find(needle, starts[index + 1] - 1)  # from the next name on: one hit per name


@dataclass(frozen=True)
class Snapshot:
    """Every file of one commit (or of the work tree), sorted by path."""

    root: Path
    commit: str | None  # None: the work tree
    files: tuple[FileEntry, ...]
    reader: Callable[[str], bytes | None] = field(repr=False, compare=False)
    # reads many files' heads at once (one git process at a commit); else `reader` per file
    batch: Callable[[Sequence[str], int], list[bytes | None]] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def _paths(self) -> list[str]:
        return [f.path for f in self.files]

    @cached_property
    def names(self) -> list[str]:
        """The file name of each file (its path's last part), in the order of `files`."""
        return [path.rpartition("/")[2] for path in self._paths]

    @cached_property
    def path_text(self) -> NameText:
        """The paths, searchable at once (see NameText), indices as in `files`."""
        return NameText.of(self._paths)

    @cached_property
    def name_text(self) -> NameText:
        """The file names, searchable at once (see NameText), indices as in `files`."""
        return NameText.of(self.names)

    def span(self, folder: str) -> range:
        """The indices in `files` of the files inside `folder` ("" for all)."""
        if not folder:
            return range(len(self.files))
        prefix = folder.rstrip("/") + "/"
        # every path inside starts with the prefix; "/" + 1 is "0", the first that cannot
        start = bisect.bisect_left(self._paths, prefix)
        return range(start, bisect.bisect_left(self._paths, prefix[:-1] + "0", start))

    def find(self, path: str) -> FileEntry | None:
        index = self.index(path)
        return None if index is None else self.files[index]

    def index(self, path: str) -> int | None:
        """Where the file `path` is in `files`, None when there is none."""
        index = bisect.bisect_left(self._paths, path)
        if index < len(self.files) and self.files[index].path == path:
            return index
        return None

    def under(self, folder: str) -> Iterator[FileEntry]:
        """Files inside `folder` ("" for all), in path order."""
        span = self.span(folder)
        yield from self.files[span.start : span.stop]

    @cached_property
    def folders(self) -> frozenset[str]:
        """Every folder that holds at least one file (git does not track empty ones)."""
        found: set[str] = set()
        for parent in {path.rpartition("/")[0] for path in self._paths}:  # files share folders
            end = len(parent)
            while end > 0 and (folder := parent[:end]) not in found:  # its parents are in already
                found.add(folder)
                end = parent.rfind("/", 0, end)
        return frozenset(found)

    @cached_property
    def subfolders(self) -> Mapping[str, tuple[str, ...]]:
        """The folders directly inside each folder ("" for the top), sorted: one pass, not one per folder."""
        inside: dict[str, list[str]] = {}
        for folder in self.folders:
            inside.setdefault(folder.rpartition("/")[0], []).append(folder)
        return {parent: tuple(sorted(children)) for parent, children in inside.items()}

    @cached_property
    def _running(self) -> tuple[list[int], ...]:
        """Running totals over `files` of Totals' four counts, so a range's costs two lookups."""
        files = self.files
        subs = [f.mode == MODE_SUBMODULE for f in files]
        return (
            list(accumulate((f.size or 0 for f in files), initial=0)),
            list(
                accumulate(
                    (f.size is None and not sub for f, sub in zip(files, subs, strict=True)), initial=0
                )
            ),
            list(
                accumulate((f.key is None and not sub for f, sub in zip(files, subs, strict=True)), initial=0)
            ),
            list(accumulate(subs, initial=0)),
        )

    @cached_property
    def subdatasets(self) -> tuple[str, ...]:
        """The paths of the git submodules (DataLad subdatasets), in path order."""
        return tuple(f.path for f in self.files if f.mode == MODE_SUBMODULE)

    def totals(self, span: range) -> Totals:
        """Sizes and counts of the files at `span` in `files`, however many datasets share them."""
        start, stop = span.start, max(span.start, span.stop)
        return Totals(*(running[stop] - running[start] for running in self._running))

    def read(self, path: str) -> bytes | None:
        """Content of a file kept in git (not annexed content), or None when absent or annexed."""
        entry = self.find(path)
        if entry is None or entry.annexed:
            return None
        return self.reader(path)

    def heads(self, paths: Sequence[str], limit: int) -> list[bytes | None]:
        """The first `limit` bytes of each file kept in git, None for an absent or annexed one."""
        readable = [path for path in paths if (entry := self.find(path)) is not None and not entry.annexed]
        if self.batch is not None:
            found = dict(zip(readable, self.batch(readable, limit), strict=True))
        else:
            found = {path: None if (raw := self.reader(path)) is None else raw[:limit] for path in readable}
        return [found.get(path) for path in paths]


def sizes(entries: Iterable[FileEntry]) -> Sizes:
    """Total size of files; files of unknown size are listed, never counted as 0 silently.

    Submodules (subdatasets) are listed apart: their size belongs to another repository.
    """
    files = entries if isinstance(entries, list | tuple) else list(entries)
    known = list(map(_SIZE, files))
    if None not in known:
        return Sizes(sum(known), len(files))  # no None: all ints, and no submodule (they have none)
    missing = [entry for entry in files if entry.size is None]
    unknown = tuple(entry.path for entry in missing if entry.mode != MODE_SUBMODULE)
    subdatasets = tuple(entry.path for entry in missing if entry.mode == MODE_SUBMODULE)
    return Sizes(sum(size for size in known if size is not None), len(files), unknown, subdatasets)
