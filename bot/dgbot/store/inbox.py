"""Group commit: the deliveries a process receives at the same time are stored in one transaction.

A request queues its delivery, then waits for the process's write lock. Whoever holds it
stores every delivery queued so far in one transaction and commits; a request whose
delivery was committed by another answers at once. So each request answers 202 only once
its delivery is durable, and one commit (on PostgreSQL, one WAL flush; on SQLite, one turn
of the write lock the processes share) serves all the deliveries that arrived meanwhile.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
from dataclasses import dataclass

import sqlalchemy as sa

from dgbot.store.deliveries import Arrival, Receipt, Recorder

BATCH = 256  # deliveries per transaction at most
log = logging.getLogger("dgbot.store")


@dataclass
class _Waiting:
    arrival: Arrival
    receipt: Receipt | None = None
    error: BaseException | None = None


class Inbox:
    """`receive(arrival)` returns once the delivery is committed (or raises what the store raised)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._pid = -1
        self._fork()

    def _fork(self) -> None:
        """A process needs its own lock and connection (gunicorn forks its workers)."""
        self._pid = os.getpid()
        self._waiting: collections.deque[_Waiting] = collections.deque()
        self._lock = threading.Lock()
        self._recorder = Recorder(self.engine)

    def receive(self, arrival: Arrival, timeout: float = 30.0) -> Receipt:
        if self._pid != os.getpid():
            self._fork()
        waiting = _Waiting(arrival)
        self._waiting.append(waiting)
        if not self._lock.acquire(timeout=timeout):
            raise TimeoutError("the store did not commit the delivery in time")
        try:
            if waiting.receipt is None and waiting.error is None:
                self._write()
        finally:
            self._lock.release()
        if waiting.error is not None:
            raise waiting.error
        assert waiting.receipt is not None
        return waiting.receipt

    def _write(self) -> None:
        batch: list[_Waiting] = []
        while self._waiting and len(batch) < BATCH:
            batch.append(self._waiting.popleft())
        try:
            receipts = self._recorder.record([w.arrival for w in batch])
        except Exception:
            log.warning("a batch of %d deliveries failed; storing each alone", len(batch), exc_info=True)
            self._one_by_one(batch)
        else:
            for w, receipt in zip(batch, receipts, strict=True):
                w.receipt = receipt

    def _one_by_one(self, batch: list[_Waiting]) -> None:
        """One bad delivery (say, a value too long for its column) must not fail the others."""
        for w in batch:
            try:
                w.receipt = self._recorder.record([w.arrival])[0]
            except Exception as exc:
                w.error = exc
