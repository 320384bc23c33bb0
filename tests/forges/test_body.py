"""Bodies cut to each forge's limit, with a pointer to the full report."""

from __future__ import annotations

import pytest

from dgbot.forges.base import Limits
from dgbot.forges.body import fit, full_report
from dgbot.forges.gin import GinForge
from dgbot.forges.gitea import GiteaForge
from dgbot.forges.github import GitHubForge
from dgbot.forges.gitlab import GitLabForge

URL = "https://ci.example.org/lab/data/-/jobs/77"
LIMITS = {f.name: f.limits for f in (GitHubForge, GitLabForge, GinForge, GiteaForge)}


def _markdown(size: int, line: str = "- **error** · data/run.bin:3 · the file is not in the plan\n") -> str:
    text = "### dgbot verdict: Failed\n\n" + line * (size // len(line) + 1)
    return text[:size]


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_a_200000_character_report_is_cut_to_the_forges_limit(name: str) -> None:
    limits = LIMITS[name]
    report = _markdown(200_000)
    body = fit(report, limits, URL)
    if limits.body_chars >= len(report):
        assert body == report  # GitLab takes a million characters: nothing to cut
        return
    assert len(body) <= limits.body_chars
    assert limits.body_bytes is None or len(body.encode()) <= limits.body_bytes
    assert body.endswith(f"the full report is at <{URL}>.\n")
    kept = body[: body.index("\n\n**Report cut")]
    assert report.startswith(kept) and kept.endswith("plan")  # cut after a whole line


def test_a_body_within_the_limit_is_unchanged() -> None:
    assert fit("short\n", Limits(body_chars=10), URL) == "short\n"


def test_bytes_count_where_the_database_counts_bytes() -> None:
    report = _markdown(50_000, "- 被験者名簿.csv は個人情報を含む可能性があります\n")  # 3 bytes a character
    body = fit(report, LIMITS["gin"], URL)
    assert len(body.encode()) <= 65_535 and "full report" in body
    assert len(fit(report, LIMITS["github"], URL)) == len(report)  # GitHub counts characters


def test_reserve_leaves_room_and_without_a_url_the_note_names_the_verdict_json() -> None:
    body = fit(_markdown(5_000), Limits(body_chars=1_000), None, reserve=100)
    assert len(body) <= 900 and "verdict JSON" in body
    assert "javascript" not in fit(_markdown(5_000), Limits(body_chars=1_000), "javascript:alert(1)")


def test_the_full_report_line_reads_as_plain_text() -> None:
    assert full_report(URL) == f"\n\nThe full report of this run: <{URL}>\n"
    assert (
        full_report("https://x.example/a b>")
        == "\n\nThe full report of this run: <https://x.example/a%20b%3E>\n"
    )
    assert full_report("javascript:alert(1)") == full_report(None) == ""
