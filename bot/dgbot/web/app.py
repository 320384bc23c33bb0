"""The Flask app: POST /hooks/<forge>, GET /healthz, /readyz, /metrics.

A hook verifies the signature over the raw body, parses, dedupes and appends the delivery
to the journal (`Intake`), and answers 202 once the append returned; the ingest stores it
with its job, the worker queues the job (the outbox relay) and does the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from dgbot.events.hooks import Hook, authentic, enabled_hooks
from dgbot.events.model import PayloadError
from dgbot.events.normalize import read_delivery
from dgbot.fs.write import make_folder
from dgbot.jobs.logs import info_line
from dgbot.jobs.metrics import DELIVERIES
from dgbot.jobs.queue import Queue
from dgbot.store import journal
from dgbot.store.config import StateConfig
from dgbot.store.deliveries import Arrival, NewJob
from dgbot.store.engine import open_engine
from dgbot.store.ingest import ingest_running
from dgbot.store.intake import Intake, recent_jobs
from dgbot.web.metrics import render_metrics

MAX_BODY = 25 * 1024 * 1024  # GitHub's own cap: larger events are never delivered
log = logging.getLogger("dgbot.web")


@dataclass(frozen=True)
class Bot:
    engine: sa.Engine
    queue: Queue
    hooks: Mapping[str, Hook]
    intake: Intake


def build_bot(environ: Mapping[str, str]) -> Bot:
    config = StateConfig.from_environ(environ)
    engine = open_engine(config)
    folder = journal.folder_of(config.state_dir)
    make_folder(config.state_dir, folder)
    return Bot(engine, Queue(config), enabled_hooks(environ), Intake(folder, recent_jobs(engine)))


def _answer(code: int, **fields: object) -> tuple[Response, int]:
    return jsonify(fields), code


_SAID = {  # the answers of the webhook path, serialized once
    outcome: f'{{"outcome":"{outcome}"}}\n'.encode() for outcome in ("queued", "duplicate", "pong")
}


def _said(code: int, outcome: str) -> Response:
    return Response(_SAID[outcome], code, mimetype="application/json")


def create_app(bot: Bot) -> Flask:
    app = Flask("dgbot")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    counters: dict[tuple[str, str, str], Any] = {}

    def count(forge: str, event: str, outcome: str) -> None:
        counter = counters.get((forge, event, outcome))
        if counter is None:
            counter = counters[forge, event, outcome] = DELIVERIES.labels(forge, event, outcome)
        counter.inc()

    @app.post("/hooks/<forge>")
    def hook(forge: str) -> Response | tuple[Response, int]:
        configured = bot.hooks.get(forge)
        if configured is None:
            return _answer(404, error="no such forge is enabled")
        body = request.get_data(cache=False)  # over MAX_BODY: 413 before the body is read
        headers = cast("Mapping[str, str]", request.headers)  # werkzeug's: case-insensitive
        if not authentic(forge, headers, body, configured.secret):
            count(forge, "", "unauthenticated")
            return Response(status=401)
        try:
            delivery = read_delivery(forge, headers, body, request.content_type or "")
        except PayloadError as exc:
            count(forge, "", "malformed")
            return _answer(400, error=str(exc))
        if delivery.outcome == "ping":
            count(forge, delivery.name, "ping")
            return _said(200, "pong")
        event = delivery.event
        job = None
        if event is not None:
            job = NewJob(
                event.key,
                forge,
                event.repository,
                event.lane,
                event.kind,
                event.commit,
                event.to_json(),
            )
        arrival = Arrival(forge, delivery.id, delivery.name, delivery.repository, job)
        outcome = bot.intake.receive(arrival).outcome
        count(forge, delivery.name, outcome)
        where = {"forge": forge, "delivery": delivery.id, "event": delivery.name, "outcome": outcome}
        info_line(
            log, f"delivery {outcome}", where
        )  # the job's id: in the worker's lines, with this delivery
        if outcome in ("duplicate", "known"):
            return _said(200, "duplicate")
        if outcome == "ignored":
            return _answer(202, outcome="ignored", reason=delivery.reason)
        return _said(202, "queued")

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        return _answer(200, status="alive")

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        problems = []
        try:
            with bot.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except Exception as exc:
            problems.append(f"store: {type(exc).__name__}")
        try:
            bot.queue.ping()
        except Exception as exc:
            problems.append(f"queue: {type(exc).__name__}")
        try:
            bot.intake.ready()
        except OSError as exc:
            problems.append(f"journal: {type(exc).__name__}")
        if not ingest_running(bot.intake.folder):
            problems.append("ingest: not running")
        return _answer(503, status="unready", problems=problems) if problems else _answer(200, status="ready")

    @app.get("/metrics")
    def metrics() -> Response:
        body, content_type = render_metrics(bot.engine, bot.queue)
        return Response(body, content_type=content_type)

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> tuple[Response, int]:
        if isinstance(exc, HTTPException):
            return _answer(exc.code or 500, error=exc.name)
        log.exception("internal error", extra={"delivery": request.headers.get("X-GitHub-Delivery", "")})
        return _answer(500, error="internal error")

    return app
