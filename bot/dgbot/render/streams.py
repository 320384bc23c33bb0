"""The process's standard streams: text that cannot be encoded is escaped, and so are library warnings."""

from __future__ import annotations

import io
import sys
from typing import Any

from dgbot.render.escape import visible, visible_lines


def _escape_library_warnings(logging: Any) -> None:
    """Libraries' warnings (papermill, nbclient) quote repository text too: shown `visible`."""

    class VisibleFormatter(logging.Formatter):  # type: ignore[misc]
        def formatMessage(self, record: Any) -> str:
            return visible(super().formatMessage(record))  # one line, whatever the arguments hold

        def formatException(self, ei: Any) -> str:
            return visible_lines(super().formatException(ei))  # a traceback keeps its own lines

        def formatStack(self, stack_info: str) -> str:
            return visible_lines(stack_info)

    if logging.lastResort is not None:
        logging.lastResort.setFormatter(VisibleFormatter())


class _WhenLoggingLoads:
    """A meta-path finder that finds nothing itself: it sees the first `import logging` and,
    once that module has run, escapes its warnings. Most commands (`check` among them) never
    import logging, which costs a new process more than many of its checks."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        from importlib.util import find_spec

        spec = find_spec(name)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module: Any) -> None:
                run(module)
                _escape_library_warnings(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def robust_streams() -> None:
    """Plans may hold text that cannot be encoded (lone surrogates): escape it, never crash.

    Library warnings, which Python prints through its last-resort handler while nothing
    configured logging, are shown `visible` too (from when logging is imported).
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    if "logging" in sys.modules:
        _escape_library_warnings(sys.modules["logging"])
    elif not any(isinstance(finder, _WhenLoggingLoads) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WhenLoggingLoads())
