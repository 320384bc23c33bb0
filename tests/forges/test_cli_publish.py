"""`dgbot publish`: a verdict JSON read back, validated, and published; exit codes; no token echoed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from dgbot.cli import main
from dgbot.render import render_json
from forges import verdicts
from forges.servers import TOKEN, Served, serve


@pytest.fixture
def gitea(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    for name in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_BRANCH", "CI_JOB_URL", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DGBOT_TOKEN", TOKEN)
    running = serve("gitea")
    yield running
    running.stop()


def _args(served: Served, verdict: Path, *extra: str) -> list[str]:
    return ["publish", "--verdict", str(verdict), "--forge", served.kind, "--repo", served.seed.repo,
            "--sha", served.seed.sha, "--url", served.fake.server.root, *extra]  # fmt: skip


def test_publish_a_failing_then_a_passing_verdict(
    gitea: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing, passing = tmp_path / "failing.json", tmp_path / "passing.json"
    failing.write_text(render_json(verdicts.failing(gitea.seed.sha)), encoding="utf-8")
    passing.write_text(render_json(verdicts.passing(gitea.seed.sha)), encoding="utf-8")
    assert main(_args(gitea, failing, "--branch", "main", "--report-url", "https://ci.example.org/1")) == 1
    out = capsys.readouterr().out
    assert "dgbot/dmp=failure" in out and "issue: opened (#1)" in out
    assert main(_args(gitea, passing, "--branch", "main")) == 0
    assert "issue: closed (#1)" in capsys.readouterr().out
    (issue,) = gitea.repo.issues()
    assert not issue.open and "https://ci.example.org/1" not in issue.body  # the pass named no report URL


def test_a_verdict_from_dgbot_validate_publishes(
    gitea: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["validate", str(REPO_ROOT / "examples" / "plans" / "jst.yaml"), "--format", "json"]) == 0
    produced = tmp_path / "verdict.json"
    produced.write_text(capsys.readouterr().out, encoding="utf-8")
    monkeypatch.setenv("GITHUB_REF_NAME", "feature/plan")  # the branch comes from the CI variables
    assert main(_args(gitea, produced)) == 0
    latest = gitea.repo.latest_statuses(gitea.seed.sha)
    assert latest["dgbot/dmp"]["status"] == "success"
    assert gitea.repo.issues() == []  # compliant, and no issue to close


def test_a_broken_verdict_file_is_refused_with_its_location(
    gitea: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(render_json(verdicts.failing(gitea.seed.sha)))
    data["status"] = "success"  # a failing verdict passed off as a pass
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert main(_args(gitea, forged, "--branch", "main")) == 1
    assert f"{forged}:3:13 $.status: says 'success'" in capsys.readouterr().err
    assert gitea.fake.server.log == []  # nothing was published


def test_missing_token_branch_and_url_are_usage_errors(
    gitea: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    verdict = tmp_path / "v.json"
    verdict.write_text(render_json(verdicts.failing(gitea.seed.sha)), encoding="utf-8")
    assert main(_args(gitea, verdict)) == 2
    assert "--branch is needed" in capsys.readouterr().err
    monkeypatch.delenv("DGBOT_TOKEN")
    assert main(_args(gitea, verdict, "--branch", "main")) == 2
    assert "set DGBOT_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("DGBOT_TOKEN", TOKEN)
    no_url = [
        a for a in _args(gitea, verdict, "--branch", "main") if a not in ("--url", gitea.fake.server.root)
    ]
    assert main(no_url) == 2 and "--url is needed" in capsys.readouterr().err


def test_a_wrong_token_is_a_usage_error_and_is_not_echoed(
    gitea: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    verdict = tmp_path / "v.json"
    verdict.write_text(render_json(verdicts.failing(gitea.seed.sha)), encoding="utf-8")
    monkeypatch.setenv("DGBOT_TOKEN", "not-" + TOKEN)
    assert main(_args(gitea, verdict, "--branch", "main")) == 2
    captured = capsys.readouterr()
    assert "HTTP 401" in captured.err and "***" in captured.err
    assert TOKEN not in captured.err + captured.out


def test_github_app_variables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    verdict = tmp_path / "v.json"
    verdict.write_text(render_json(verdicts.failing()), encoding="utf-8")
    monkeypatch.delenv("DGBOT_TOKEN", raising=False)
    monkeypatch.setenv("DGBOT_GITHUB_APP_ID", "12345")
    monkeypatch.setenv("DGBOT_GITHUB_APP_PRIVATE_KEY_FILE", str(tmp_path / "missing.pem"))
    monkeypatch.setenv("DGBOT_GITHUB_APP_INSTALLATION_ID", "777")
    args = ["publish", "--verdict", str(verdict), "--forge", "github", "--repo", "lab/data",
            "--sha", verdicts.SHA, "--branch", "main", "--url", "http://127.0.0.1:9/api/v3"]  # fmt: skip
    assert main(args) == 2
    assert "DGBOT_GITHUB_APP_PRIVATE_KEY_FILE: cannot read the private key" in capsys.readouterr().err


def test_without_a_forge_or_ci_the_missing_options_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    verdict = tmp_path / "v.json"
    verdict.write_text(render_json(verdicts.failing()), encoding="utf-8")
    assert main(["publish", "--verdict", str(verdict), "--repo", "lab/data"]) == 2
    err = capsys.readouterr().err
    assert "--forge, --sha needed (or --ci, to take them from the CI job's variables)" in err
