"""Structured log lines (`--log-format json`): message, level, and the delivery and job they concern."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

import orjson

FIELDS = ("forge", "delivery", "event", "outcome", "job", "commit", "tries", "error", "seconds")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; only the named fields, so no payload or header ever slips in."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name))
        return f"{super().format(record)} {extra}".rstrip()


_line: dict[str, Any] = {"format": None, "fd": 2, "second": -1, "stamp": ""}


def info_line(logger: logging.Logger, message: str, fields: dict[str, Any]) -> None:
    """`logger.info(message, extra=fields)` as the formatters would write it, without logging's
    machinery (records, handlers, locks): the webhook path writes one line per delivery."""
    fmt = _line["format"]
    if fmt is None or not logger.isEnabledFor(logging.INFO):
        logger.info(message, extra=fields)
        return
    now = time.time()
    second = int(now)
    if second != _line["second"]:
        _line["second"], _line["stamp"] = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
    stamp = f"{_line['stamp']},{int((now - second) * 1000):03d}"
    if fmt == "json":
        head = {"time": stamp, "level": "info", "logger": logger.name, "message": message}
        line = orjson.dumps({**head, **fields}, default=str, option=orjson.OPT_APPEND_NEWLINE)
    else:
        extra = " ".join(f"{name}={value}" for name, value in fields.items())
        line = f"{stamp} INFO {logger.name}: {message} {extra}".rstrip().encode("utf-8", "replace") + b"\n"
    os.write(_line["fd"], line)  # one write: lines never interleave


def configure_logging(fmt: str, level: int = logging.INFO) -> None:
    """dgbot's loggers to standard error, as text or JSON lines."""
    _line.update(format=fmt, fd=sys.stderr.fileno())
    handler = logging.StreamHandler(sys.stderr)
    text = TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonFormatter() if fmt == "json" else text)
    root = logging.getLogger("dgbot")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
