"""The ingest process `dgbot serve` starts beside its gunicorn workers (`python -m dgbot.web.ingest FORMAT`).

It runs at a lower priority than the workers and stops with its server: on SIGTERM, or
when the server that started it is gone (killed; the next server's ingest takes over).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

from dgbot.fs.write import make_folder
from dgbot.jobs.logs import configure_logging
from dgbot.store import journal
from dgbot.store.config import StateConfig
from dgbot.store.deliveries import Recorder
from dgbot.store.engine import open_engine
from dgbot.store.ingest import run_ingest

RETRY = 2.0  # seconds between tries to open the store
log = logging.getLogger("dgbot.ingest")
NICENESS = 19  # answering deliveries comes first; storing them may lag behind a burst


def main(argv: list[str]) -> int:
    configure_logging(argv[0] if argv else "text")
    parent = os.getppid()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    os.nice(NICENESS)
    config = StateConfig.from_environ(os.environ)
    folder = journal.folder_of(config.state_dir)
    make_folder(config.state_dir, folder)

    def alive() -> bool:
        return not stop.is_set() and os.getppid() == parent

    while alive():
        try:
            engine = open_engine(config)
        except Exception:  # the store is away: the deliveries wait in the journal meanwhile
            log.warning("the store cannot be opened; trying again", exc_info=True)
            stop.wait(RETRY)
            continue
        recorder = Recorder(engine)
        try:
            run_ingest(folder, recorder, alive)
        finally:
            recorder.close()
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
