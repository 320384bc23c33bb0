"""Retries: which answers are worth another try, how long to wait, and that waiting is bounded."""

from __future__ import annotations

import email.utils
import logging
import random
from collections.abc import Callable

import pytest

from dgbot.forges.base import AccessError, ForgeError, TransientError
from dgbot.forges.credentials import scrub
from dgbot.forges.retry import RetryPolicy, call, http_error, retry_after


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "0"}, 0.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1030"}, 30.0),  # GitHub's primary limit
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "1010"}, 10.0),  # GitLab's
        ({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "1030"}, None),
        ({}, None),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_retry_after_from_headers(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after(headers, now=1000.0) == expected


def test_retry_after_as_an_http_date() -> None:
    date = email.utils.formatdate(1_000_060, usegmt=True)
    assert retry_after({"Retry-After": date}, now=1_000_000.0) == pytest.approx(60.0)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_answers(status: int) -> None:
    assert isinstance(http_error(status, {"Retry-After": "3"}, "busy", "x"), TransientError)


def test_github_rate_limits_answer_403_and_are_retried() -> None:
    secondary = http_error(403, {}, "You have exceeded a secondary rate limit", "x")
    primary = http_error(403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999999999"}, "", "x")
    assert isinstance(secondary, TransientError) and isinstance(primary, TransientError)
    assert primary.retry_after is not None and primary.retry_after > 0


def test_other_errors_are_final() -> None:
    assert type(http_error(401, {}, "Bad credentials", "x")) is AccessError
    assert type(http_error(422, {}, "Validation Failed", "x")) is ForgeError


def _flaky(failures: list[TransientError]) -> tuple[list[int], Callable[[], str]]:
    attempts: list[int] = []

    def operation() -> str:
        attempts.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return attempts, operation


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, base=1.0, sleep=waits.append, rng=random.Random(1))
    errors = [TransientError("a"), TransientError("b", retry_after=4.0), TransientError("c")]
    attempts, operation = _flaky(errors)
    assert call(policy, "op", operation) == "done"
    assert len(attempts) == 4
    assert 0 <= waits[0] <= 1.0 and 4.0 <= waits[1] <= 4.0 + 0.2 and 0 <= waits[2] <= 4.0


def test_scale_shrinks_every_wait() -> None:
    waits: list[float] = []
    policy = RetryPolicy(scale=0.001, sleep=waits.append)
    _, operation = _flaky([TransientError("a", retry_after=30.0)])
    call(policy, "op", operation)
    assert waits == [pytest.approx(0.03, abs=0.001)]


def test_attempts_are_bounded() -> None:
    policy = RetryPolicy(attempts=3, sleep=lambda s: None)
    attempts, operation = _flaky([TransientError("boom", status=502)] * 5)
    with pytest.raises(TransientError, match="gave up after 3 attempts"):
        call(policy, "op", operation)
    assert len(attempts) == 3


def test_total_wait_is_bounded_by_the_budget() -> None:
    waits: list[float] = []
    policy = RetryPolicy(budget=60.0, sleep=waits.append)
    attempts, operation = _flaky([TransientError("limited", retry_after=3600.0)])
    with pytest.raises(TransientError, match="gave up after 1 attempts"):
        call(policy, "op", operation)
    assert waits == [] and len(attempts) == 1


def test_final_errors_are_not_retried() -> None:
    attempts: list[int] = []

    def operation() -> None:
        attempts.append(1)
        raise AccessError("no", status=401)

    with pytest.raises(AccessError):
        call(RetryPolicy(sleep=lambda s: None), "op", operation)
    assert attempts == [1]


def test_retries_are_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    secret = "glpat-SECRET123"
    text = scrub(f"GET https://x/?private_token={secret} failed for {secret}", [secret, ""])
    assert secret not in text and text.count("***") == 2
    caplog.set_level(logging.DEBUG)
    _, operation = _flaky([TransientError(text)])
    call(RetryPolicy(sleep=lambda s: None), "op", operation)
    assert "attempt 2 of 8" in caplog.text and secret not in caplog.text
