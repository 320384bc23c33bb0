"""`dgbot serve`: the app under gunicorn (never Flask's development server)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python; each worker builds its own app (its own store connections) after fork."""

    def __init__(self, environ: Mapping[str, str], options: dict[str, Any]) -> None:
        self.environ, self.options = dict(environ), options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from dgbot.web.app import build_bot, create_app

        app = create_app(build_bot(self.environ))
        gc.collect()
        gc.freeze()  # the libraries' objects, loaded once: the collector no longer walks them again and again
        return app


def _child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def _stop(ingest: subprocess.Popen[bytes]) -> None:
    ingest.terminate()  # it stores what is left, then exits
    try:
        ingest.wait(30)
    except subprocess.TimeoutExpired:
        ingest.kill()


def run_server(
    environ: Mapping[str, str], bind: str, workers: int, threads: int, log_format: str = "text"
) -> int:
    """gunicorn's threaded workers, and the ingest that stores what they journal (dgbot.web.ingest)."""
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": None,  # dgbot's own log line per delivery says what matters, without payloads
        "errorlog": "-",
        "loglevel": "warning",
        "child_exit": _child_exit,
        "proc_name": "dgbot-serve",
    }
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # imported now: `_child_exit` runs in a signal handler,
        from prometheus_client import multiprocess  # noqa: F401  # and an import there may meet itself half done

    ingest = subprocess.Popen([sys.executable, "-m", "dgbot.web.ingest", log_format], env=dict(environ))
    server = os.getpid()
    try:
        _Gunicorn(environ, options).run()
    finally:
        if os.getpid() == server:  # not in a gunicorn worker, whose exit unwinds through here too
            _stop(ingest)
    return 0
