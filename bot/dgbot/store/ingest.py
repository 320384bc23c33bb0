"""The ingest: the journal's records stored (idempotently, in order) and its stored segments removed.

One ingest runs per state folder (an exclusive lock): `dgbot serve` starts it beside its
gunicorn workers, at a lower priority than them, so a burst of deliveries is answered first
and stored right after. Each record goes through `Recorder` (the delivery deduplicated by
its id, the job by its key), so a record stored twice (the ingest killed between a commit
and the removal of its segment) changes nothing. A segment older than the newest is removed
once it is stored and no server process holds it any more (they hold a shared lock on the
one they write to); the newest is left for the servers, and a new one begun when it is big.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dgbot.fs.write import remove_file
from dgbot.store import journal
from dgbot.store.deliveries import Arrival, Recorder

BATCH = 500  # records per transaction at most
ROTATE = 4 * 1024 * 1024  # bytes: a stored segment this big is followed by a new one
STILL = 5.0  # seconds a segment's size stays the same before a record cut short counts as torn
log = logging.getLogger("dgbot.ingest")


@dataclass
class _Segment:
    offset: int = 0
    size: int = -1
    since: float = field(default_factory=time.monotonic)


class Ingester:
    """`once()` stores what the journal holds now; returns how many records it stored."""

    def __init__(self, folder: Path, recorder: Recorder) -> None:
        self.folder, self.recorder = folder, recorder
        self._segments: dict[Path, _Segment] = {}

    def once(self) -> int:
        found = journal.segments(self.folder)
        stored = 0
        for path in found:
            stored += self._segment(path, newest=path == found[-1])
        for path in list(self._segments):
            if path not in found:
                del self._segments[path]
        if found and self._rotate_after(found[-1]):
            next_path = self.folder / journal.segment_name(journal.sequence_of(found[-1]) + 1)
            os.close(os.open(next_path, os.O_WRONLY | os.O_CREAT, 0o600))
        return stored

    def _segment(self, path: Path, newest: bool) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0
        try:
            closed = False
            if not newest:  # no server process holds it: nothing more will be written to it
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    closed = True
                except BlockingIOError:
                    pass
            state = self._segments.setdefault(path, _Segment())
            size = os.fstat(fd).st_size
            now = time.monotonic()
            if size != state.size:
                state.size, state.since = size, now
            final = closed or now - state.since > STILL  # a write in progress would have grown it
            data = os.pread(fd, size - state.offset, state.offset) if size > state.offset else b""
            bodies, consumed = journal.scan(data, final=final)
            self._store([journal.decode(body) for body in bodies])
            state.offset += consumed
            if closed:
                remove_file(self.folder, path)  # while still locked: a server opening it now sees it gone
            return len(bodies)
        finally:
            os.close(fd)

    def _store(self, arrivals: list[Arrival]) -> None:
        for at in range(0, len(arrivals), BATCH):
            batch = arrivals[at : at + BATCH]
            try:
                self.recorder.record(batch)
            except Exception:
                log.warning("a batch of %d deliveries failed; storing each alone", len(batch), exc_info=True)
                for arrival in batch:
                    self._store_one(arrival)

    def _store_one(self, arrival: Arrival) -> None:
        try:
            self.recorder.record([arrival])
        except Exception as exc:
            if not self._permanent(exc):
                raise  # the store is away: the next look tries again from the same record
            log.error(
                "a delivery could not be stored",
                extra={"forge": arrival.forge, "delivery": arrival.delivery, "error": type(exc).__name__},
            )

    def _permanent(self, exc: Exception) -> bool:
        """A value the store refuses whatever the moment (say, too long for its column), not an outage."""
        dbapi = self.recorder.engine.dialect.loaded_dbapi
        return isinstance(exc, dbapi.DataError | dbapi.IntegrityError)

    def _rotate_after(self, newest: Path) -> bool:
        state = self._segments.get(newest)
        return state is not None and state.offset >= ROTATE and state.offset == state.size


def run_ingest(folder: Path, recorder: Recorder, alive: Callable[[], bool], interval: float = 0.1) -> None:
    """Store the journal's records every `interval` while `alive()`; one ingest per folder at a time.

    Waiting between looks even when there was work makes the batches big: a transaction per
    hundreds of deliveries costs far less per delivery than one per few.
    """
    ingester = Ingester(folder, recorder)
    with open(folder / "ingest.lock", "ab") as lock:
        while True:  # another ingest of this folder (a server stopping) may still hold it
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not alive():
                    return
                time.sleep(interval)
        while alive():
            try:
                ingester.once()
            except Exception:
                log.warning("the journal could not be stored; trying again", exc_info=True)
                time.sleep(1)
                continue
            time.sleep(interval)
        try:
            ingester.once()  # what was answered while stopping
        except Exception:  # the next ingest stores it
            log.warning("the journal could not be stored before stopping", exc_info=True)


def ingest_running(folder: Path) -> bool:
    """True while an ingest holds the folder's lock (what /readyz asks)."""
    try:
        fd = os.open(folder / "ingest.lock", os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
