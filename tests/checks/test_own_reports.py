"""dgbot's own report folder (reports, a re-run's outputs kept aside) is never the repository's data."""

from __future__ import annotations

import json
from pathlib import Path

from dgbot.pipeline import govern
from snapshot.conftest import git_env, git_repo  # noqa: F401 (git_env: a known author, a home of our own)

PLAN = {
    "schema": "basic",
    "workflowIdentifier": "basic",
    "contentSize": "1KB",
    "datasetStructure": "with_code",
    "title": "own reports",
    "datasets": [{"title": "outputs", "path": "output_data", "accessRights": "open"}],
}


def _volume(repo: Path) -> list[dict[str, object]]:
    verdict = govern(repo).verdict
    (check,) = (c for c in verdict.checks if c.id == "volume")
    return [f.to_dict() for f in check.findings]


def test_a_rerun_kept_aside_in_the_report_folder_is_not_counted(tmp_path: Path) -> None:
    top = git_repo(
        tmp_path / "top",
        {"project/dmp.json": json.dumps(PLAN).encode(), "project/output_data/a.csv": b"x" * 100},
    )
    repo = top / "project"  # not the work tree's top: every file on disk is seen, ignored or not
    aside = repo / ".dgbot" / "report" / "rerun" / "output_data"
    aside.mkdir(parents=True)
    (aside / "big.bin").write_bytes(b"y" * 4000)  # over the plan's 1KB if it were counted
    findings = _volume(repo)
    assert [f["severity"] for f in findings] == ["notice"], findings
    assert "100 B" in str(findings[0]["message"]) and "rerun" not in str(findings[0]["message"])


def test_without_the_rule_the_same_file_elsewhere_is_counted(tmp_path: Path) -> None:
    top = git_repo(
        tmp_path / "top",
        {"project/dmp.json": json.dumps(PLAN).encode(), "project/output_data/a.csv": b"x" * 100},
    )
    repo = top / "project"
    (repo / "output_data" / "big.bin").write_bytes(b"y" * 4000)
    assert [f["severity"] for f in _volume(repo)] == ["error"]
