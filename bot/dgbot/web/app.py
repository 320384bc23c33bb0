"""The Flask app: POST /hooks/<forge>, GET /healthz, /readyz, /metrics.

A hook verifies the signature over the raw body, parses, stores the delivery and its job
(`Inbox`: together with the deliveries arriving at the same time, in one transaction) and
answers 202 once they are committed; the worker queues the job (the outbox relay) and does
the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from dgbot.events.hooks import Hook, authentic, enabled_hooks
from dgbot.events.model import PayloadError
from dgbot.events.normalize import read_delivery
from dgbot.jobs.metrics import DELIVERIES
from dgbot.jobs.queue import Queue
from dgbot.store.config import StateConfig
from dgbot.store.deliveries import Arrival, NewJob
from dgbot.store.engine import open_engine
from dgbot.store.inbox import Inbox
from dgbot.web.metrics import render_metrics

MAX_BODY = 25 * 1024 * 1024  # GitHub's own cap: larger events are never delivered
log = logging.getLogger("dgbot.web")


@dataclass(frozen=True)
class Bot:
    engine: sa.Engine
    queue: Queue
    hooks: Mapping[str, Hook]
    inbox: Inbox


def build_bot(environ: Mapping[str, str]) -> Bot:
    config = StateConfig.from_environ(environ)
    engine = open_engine(config)
    return Bot(engine, Queue(config), enabled_hooks(environ), Inbox(engine))


def _answer(code: int, **fields: object) -> tuple[Response, int]:
    return jsonify(fields), code


def create_app(bot: Bot) -> Flask:
    app = Flask("dgbot")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    @app.post("/hooks/<forge>")
    def hook(forge: str) -> tuple[Response, int]:
        configured = bot.hooks.get(forge)
        if configured is None:
            return _answer(404, error="no such forge is enabled")
        body = request.get_data(cache=False)  # over MAX_BODY: 413 before the body is read
        headers = cast("Mapping[str, str]", request.headers)  # werkzeug's: case-insensitive
        if not authentic(forge, headers, body, configured.secret):
            DELIVERIES.labels(forge, "", "unauthenticated").inc()
            return Response(status=401), 401
        try:
            delivery = read_delivery(forge, headers, body, request.content_type or "")
        except PayloadError as exc:
            DELIVERIES.labels(forge, "", "malformed").inc()
            return _answer(400, error=str(exc))
        where = {"forge": forge, "delivery": delivery.id, "event": delivery.name}
        if delivery.outcome == "ping":
            DELIVERIES.labels(forge, delivery.name, "ping").inc()
            return _answer(200, outcome="pong")
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
        receipt = bot.inbox.receive(arrival)
        DELIVERIES.labels(forge, delivery.name, receipt.outcome).inc()
        log.info(
            "delivery %s", receipt.outcome, extra={**where, "outcome": receipt.outcome, "job": receipt.job}
        )
        if receipt.outcome in ("duplicate", "known"):
            return _answer(200, outcome="duplicate", job=receipt.job)
        if receipt.outcome == "ignored":
            return _answer(202, outcome="ignored", reason=delivery.reason)
        return _answer(202, outcome="queued", job=receipt.job)

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
