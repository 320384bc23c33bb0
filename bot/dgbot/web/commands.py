"""The service's commands: `dgbot serve`, `dgbot worker`, `dgbot db upgrade` (cli.py only registers them)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from dgbot.clihelp import help_of
from dgbot.errors import EXIT_OK, UsageError
from dgbot.fs.write import make_folder

LOG_FORMATS = ("text", "json")


def _prepare(args: argparse.Namespace) -> Any:
    """The state settings, logging, and the metrics folder every process of this host shares."""
    from dgbot.jobs.logs import configure_logging
    from dgbot.store.config import StateConfig

    config = StateConfig.from_environ(os.environ)
    configure_logging(args.log_format)
    metrics = config.state_dir / "metrics"
    make_folder(config.state_dir, metrics)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics))  # before prometheus_client is imported
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the webhooks, health and metrics under gunicorn."""
    from dgbot.events.hooks import enabled_hooks
    from dgbot.store.engine import open_engine
    from dgbot.web.serve import run_server

    _host, sep, port = args.bind.rpartition(":")
    if not sep or not port.isdigit():
        raise UsageError(f"--bind takes HOST:PORT, not {args.bind!r}")
    config = _prepare(args)
    open_engine(config).dispose()  # migrates the embedded store; refuses an outdated PostgreSQL one
    if not enabled_hooks(os.environ):
        sys.stderr.write("dgbot: warning: no forge is enabled (set DGBOT_<FORGE>_WEBHOOK_SECRET)\n")
    return run_server(os.environ, args.bind, args.workers, args.threads, args.log_format)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run queued jobs until stopped."""
    from dgbot.jobs.worker import run_worker

    return run_worker(_prepare(args), os.environ, args.concurrency)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the store's migrations."""
    from dgbot.store.config import StateConfig
    from dgbot.store.engine import create_store_engine, current_revision, upgrade

    config = StateConfig.from_environ(os.environ)
    if config.embedded:
        make_folder(config.state_dir, config.state_dir)
    engine = create_store_engine(config.database_url)
    upgrade(engine)
    if not args.quiet:
        sys.stdout.write(f"store at revision {current_revision(engine)}\n")
    engine.dispose()
    return EXIT_OK


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1 is needed, not {text!r}")
    return int(text)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register serve, worker and db on the `dgbot` parser's subcommands."""
    serve = commands.add_parser(
        "serve", parents=[common], help="serve the forges' webhooks (gunicorn)", **help_of("serve")
    )
    serve.add_argument("--bind", default="127.0.0.1:8080", help="HOST:PORT (default: 127.0.0.1:8080)")
    serve.add_argument("--workers", type=_positive, default=2, help="gunicorn worker processes (default: 2)")
    serve.add_argument("--threads", type=_positive, default=8, help="threads per worker process (default: 8)")
    serve.add_argument(
        "--log-format", choices=LOG_FORMATS, default="text", help="log lines as text or JSON (default: text)"
    )
    serve.set_defaults(handler=cmd_serve)
    worker = commands.add_parser(
        "worker", parents=[common], help="run the queued jobs until stopped", **help_of("worker")
    )
    worker.add_argument("--concurrency", type=_positive, default=2, help="jobs run at once (default: 2)")
    worker.add_argument(
        "--log-format", choices=LOG_FORMATS, default="text", help="log lines as text or JSON (default: text)"
    )
    worker.set_defaults(handler=cmd_worker)
    db = commands.add_parser("db", parents=[common], help="the governance store", **help_of("db"))
    actions = db.add_subparsers(dest="db_command", metavar="upgrade", required=True)
    actions.add_parser("upgrade", parents=[common], help="apply the store's migrations").set_defaults(
        handler=cmd_db_upgrade
    )
