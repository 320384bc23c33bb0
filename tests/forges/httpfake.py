"""A small stateful HTTP server on 127.0.0.1 that a forge fake plugs its routes into.

Faults are injected before a request is handled, as a forge under load does: a share of
requests is answered 500, 502 or 429 with `Retry-After`, chosen by a seeded generator.
"""

from __future__ import annotations

import json
import random
import re
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    groups: tuple[str, ...] = ()

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass
class Response:
    status: int
    body: Any = None  # JSON value, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class FakeServer:
    """Routes `(METHOD, regex)` to handlers; records every request; injects faults."""

    def __init__(
        self, prefix: str = "", *, faults: float = 0.0, seed: int = 6, tls: ssl.SSLContext | None = None
    ) -> None:
        self.prefix = prefix
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.faults = faults
        self.rng = random.Random(seed)
        self.log: list[Request] = []
        self.answered: list[int] = []
        self.lock = threading.RLock()
        self.auth: Callable[[Request], str | None] = lambda request: None  # an error message, or None
        self.script: list[Response] = []  # answered, in order, to the next requests before any handler
        self.before: Callable[[Request], Response | None] = lambda request: None  # e.g. a redirect
        self.lose: list[tuple[str, str]] = []  # (method, path end): handled, then answered 502 once
        self.git: Callable[[Request], Response | None] = lambda request: None  # git smart HTTP (git_http.py)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.scheme = "https" if tls else "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    @property
    def url(self) -> str:
        return self.root + self.prefix

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _fault(self) -> Response | None:
        if self.faults <= 0 or self.rng.random() >= self.faults:
            return None
        status = self.rng.choice((500, 502, 429))
        headers = {"Retry-After": "1"} if status == 429 else {}
        return Response(status, {"message": "injected fault"}, headers)

    def _lost(self, request: Request) -> Response | None:
        """A 502 for a request that was carried out: the answer was lost on the way back."""
        for method, end in self.lose:
            if request.method == method and request.path.endswith(end):
                self.lose.remove((method, end))
                return Response(502, {"message": "bad gateway after the write"})
        return None

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.log.append(request)
            if self.script:
                return self.script.pop(0)
            early = self.before(request)
            if early is not None:
                return early
            served = self.git(request)  # git has its own authentication; its faults are the job's retries
            if served is not None:
                return served
            fault = self._fault()
            if fault is not None:
                return fault
            problem = self.auth(request)
            if problem is not None:
                return Response(401, {"message": problem})
            path = request.path[len(self.prefix) :] if request.path.startswith(self.prefix) else None
            for method, pattern, handler in self.routes:
                match = pattern.match(path or "")
                if method == request.method and match:
                    request.groups = match.groups()
                    try:
                        answer = handler(request)
                    except HTTPError as exc:
                        return Response(exc.status, {"message": exc.message})
                    return self._lost(request) or answer
            return Response(404, {"message": f"Not Found: {request.method} {request.path}"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(self.command, parts.path, query, headers, self.rfile.read(length))
                answer = server.dispatch(request)
                server.answered.append(answer.status)
                raw = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                kind = "application/octet-stream" if isinstance(answer.body, bytes) else "application/json"
                if "Content-Type" not in answer.headers:
                    self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(raw)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return _Handler


def page(request: Request, items: list[Any], url: str, default: int = 30) -> Response:
    """One page of `items` with a GitHub/GitLab style `Link` header to the next page."""
    size = int(request.query.get("per_page") or request.query.get("limit") or default)
    number = int(request.query.get("page") or 1)
    chunk = items[(number - 1) * size : number * size]
    headers = {"X-Total": str(len(items)), "X-Page": str(number), "X-Per-Page": str(size)}
    if number * size < len(items):
        query = {**request.query, "page": str(number + 1)}
        link = url + "?" + "&".join(f"{k}={v}" for k, v in query.items())
        headers["Link"] = f'<{link}>; rel="next"'
        headers["X-Next-Page"] = str(number + 1)
    return Response(200, chunk, headers)
