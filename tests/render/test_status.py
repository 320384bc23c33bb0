"""Commit-status payloads: the state a forge accepts and a description of at most 140 characters."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from dgbot.records import CheckResult, Finding, Severity, Verdict
from dgbot.render import status_payload
from dgbot.render.status import DESCRIPTION_LIMIT, shorten

GITHUB_STATES = {"success", "failure", "error", "pending"}


def test_passing(passing: Verdict) -> None:
    assert status_payload(passing) == {
        "state": "success",
        "description": "3 checks passed; 1 notice",
        "context": "dgbot/checks",
        "target_url": None,
    }


def test_failing_names_counts_then_the_checks(failing: Verdict) -> None:
    payload = status_payload(failing, context="dgbot/dmp", target_url="https://ci.example/job/1")
    assert payload == {
        "state": "error",  # a check could not run: not a pass, and not a plain failure either
        "description": "4 errors, 1 warning: dmp, volume, structure failed; license could not run",
        "context": "dgbot/dmp",
        "target_url": "https://ci.example/job/1",
    }


def test_failure_without_crash(many: Callable[..., Verdict]) -> None:
    payload = status_payload(many(10))
    assert payload["state"] == "failure"
    assert payload["description"] == "6 errors, 4 warnings: dmp, structure failed"


def test_everything_skipped_is_said() -> None:
    verdict = Verdict((CheckResult("volume", "Data volume", skipped="disabled"),), "0.1.0")
    assert status_payload(verdict)["description"] == "nothing checked: every check was skipped"
    assert status_payload(Verdict((), "0.1.0"))["description"] == "nothing checked"


def test_long_descriptions_are_cut_at_a_word_with_an_ellipsis() -> None:
    error = Finding("x", "r", Severity.ERROR, "m")
    checks = tuple(CheckResult(f"check-number-{i}", f"Check {i}", findings=(error,)) for i in range(30))
    description = status_payload(Verdict(checks, "0.1.0"))["description"]
    assert DESCRIPTION_LIMIT - 20 <= len(description) <= DESCRIPTION_LIMIT
    assert description.startswith("30 errors: check-number-0, check-number-1,")
    assert description.endswith("…") and not description.endswith(",…")
    assert description[:-1].split()[-1].startswith("check-number-")  # a whole id before the cut


def test_states_are_the_ones_github_accepts(any_verdict: Verdict) -> None:
    payload = status_payload(any_verdict)
    assert payload["state"] in GITHUB_STATES
    assert 0 < len(payload["description"]) <= DESCRIPTION_LIMIT


@given(st.text(min_size=0, max_size=400), st.integers(min_value=2, max_value=200))
def test_shorten_never_exceeds_the_limit(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    flat = " ".join(text.split())
    if len(flat) <= limit:
        assert short == flat
    else:
        assert short.endswith("…") and flat.startswith(short[:-1])


def test_a_300_character_description_becomes_140() -> None:
    short = shorten("word " * 60, DESCRIPTION_LIMIT)
    assert len(short) <= DESCRIPTION_LIMIT and short.endswith("word…")
