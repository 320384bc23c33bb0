"""Every check over the example repositories in tests/examples/checks/<check>/{pass,fail}/."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from dgbot.checks import REGISTRY, CheckSkipped
from dgbot.dmp import validate_file
from dgbot.dmp.settings import load_settings
from dgbot.records import Finding, Severity
from dgbot.snapshot import snapshot_worktree

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "checks"

# What each failing example must report: (rule, path) pairs of the check it is named after.
FAILS: dict[str, list[tuple[str, str]]] = {
    "volume": [("over-limit", "dmp.json"), ("dataset-over-planned", "dmp.json")],
    "structure": [("missing-folder", "param_low/output_data")],
    "license": [("file-differs", "LICENSE")],
    "access": [("secret-file", ".env"), ("identifying-columns", "input_data/participants.tsv")],
    "formats": [("undeclared-format", "output_data/figure.png")],
    "datacite": [("author-name", "datacite.yml"), ("reftype", "datacite.yml")],
    "drift": [("missing", "workflows/00_index.ipynb"), ("outdated", "workflows/05_monitor_data.ipynb")],
    "reproducibility": [
        ("changed-output", "output_data/responses.csv"),
        ("missing-output", "output_data/summary.csv"),
    ],
}


def findings(folder: Path, check: str) -> list[Finding]:
    if check == "reproducibility":
        # The example's provenance.json is committed to dgbot's own repository, and a committed
        # record never counts (it could be forged): judge a copy as a run leaves it, its own git
        # repository with the record untracked and made at HEAD.
        with tempfile.TemporaryDirectory() as copy:
            return _findings(
                _as_run_left_it(Path(shutil.copytree(folder, Path(copy) / "repo", symlinks=True))), check
            )
    return _findings(folder, check)


def _as_run_left_it(repo: Path) -> Path:
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-C", str(repo)]
    record = repo / "report" / "provenance.json"
    if not record.is_file():
        return repo  # no run in this example
    saved = record.read_text()
    record.unlink()
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "example"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout
    data = json.loads(saved)
    data["repository"]["commit"] = head.strip()
    record.write_text(json.dumps(data))
    return repo


def _findings(folder: Path, check: str) -> list[Finding]:
    validation = validate_file(folder / "dmp.json", "dmp.json")
    assert validation.valid, [f.message for f in validation.findings]
    assert validation.plan is not None
    settings, problems = load_settings(folder)
    assert problems == ()
    try:
        return list(REGISTRY[check].run(validation.plan, snapshot_worktree(folder), settings))
    except CheckSkipped:  # nothing to judge in this example (no run, no outputs to reproduce)
        return []


def test_every_check_has_examples() -> None:
    assert sorted(FAILS) == sorted(REGISTRY)
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) == sorted(REGISTRY)


@pytest.mark.parametrize("check", sorted(FAILS))
def test_passing_example(check: str) -> None:
    errors = [f for f in findings(EXAMPLES / check / "pass", check) if f.severity is Severity.ERROR]
    assert errors == []


@pytest.mark.parametrize("check", sorted(FAILS))
def test_failing_example(check: str) -> None:
    found = findings(EXAMPLES / check / "fail", check)
    problems = [f for f in found if f.severity is not Severity.NOTICE]
    assert sorted((f.rule, f.location.path or "") for f in problems) == sorted(FAILS[check])
    assert all(f.message for f in problems)


@pytest.mark.parametrize("folder", sorted(EXAMPLES.glob("*/*")), ids=lambda p: f"{p.parent.name}-{p.name}")
def test_no_other_check_fails_an_example(folder: Path) -> None:
    """Each example breaks only the rule it is about, so it shows exactly that."""
    for check in REGISTRY:
        if check != folder.parent.name:
            errors = [f for f in findings(folder, check) if f.severity is Severity.ERROR]
            assert errors == [], check


def test_annexed_example_files_are_sized_from_their_keys() -> None:
    snapshot = snapshot_worktree(EXAMPLES / "volume" / "fail")
    locked, unlocked = snapshot.find("output_data/recording.h5"), snapshot.find("output_data/summary.h5")
    assert locked is not None and locked.annexed and locked.size == 5 * 1024**3
    assert unlocked is not None and unlocked.annexed and unlocked.size == 100 * 1024**2
