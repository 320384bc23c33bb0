"""Structured log lines (`--log-format json`): message, level, and the delivery and job they concern."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

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


def configure_logging(fmt: str, level: int = logging.INFO) -> None:
    """dgbot's loggers to standard error, as text or JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    text = TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonFormatter() if fmt == "json" else text)
    root = logging.getLogger("dgbot")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
