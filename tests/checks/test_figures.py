"""Figures in messages: sizes that read apart when they differ, shares that never round to a lie."""

from __future__ import annotations

import pytest
from check_helpers import GB, MB

from dgbot.checks.figures import apart, share


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (12 * GB, 10 * GB, ("12 GB", "10 GB")),  # apart already
        (10 * GB, 10 * GB, ("10 GB", "10 GB")),  # equal sizes read equal
        (14_511_937_842, int(13.5 * GB), ("13.52 GB", "13.50 GB")),  # studyforrest against 13.5GB
        (int(13.503 * GB), int(13.5 * GB), ("13.503 GB", "13.500 GB")),
        (10 * GB + 1, 10 * GB, ("10,737,418,241 bytes", "10,737,418,240 bytes")),
        (1025, 1024, ("1.001 KB", "1.000 KB")),  # "1 KB" both
        (1023 * MB + 512 * 1024, 1023 * MB, ("1023.5 MB", "1023 MB")),  # format_size tells them apart
    ],
)
def test_apart(first: int, second: int, expected: tuple[str, str]) -> None:
    assert apart(first, second) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 10, "0%"),
        (10, 10, "100%"),
        (95, 100, "95%"),
        (4, 1000, "0.4%"),
        (1, 10**6, "<0.1%"),
        (9999, 10000, "99.9%"),  # never "100%" for less than the whole
        (10001, 10000, "100.1%"),
    ],
)
def test_share(part: int, whole: int, expected: str) -> None:
    assert share(part, whole) == expected
