"""Every credential a forge client holds, so that each error text is scrubbed of all of them."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

REDACTED = "***"
MESSAGE_LIMIT = 500  # characters of a forge's error message kept in dgbot's error
_ISSUED_KEPT = 256  # JWTs and installation tokens remembered: they expire within the hour


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (token, key) replaced by ***, the longest first."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _pem_parts(text: str) -> list[str]:
    """A PEM key and each line of its base64 body, so that an echoed line is scrubbed too."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return [text.strip(), *(line for line in lines if len(line) >= 16 and not line.startswith("-----"))]


class Secrets:
    """The configured token or App key, and each JWT and installation token as it is issued."""

    def __init__(self, *configured: str | None, key: str | None = None) -> None:
        self._configured = [s for s in configured if s] + (_pem_parts(key) if key else [])
        self._issued: deque[str] = deque(maxlen=_ISSUED_KEPT)
        self._lock = threading.Lock()

    def add(self, secret: str) -> str:
        """Remember a credential issued now (a JWT, an installation token); returns it."""
        with self._lock:
            if secret and secret not in self._issued:
                self._issued.append(secret)
        return secret

    def scrub(self, text: str, limit: int | None = None) -> str:
        """`text` scrubbed of every credential, then cut to `limit` characters (never the other way)."""
        with self._lock:
            known = [*self._configured, *self._issued]
        clean = scrub(text, known)
        return clean if limit is None else clean[:limit]

    def message(self, text: str) -> str:
        """A forge's error message as dgbot's errors carry it: scrubbed, then cut."""
        return self.scrub(text, MESSAGE_LIMIT)
