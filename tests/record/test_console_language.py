"""`language: ja` on the console: dgbot generate, run, record, check, publish, and their refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import REPO_ROOT, copy_example
from dgbot.cli import main
from dgbot.dmp.verdictfile import load_verdict
from forges.servers import TOKEN, serve
from notebooks.nb_helpers import write_notebook
from record.conftest import run

EXAMPLE = REPO_ROOT / "examples" / "research-repo"


def _example(tmp_path: Path, language: str = "ja") -> Path:
    """The bundled example, its settings speaking `language` (its notebooks are the English ones)."""
    root = copy_example(EXAMPLE, tmp_path / "repo")
    settings = root / ".dgbot.yml"
    settings.write_text(settings.read_text().replace("language: en", f"language: {language}"))
    return root


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DGBOT_LANGUAGE", raising=False)


def test_generate_says_the_drift_and_what_it_wrote_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _example(tmp_path)
    (root / "workflows" / "05_monitor_data.ipynb").unlink()
    assert main(["generate", "--check", str(root)]) == 1
    out = capsys.readouterr().out
    assert "ずれ: workflows/05_monitor_data.ipynb: ありません。計画はこのノートブックを生成します\n" in out
    assert "ずれ: workflows/00_index.ipynb: 計画が生成するものと異なります: セル title-ja、" in out
    assert out.splitlines()[-1] == "計画から生成されるものとの違いが 7 件あります"
    assert not any(english in out for english in ("drift:", "missing; the plan", "differs from", "cells "))
    assert main(["generate", str(root)]) == 0
    out = capsys.readouterr().out
    assert "workflows/05_monitor_data.ipynb: 書き出しました\n" in out
    assert "workflows/00_index.ipynb: 書き出しました（計画が生成するものと異なります: セル " in out
    assert "written" not in out
    assert main(["generate", str(root)]) == 0
    assert "workflows/00_index.ipynb: 最新です\n" in capsys.readouterr().out


def test_a_refusal_of_dgbot_fs_is_in_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _example(tmp_path)
    notebook = root / "workflows" / "00_index.ipynb"
    notebook.unlink()
    notebook.symlink_to("/etc/hostname")
    assert main(["generate", str(root)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "dgbot: workflows/00_index.ipynb はリポジトリの外を指すシンボリックリンクです。"
        "dgbot はシンボリックリンクを通して読むことはありません\n"
    )


def test_english_stays_the_default_on_the_console(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _example(tmp_path, "en")
    (root / "workflows" / "05_monitor_data.ipynb").unlink()
    assert main(["generate", "--check", str(root)]) == 1
    out = capsys.readouterr().out
    assert "drift: workflows/05_monitor_data.ipynb: missing; the plan generates it\n" in out
    assert main(["generate", str(root)]) == 0
    assert "workflows/05_monitor_data.ipynb: written\n" in capsys.readouterr().out
    assert main(["run", str(root), "-p", "1x=2"]) == 2
    assert "-p takes NAME=VALUE with a Python name, not '1x=2'" in capsys.readouterr().err


@pytest.mark.slow
def test_run_and_record_speak_japanese(
    tmp_path: Path, git_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A notebook raising in a kernel's thread, the run's lines, and record's refusals."""
    root = _example(tmp_path)
    write_notebook(root / "source" / "boom.ipynb", "x = 1", 'raise ValueError("boom")')
    assert main(["record", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"dgbot: {root} は DataLad データセットではありません（`datalad create` で作成してください）\n"
    )
    run(root, "datalad", "create", "--force", "-c", "text2git", ".")
    run(root, "datalad", "save", "-m", "the example")
    assert main(["run", "-q", str(root), "source/boom.ipynb"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("失敗      source/boom.ipynb（") and "秒）" in lines[0]
    assert lines[0].endswith(": セル 2 で ValueError が発生しました: boom")
    assert lines[1] == f"来歴: {root}/.dgbot/report/provenance.json"
    assert not any(english in out for english in ("failed", "raised", "provenance:"))
    recorded = json.loads((root / ".dgbot" / "report" / "provenance.json").read_text(encoding="utf-8"))
    assert recorded["status"] == "failure" and recorded["notebooks"][0]["status"] == "failed"  # machine words
    assert main(["record", str(root)]) == 1
    assert capsys.readouterr().err == (
        ".dgbot/report/provenance.json: 前回の実行は失敗しました。"
        "`datalad rerun` 用に記録できるのは成功した実行だけです\n"
    )
    assert main(["run", str(root), "-p", "1x=2"]) == 2
    assert (
        "-p には Python の名前を使った NAME=VALUE を指定してください（'1x=2' ではなく）"
        in capsys.readouterr().err
    )
    assert main(["run", str(root), "source/main.ipynb"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("完了      source/main.ipynb（") and "completed" not in out


def test_a_japanese_verdict_stays_japanese_wherever_it_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dgbot check --format json` records the language; publish speaks it from a folder with no settings."""
    root = _example(tmp_path)
    verdict = tmp_path / "verdict.json"
    assert main(["check", str(root), "--format", "json", "--output", str(verdict)]) == 1
    data = json.loads(verdict.read_text(encoding="utf-8"))
    assert data["language"] == "ja" and load_verdict(verdict).language == "ja"  # valid against its schema
    drift = next(c for c in data["checks"] if c["id"] == "drift")
    assert drift["title"] == "Workflow notebooks"  # titles stay English in the verdict
    finding = drift["findings"][0]
    assert finding["rule"] == "outdated" and finding["message"].startswith(
        "計画が生成するものと異なります: セル "
    )
    assert finding["hint"] == "`dgbot generate` を実行して、変更をコミットしてください"
    for name in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_BRANCH", "CI_JOB_URL", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DGBOT_TOKEN", TOKEN)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no .dgbot.yml here: without the verdict's language this is English
    assert not os.path.exists(elsewhere / ".dgbot.yml")
    served = serve("gitea")
    args = ["publish", "--verdict", str(verdict), "--forge", "gitea", "--repo", served.seed.repo,
            "--sha", served.seed.sha, "--url", served.fake.server.root, "--branch", "main"]  # fmt: skip
    try:
        assert main(args) == 1
    finally:
        served.stop()
    out = capsys.readouterr().out
    assert "ステータス: " in out and "Issue: 作成 (#1)" in out and "statuses:" not in out
    (issue,) = served.repo.issues()
    assert issue.title == "dgbot: ブランチ main のデータガバナンス"
    assert "### dgbot の判定: 不合格" in issue.body and "計画が生成するものと異なります" in issue.body
    assert "differs from what the plan generates" not in issue.body


def test_a_verdict_file_dgbot_cannot_publish_is_refused_in_the_folders_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before the verdict is read, the working folder's `.dgbot.yml` names the language."""
    root = _example(tmp_path, "en")
    verdict = tmp_path / "verdict.json"
    assert main(["validate", str(root), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "en"
    del data["language"]
    data["status"] = "failure"  # an inconsistent verdict: refused, in the folder's language
    verdict.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dgbot.yml").write_text("language: ja\n")
    assert main(["publish", "--verdict", str(verdict), "--ci"]) == 1
    err = capsys.readouterr().err
    assert f"dgbot: {verdict} は dgbot が投稿できる判定ではありません:\\n" in err  # one line, `visible`
    assert "$.status" in err and "と書かれていますが、検査からは 'success' になります" in err
