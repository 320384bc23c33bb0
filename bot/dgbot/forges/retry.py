"""Retrying forge requests: backoff with full jitter, Retry-After and rate-limit resets, a time budget."""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from dgbot.forges.base import AccessError, ForgeError, TransientError

T = TypeVar("T")
log = logging.getLogger("dgbot.forges")
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying. `scale` multiplies every wait (tests pass a tiny one)."""

    attempts: int = 8
    base: float = 0.5  # seconds before the second attempt, doubled each time, jittered
    cap: float = 30.0  # longest single wait
    budget: float = 180.0  # longest total wait for one request
    scale: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt `attempt + 1` (unscaled)."""
        jittered = self.rng.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))
        if retry_after is None:
            return jittered
        return max(0.0, retry_after) + jittered * 0.1  # the server said when; jitter spreads the herd


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    return lowered.get(name.lower())


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks to wait: Retry-After (seconds or HTTP date), else a rate-limit reset."""
    now = time.time() if now is None else now
    value = _header(headers, "Retry-After")
    if value is not None:
        if value.strip().isdigit():
            return float(value.strip())
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return None
    remaining = _header(headers, "X-RateLimit-Remaining") or _header(headers, "RateLimit-Remaining")
    reset = _header(headers, "X-RateLimit-Reset") or _header(headers, "RateLimit-Reset")
    if remaining == "0" and reset is not None and reset.strip().isdigit():
        return max(0.0, float(reset) - now)
    return None


def http_error(status: int, headers: Mapping[str, str], message: str, what: str) -> ForgeError:
    """The dgbot error for an HTTP answer that was not a success (message already scrubbed)."""
    wait = retry_after(headers)
    text = f"{what}: HTTP {status}: {message}".strip()
    if status in TRANSIENT_STATUSES:
        return TransientError(text, status=status, retry_after=wait)
    limited = status == 403 and (wait is not None or "rate limit" in message.lower())
    if limited:  # GitHub's primary and secondary rate limits answer 403
        return TransientError(text, status=status, retry_after=wait)
    if status in (401, 403, 404):
        return AccessError(text, status=status)
    return ForgeError(text, status=status)


def call(policy: RetryPolicy, what: str, operation: Callable[[], T]) -> T:
    """Run `operation`, trying again on TransientError until attempts or the time budget run out."""
    waited = 0.0
    for attempt in range(1, policy.attempts + 1):
        try:
            return operation()
        except TransientError as exc:
            wait = policy.wait(attempt, exc.retry_after)
            if attempt == policy.attempts or waited + wait > policy.budget:
                raise TransientError(
                    f"{exc} (gave up after {attempt} attempts)",
                    status=exc.status,
                    retry_after=exc.retry_after,
                ) from None
            log.warning(
                "%s failed (%s); attempt %d of %d in %.2fs", what, exc, attempt + 1, policy.attempts, wait
            )
            waited += wait
            policy.sleep(wait * policy.scale)
    raise AssertionError("unreachable")  # pragma: no cover
