"""Receiving a delivery in a server process: dedupe, then one append to the journal (dgbot.store.journal).

The answer to a delivery depends on whether its id, or its job's key (forge, repository,
event, commit), came before. Each process keeps an index of what came before: the newest
jobs of the store (read when it starts) and every journal record, its own and the other
processes', which it reads as it appends its own. All processes append to one file, so the
records before a process's own are exactly those between what it read last and its own
record's offset: of two copies of a delivery, at two processes at the same moment or not,
only the first in the journal is answered `queued`. The store stays the authority: the
ingest stores every record idempotently, so a delivery answered wrongly in the cases that
remain (a copy of one older than the index's `WINDOW`, or one written by a process still
on the previous segment while the journal changes segment) is answered 202 but still
starts no second job.
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import os
import struct
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa

from dgbot.store import journal
from dgbot.store.deliveries import Arrival, Receipt
from dgbot.store.tables import jobs

WINDOW = 100_000  # ids and keys per generation of the index (two generations are kept)
RESCAN = 0.2  # seconds between looks for a newer segment
_STAMP = struct.Struct(">IQ")  # process id, count (journal.STAMP bytes)
READ = 64 * 1024  # bytes read at once after an append
Preload = Callable[[], Iterable[tuple[str, str, str]]]  # (forge, delivery, job key) stored before


class Seen:
    """Hashes of delivery ids and job keys seen lately: two generations of `WINDOW` each."""

    def __init__(self, window: int | None = None) -> None:
        self.window, self.new, self.old = window or WINDOW, set[int](), set[int]()

    def add(self, item: int) -> None:
        if len(self.new) >= self.window:
            self.old, self.new = self.new, set()
        self.new.add(item)

    def __contains__(self, item: int) -> bool:
        return item in self.new or item in self.old

    def note(self, forge: str, delivery: str, key: str | None) -> str | None:
        """Record a delivery; what it repeats: `duplicate` (its id), `known` (its job's key), or None."""
        ident = hash((forge, delivery))
        if ident in self:
            return "duplicate"
        self.add(ident)
        if key is not None:
            job = hash(key)
            if job in self:
                return "known"
            self.add(job)
        return None


class Intake:
    """`receive(arrival)`: the receipt once the delivery is in the journal (or known to be a duplicate)."""

    def __init__(self, folder: Path, preload: Preload | None = None) -> None:
        self.folder, self.preload = folder, preload
        self._pid = -1

    def _start(self) -> None:
        """Per process (gunicorn forks its workers): its own descriptor, lock and index."""
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._seen = Seen()
        self._fd = -1
        self._path: Path | None = None
        self._offset = 0
        self._next_scan = 0.0
        self._count = itertools.count(int.from_bytes(os.urandom(4)))  # unlike a dead process's of the same id
        for forge, delivery, key in self.preload() if self.preload is not None else ():
            self._seen.note(forge, delivery, key)
        with self._lock:
            for path in journal.segments(self.folder)[:-1]:  # not yet stored: index them too
                self._index_file(path)
            self._scan()

    def receive(self, arrival: Arrival) -> Receipt:
        if self._pid != os.getpid():
            self._start()
        record = journal.encode(arrival, _STAMP.pack(self._pid, next(self._count)))
        with self._lock:
            if time.monotonic() >= self._next_scan:
                self._scan()
            written = os.write(self._fd, record)
            if written != len(record):  # a full disk: what was written is torn, the ingest skips it
                raise OSError(errno.ENOSPC, "the journal could not take the whole delivery")
            repeated = self._after_write(arrival, record)
        if repeated is not None:
            return Receipt(repeated)
        return Receipt("queued" if arrival.job is not None else arrival.outcome)

    def _after_write(self, arrival: Arrival, record: bytes) -> str | None:
        """Index what the others wrote before this record, note it, then index what follows it.

        One read from where this process read last: its own record is found in it by its bytes
        (an identical record before it is a copy of the same delivery: it comes first either way).
        """
        data = os.pread(self._fd, READ, self._offset)
        at = data.find(record)
        while at < 0 and len(data) % READ == 0 and data:  # written a lot meanwhile: read on
            data += os.pread(self._fd, READ, self._offset + len(data))
            at = data.find(record)
        if at < 0:  # cannot be (it was written): index everything, answer as new
            self._index(data)
            self._offset += len(data)
            return None
        self._index(data[:at])  # complete: the kernel wrote them before this one
        key = arrival.job.key if arrival.job is not None else None
        repeated = self._seen.note(arrival.forge, arrival.delivery, key)
        end = at + len(record)
        bodies, consumed = journal.scan(data[end:], final=False)  # the last may still be being written
        for body in bodies:
            self._note(body)
        self._offset += end + consumed
        return repeated

    def ready(self) -> None:
        """Raise when the journal's folder cannot be written."""
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise PermissionError(f"{self.folder} is not writable")

    def _index(self, data: bytes) -> None:
        if not data:
            return
        for body in journal.scan(data, final=True)[0]:
            self._note(body)

    def _note(self, body: bytes) -> None:
        head = journal.header(body)
        self._seen.note(head[0], head[1], head[5] if len(head) > 5 else None)

    def _index_file(self, path: Path) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0
        try:
            size = os.fstat(fd).st_size
            self._index(os.pread(fd, size, 0))
        finally:
            os.close(fd)
        return size

    def _scan(self) -> None:
        """Write to the newest segment (the ingest starts a new one when the current one is stored)."""
        self._next_scan = time.monotonic() + RESCAN
        while True:
            found = journal.segments(self.folder)
            newest = found[-1] if found else self.folder / journal.segment_name(1)
            if newest == self._path:
                return
            fd = os.open(newest, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_SH)  # the ingest removes a segment only when no process holds it
            if os.fstat(fd).st_nlink == 0:  # removed while we opened it: look again
                os.close(fd)
                continue
            if self._fd >= 0:  # what the others wrote there before they moved on too
                self._index(os.pread(self._fd, journal.MAX_BODY, self._offset))
                os.close(self._fd)  # closing it drops the lock
            self._fd, self._path = fd, newest
            size = os.fstat(fd).st_size
            self._index(os.pread(fd, size, 0))
            self._offset = size
            return


def recent_jobs(engine: sa.Engine, limit: int = WINDOW // 2) -> Callable[[], list[tuple[str, str, str]]]:
    """What a starting process indexes from the store: the newest jobs' forge, delivery and key."""

    def read() -> list[tuple[str, str, str]]:
        query = sa.select(jobs.c.forge, jobs.c.delivery, jobs.c.key).order_by(jobs.c.id.desc()).limit(limit)
        with engine.connect() as connection:
            return [(row[0], row[1], row[2]) for row in connection.execute(query)]

    return read
