"""The intake journal: framed records read safely when torn, dedupe across processes, the ingest."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from dgbot.store import ingest, intake, journal
from dgbot.store.deliveries import Arrival, NewJob, Recorder
from dgbot.store.ingest import Ingester, ingest_running, run_ingest
from dgbot.store.intake import Intake, Seen, recent_jobs
from dgbot.store.tables import deliveries, jobs


def arrival(n: int, delivery: str | None = None, repository: str = "o/r") -> Arrival:
    commit = f"{n + 1:040x}"
    event = {"forge": "github", "kind": "push", "repository": repository, "commit": commit, "changed": []}
    job = NewJob(
        f"github:{repository}:push:{commit}",
        "github",
        repository,
        f"github:{repository}:main",
        "push",
        commit,
        event,
    )
    return Arrival("github", delivery or f"d-{n}", "push", repository, job)


def stored(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        count = sa.select(sa.func.count())
        return (
            connection.execute(count.select_from(deliveries)).scalar_one(),
            connection.execute(count.select_from(jobs)).scalar_one(),
        )


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 300), min_size=1, max_size=6),
    torn=st.integers(0, 5),
    cut=st.integers(0, 400),
)
def test_a_record_cut_short_is_skipped_and_every_record_after_it_found(
    sizes: list[int], torn: int, cut: int
) -> None:
    # MAGIC inside bodies too; a body ends as JSON does (a torn one is never completed by the next header)
    bodies = [journal.MAGIC[: i % 5] + bytes([65 + i % 26]) * size + b"}" for i, size in enumerate(sizes)]
    records = [journal.frame(body) for body in bodies]
    torn %= len(records)
    cut %= len(records[torn])  # the process writing it was killed after `cut` bytes
    data = b"".join(records[:torn]) + records[torn][:cut] + b"".join(records[torn + 1 :])
    found, consumed = journal.scan(data, final=True)
    assert found == bodies[:torn] + bodies[torn + 1 :]
    assert consumed == len(data)
    if torn == len(records) - 1 and cut >= journal.HEAD.size:  # at the end: perhaps still being written
        assert journal.scan(data, final=False) == (bodies[:torn], len(data) - cut)


def test_a_checksum_or_length_that_does_not_match_is_never_read_as_a_record() -> None:
    good = journal.frame(b"kept")
    flipped = bytearray(journal.frame(b"flipped"))
    flipped[-1] ^= 1
    huge = journal.HEAD.pack(journal.MAGIC, journal.MAX_BODY + 1, zlib.crc32(b"")) + b"x"
    assert journal.scan(bytes(flipped) + huge + good, final=True)[0] == [b"kept"]


def test_a_journal_written_by_a_process_killed_mid_write_is_read_safely(tmp_path: Path) -> None:
    path = tmp_path / "000000000001.journal"
    writer = (
        "import os, sys\n"
        "from dgbot.store import journal\n"
        "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)\n"
        "n = 0\n"
        "while True:\n"
        "    os.write(fd, journal.frame(b'%08d' % n + b'x' * 3_000_000))\n"
        "    n += 1\n"
    )
    process = subprocess.Popen([sys.executable, "-c", writer, str(path)])
    while not path.exists() or path.stat().st_size < 20_000_000:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with path.open("ab") as out:  # another process appends after whatever was left
        out.write(journal.frame(b"after the kill"))
    found, _ = journal.scan(path.read_bytes(), final=True)
    assert found[-1] == b"after the kill"
    assert [body[:8] for body in found[:-1]] == [b"%08d" % n for n in range(len(found) - 1)]
    assert all(len(body) == 3_000_008 for body in found[:-1])


def test_a_record_is_decoded_as_it_was_encoded() -> None:
    for one in (arrival(1), Arrival("gitea", "d-9", "issues", None, None, "ignored")):
        body = journal.scan(journal.encode(one), final=True)[0][0]
        assert journal.decode(body) == one


def test_a_delivery_or_its_replay_is_queued_once_then_duplicate(tmp_path: Path) -> None:
    first, again = Intake(tmp_path), Intake(tmp_path)  # two server processes on one journal
    assert first.receive(arrival(1)).outcome == "queued"
    assert again.receive(arrival(1)).outcome == "duplicate"  # the same id, at the other process
    assert again.receive(arrival(1, delivery="d-new")).outcome == "known"  # its body under a new id
    assert first.receive(arrival(1, delivery="d-newer")).outcome == "known"
    assert first.receive(Arrival("github", "d-i", "issues", "o/r", None)).outcome == "ignored"
    assert again.receive(Arrival("github", "d-i", "issues", "o/r", None)).outcome == "duplicate"


def _race(folder: Path, racer: int, barrier: Any, queue: Any) -> None:
    box = Intake(folder)
    barrier.wait()
    outcomes = []
    for n in range(100):  # each delivery, and its body again under this process's own id
        outcomes.append((n, box.receive(arrival(n, delivery=f"d-{n}")).outcome))
        outcomes.append((n, box.receive(arrival(n, delivery=f"d-{n}-{racer}")).outcome))
    queue.put(outcomes)


def test_copies_raced_by_processes_are_answered_queued_once_and_stored_once(
    tmp_path: Path, engine: sa.Engine
) -> None:
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(4), context.Queue()
    racers = [context.Process(target=_race, args=(tmp_path, r, barrier, queue)) for r in range(4)]
    for racer in racers:
        racer.start()
    answers = [answer for _ in racers for answer in queue.get(timeout=120)]
    for racer in racers:
        racer.join()
    queued = sorted(n for n, outcome in answers if outcome == "queued")
    assert queued == list(range(100))  # the first copy in the journal, whichever process had it
    assert {outcome for _n, outcome in answers} == {"queued", "duplicate", "known"}
    Ingester(tmp_path, Recorder(engine)).once()
    assert stored(engine) == (100 + 4 * 100, 100)  # every delivery id once; one job per key


def test_the_ingest_stores_once_however_often_it_reads_and_removes_stored_segments(
    tmp_path: Path, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "ROTATE", 1)
    monkeypatch.setattr(intake, "RESCAN", 0.0)
    box = Intake(tmp_path)
    for n in range(20):
        box.receive(arrival(n))
    Ingester(tmp_path, Recorder(engine)).once()
    Ingester(tmp_path, Recorder(engine)).once()  # a restarted ingest reads the segment again
    assert stored(engine) == (20, 20)
    assert [p.name for p in journal.segments(tmp_path)] == ["000000000001.journal", "000000000002.journal"]
    box.receive(arrival(20))  # the server moves to the new segment: the old one can go
    Ingester(tmp_path, Recorder(engine)).once()
    assert "000000000001.journal" not in [p.name for p in journal.segments(tmp_path)]
    assert stored(engine) == (21, 21)
    assert box.receive(arrival(3)).outcome == "duplicate"  # still known after its segment went


def test_a_delivery_stored_before_a_server_started_is_a_duplicate(tmp_path: Path, engine: sa.Engine) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    Intake(tmp_path / "a").receive(arrival(1))
    Ingester(tmp_path / "a", Recorder(engine)).once()
    fresh = Intake(tmp_path / "b", recent_jobs(engine))  # its journal is new: the store is asked
    assert fresh.receive(arrival(1)).outcome == "duplicate"
    assert fresh.receive(arrival(1, delivery="d-replayed")).outcome == "known"


def test_past_the_index_a_copy_is_answered_202_but_starts_no_second_job(
    tmp_path: Path, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "WINDOW", 4)
    box = Intake(tmp_path)
    for n in range(10):
        box.receive(arrival(n))
    assert box.receive(arrival(0)).outcome == "queued"  # forgotten by the index
    Ingester(tmp_path, Recorder(engine)).once()
    assert stored(engine) == (10, 10)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_record_the_store_refuses_is_logged_and_the_others_stored(
    tmp_path: Path, engine: sa.Engine
) -> None:
    box = Intake(tmp_path)
    for n in range(8):
        box.receive(arrival(n, repository="o/" + ("r" * 600 if n == 5 else f"r{n}")))
    lines = _Lines()
    logging.getLogger("dgbot.ingest").addHandler(lines)
    try:
        Ingester(tmp_path, Recorder(engine)).once()
    finally:
        logging.getLogger("dgbot.ingest").removeHandler(lines)
    if engine.dialect.name == "postgresql":  # too long for its column; SQLite does not check
        assert stored(engine) == (7, 7)
        assert [getattr(r, "delivery", None) for r in lines.records] == ["d-5"]
    else:
        assert stored(engine) == (8, 8) and lines.records == []


def test_one_ingest_runs_per_folder_and_it_says_so(tmp_path: Path, engine: sa.Engine) -> None:
    assert not ingest_running(tmp_path)
    Intake(tmp_path).receive(arrival(1))
    seen: list[bool] = []

    def alive() -> bool:
        seen.append(ingest_running(tmp_path))
        return len(seen) < 3

    run_ingest(tmp_path, Recorder(engine), alive, interval=0.01)
    assert seen == [True, True, True] and not ingest_running(tmp_path)
    assert stored(engine) == (1, 1)


def test_the_index_keeps_two_generations() -> None:
    seen = Seen(window=2)
    for item in range(6):
        seen.add(item)
    assert [item in seen for item in range(6)] == [False, False, True, True, True, True]
