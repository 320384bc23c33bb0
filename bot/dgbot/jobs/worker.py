"""`dgbot worker`: run queued jobs until stopped; SIGTERM lets the running jobs finish, then exits."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Mapping
from typing import Any

from huey.consumer import Consumer

from dgbot.events.hooks import enabled_hooks
from dgbot.jobs.queue import Queue
from dgbot.jobs.run import Runner
from dgbot.store.config import StateConfig
from dgbot.store.engine import open_engine

log = logging.getLogger("dgbot.worker")


class _Consumer(Consumer):  # type: ignore[misc]
    """huey's consumer, with SIGTERM (systemd's stop) as the graceful stop rather than the abrupt one."""

    def _set_signal_handlers(self) -> None:
        super()._set_signal_handlers()
        signal.signal(signal.SIGTERM, self._graceful_stop)

    def _graceful_stop(self, _signum: int, _frame: Any) -> None:
        self._logger.info("Received SIGTERM: finishing the running jobs")
        self._received_signal = True
        self._restart = False
        self._graceful = True


def build_runner(config: StateConfig, environ: Mapping[str, str], queue: Queue) -> Runner:
    engine = open_engine(config)
    return Runner(engine, config, enabled_hooks(environ), queue.enqueue, environ=dict(environ))


def run_worker(config: StateConfig, environ: Mapping[str, str], concurrency: int) -> int:
    """Recover what a dead worker left, relay newly stored jobs into the queue, consume it until stopped."""
    queue = Queue(config)
    runner = build_runner(config, environ, queue)
    queue.serve(runner.run, runner.sweep)
    runner.sweep()  # jobs lost by the queue, a killed worker's jobs on this host
    stop = threading.Event()
    relay = threading.Thread(target=runner.relay, args=(stop,), name="dgbot-relay", daemon=True)
    relay.start()
    log.info("worker started with %d thread(s)", concurrency)
    consumer = _Consumer(
        queue.huey, workers=concurrency, worker_type="thread", periodic=True, check_worker_health=True
    )
    consumer.run()
    stop.set()
    relay.join(10)
    runner.engine.dispose()
    return 0
