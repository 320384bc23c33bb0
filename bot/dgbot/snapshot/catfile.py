"""Blobs read by batched `git cat-file` processes: a few processes for any number of blobs."""

from __future__ import annotations

import bisect
import io
import os
import subprocess
import threading
import weakref
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import IO

from dgbot.errors import UsageError
from dgbot.snapshot.model import FileEntry

# `cat-file --batch=%(objectsize)` answers: a size line, then the blob and a newline.
_SIZE_ONLY = "--batch=%(objectsize)"
_BY_PATH = attrgetter("path")


def scratch() -> IO[bytes]:
    """A file for a git process's input or output, closed by the caller: an anonymous one in
    memory where the system has them (Linux), else a temporary file (imported only then)."""
    if hasattr(os, "memfd_create"):
        return open(os.memfd_create("dgbot-git", os.MFD_CLOEXEC), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


class CatFiles:
    """One `git cat-file` per batch of blobs, at most `running` at once; their outputs, in order.

    The first start at once; each next one starts when an output is taken, so Python parses
    one while git reads the next. Their input and output are temporary files, so git runs
    without Python pumping pipes.
    """

    def __init__(self, repo: Path, batches: list[list[bytes]], running: int):
        self.running = max(1, running)
        self.repo = repo
        self._waiting = deque(batches)
        self._started: deque[tuple[subprocess.Popen[bytes] | None, list[IO[bytes]]]] = deque()
        try:
            for _ in range(self.running):
                self._start()
        except BaseException:
            self.__exit__()
            raise

    def _start(self) -> None:
        if not self._waiting:
            return
        oids = self._waiting.popleft()
        if not oids:
            self._started.append((None, []))
            return
        files: list[IO[bytes]] = [scratch() for _ in range(3)]  # closed by output or __exit__
        self._started.append((None, files))  # closed on exit even if git cannot start
        stdin, stdout, stderr = files
        stdin.write(b"".join(oid + b"\n" for oid in oids))
        stdin.seek(0)
        command = ["git", "-C", str(self.repo), "cat-file", _SIZE_ONLY, "--buffer"]
        try:
            process = subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=stderr)
        except OSError as error:
            raise UsageError(f"cannot run git: {error}") from error
        self._started[-1] = (process, files)

    def add(self, oids: list[bytes]) -> None:
        """One more batch, read after the others (started now if fewer than `running` are)."""
        self._waiting.append(oids)
        if len(self._started) < self.running:
            self._start()

    def __iter__(self) -> CatFiles:
        return self

    def __next__(self) -> bytes:
        if not self._started:
            raise StopIteration
        with self.output() as output:
            return output.read()

    @contextmanager
    def output(self) -> Iterator[IO[bytes]]:
        """The next batch's output, as a file read from its start (closed on leaving)."""
        process, files = self._started.popleft()
        try:
            self._start()
            if process is None:
                yield io.BytesIO()
                return
            _, stdout, stderr = files
            if process.wait() != 0:
                stderr.seek(0)
                reason = stderr.read().decode("utf-8", "replace").strip() or f"exit code {process.returncode}"
                raise UsageError(f"git cat-file failed in {self.repo}: {reason}")
            stdout.seek(0)
            yield stdout
        finally:
            for file in files:
                file.close()

    def __enter__(self) -> CatFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        while self._started:  # left early (an error elsewhere): stop the rest
            process, files = self._started.popleft()
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
            for file in files:
                file.close()


def contents(repo: Path, output: bytes, count: int) -> list[bytes | None]:
    """The blobs of `count` answers of `cat-file --batch=%(objectsize)`, None for a missing one."""
    found: list[bytes | None] = []
    pos = 0
    for _ in range(count):
        end = output.find(b"\n", pos)
        header = output[pos:end] if end >= 0 else b""  # "<size>", or "<oid> missing"
        if header.endswith(b" missing"):
            found.append(None)
            pos = end + 1
            continue
        stop = end + 1 + int(header) if header.isdigit() else -1
        if stop < 0 or stop >= len(output):
            raise UsageError(f"git cat-file gave an answer dgbot cannot read in {repo}")
        found.append(output[end + 1 : stop])
        pos = stop + 1
    return found


def heads(repo: Path, output: IO[bytes], count: int, limit: int) -> list[bytes | None]:
    """The first `limit` bytes of each of `count` answers in `output`, None for a missing one.

    Only the heads are held in memory, whatever the sizes of the blobs.
    """
    found: list[bytes | None] = []
    for _ in range(count):
        header = output.readline().rstrip(b"\n")
        if header.endswith(b" missing"):
            found.append(None)
            continue
        if not header.isdigit():
            raise UsageError(f"git cat-file gave an answer dgbot cannot read in {repo}")
        size = int(header)
        head = output.read(min(size, limit))
        output.seek(size - len(head) + 1, io.SEEK_CUR)  # the rest of the blob and its newline
        found.append(head)
    return found


class Blobs:
    """The blobs of a commit's files, read for many paths at once by one `git cat-file`.

    Holds the object ids of the commit's files (in the order of `files`, sorted by path)
    as one string of fixed-width hex ids: a few bytes per file, not an object per file.
    Reads of a few blobs go to one `git cat-file --batch` that stays for the next read.
    """

    def __init__(self, repo: Path, files: Sequence[FileEntry], oids: bytes, width: int):
        self.repo, self.files, self.oids, self.width = repo, files, oids, width
        self._reader: _Reader | None = None
        self._lock = threading.Lock()

    def oid(self, path: str) -> bytes | None:
        index = bisect.bisect_left(self.files, path, key=_BY_PATH)
        if index == len(self.files) or self.files[index].path != path:
            return None
        return self.oids[index * self.width : (index + 1) * self.width]

    def read(self, oid: bytes, limit: int | None = None) -> bytes | None:
        """The blob `oid` (its first `limit` bytes), None when the repository lacks it."""
        with self._lock:
            if self._reader is None:
                self._reader = _Reader(self.repo)
            return self._reader.read(oid, limit)

    def __call__(self, paths: Sequence[str], limit: int) -> list[bytes | None]:
        """The first `limit` bytes of each file's blob (a symlink's target), None when absent."""
        oids = [self.oid(path) for path in paths]
        present = [oid for oid in oids if oid is not None]
        if len(present) <= _FEW:
            found = iter([self.read(oid, limit) for oid in present])
        else:
            with CatFiles(self.repo, [present], 1) as answers, answers.output() as output:
                found = iter(heads(self.repo, output, len(present), limit))
        return [None if oid is None else next(found) for oid in oids]


_FEW = 32  # blobs read one request at a time; more go to a cat-file of their own, at once


class _Reader:
    """One `git cat-file --batch=%(objectsize)` asked for one blob at a time through pipes.

    It stops when its input closes: when the reader is collected, or when Python exits.
    """

    def __init__(self, repo: Path):
        self.repo = repo
        command = ["git", "-C", str(repo), "cat-file", _SIZE_ONLY]
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError as error:
            raise UsageError(f"cannot run git: {error}") from error
        weakref.finalize(self, _stop, self._process)

    def read(self, oid: bytes, limit: int | None) -> bytes | None:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(oid + b"\n")
            stdin.flush()
        except OSError as error:
            raise UsageError(f"git cat-file stopped in {self.repo}: {error}") from error
        header = stdout.readline().rstrip(b"\n")
        if header.endswith(b" missing"):
            return None
        if not header.isdigit():
            raise UsageError(f"git cat-file gave an answer dgbot cannot read in {self.repo}")
        size = int(header)
        wanted = size if limit is None else min(size, limit)
        blob = stdout.read(wanted)
        rest = size - wanted + 1  # the rest of the blob and its newline
        while rest > 0 and (skipped := len(stdout.read(min(rest, 1 << 20)))):
            rest -= skipped
        if len(blob) != wanted or rest:
            raise UsageError(f"git cat-file gave an answer dgbot cannot read in {self.repo}")
        return blob


def _stop(process: subprocess.Popen[bytes]) -> None:
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()
    process.wait()
