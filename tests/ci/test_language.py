"""`language: ja`: report, job summary, console lines, statuses, the issue and the comment in Japanese."""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from dgbot.ci.publish import publish_from_runner
from dgbot.ci.run import CiRequest, parse_stages, run_ci
from dgbot.cli import main
from dgbot.render import REPORT_FILES, render_json
from forges import verdicts
from forges.servers import TOKEN, Seed, serve

RESEARCH_REPO = REPO_ROOT / "examples" / "research-repo"
SEED = Seed("lab/study", "c0ffee" + "0" * 34, "feature/ja", "main", pull=2)


def _research_repo(target: Path, language: str) -> Path:
    """The bundled example in a fresh git repository, without a report folder, speaking `language`.

    One generated notebook is missing: a failing verdict (only then does the governance issue open)
    with every check run.
    """
    shutil.copytree(RESEARCH_REPO, target, ignore=shutil.ignore_patterns(".dgbot"))
    settings = target / ".dgbot.yml"
    settings.write_text(settings.read_text().replace("language: en", f"language: {language}"))
    (target / "workflows" / "05_monitor_data.ipynb").unlink()
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "example"], cwd=target, check=True)
    return target


def _github_job(tmp_path: Path, api_url: str) -> dict[str, str]:
    event = {
        "pull_request": {"number": SEED.pull, "head": {"sha": SEED.sha, "repo": {"full_name": SEED.repo}}}
    }
    (tmp_path / "event.json").write_text(json.dumps(event))
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": SEED.repo,
        "GITHUB_SHA": "f" * 40,
        "GITHUB_REF": f"refs/pull/{SEED.pull}/merge",
        "GITHUB_HEAD_REF": SEED.branch,
        "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
        "GITHUB_API_URL": api_url,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "DGBOT_TOKEN": TOKEN,
    }


def _ci(tmp_path: Path, language: str) -> tuple[str, str, str, dict[str, str], str, str, str]:
    """`dgbot ci --publish` on the example: report.md, summary, log, statuses, issue, its title, comment."""
    repo = _research_repo(tmp_path / "repo", language)
    served = serve("github", SEED)
    log = io.StringIO()
    try:
        request = CiRequest(repo, stages=parse_stages("validate,drift,check,publish"), publish=True)
        result = run_ci(
            request,
            _github_job(tmp_path, served.fake.server.url),
            log,
            publisher=functools.partial(publish_from_runner, throttle=False),
        )
    finally:
        served.stop()
    report = (result.report_dir / REPORT_FILES["markdown"]).read_text(encoding="utf-8")
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    statuses = {
        context: str(s["description"]) for context, s in served.repo.latest_statuses(SEED.sha).items()
    }
    (issue,) = [i for i in served.repo.issues() if "dgbot:governance-issue" in i.body]
    (comment,) = served.repo.thread(SEED.pull or 0).comments
    return report, summary, log.getvalue(), statuses, issue.body, issue.title, str(comment["body"])


JAPANESE = (
    "### dgbot の判定: 不合格",
    "#### 不合格: ワークフローノートブック (`drift`)",
    "データマネジメント計画",
    "**警告**",
)
ENGLISH = (
    "dgbot verdict",
    "#### Failed: Workflow notebooks",
    "Data Management Plan",
    "Fix the errors listed below",
    "**warning**",
)


def test_a_japanese_repository_gets_every_report_in_japanese(tmp_path: Path) -> None:
    report, summary, log, statuses, issue, title, comment = _ci(tmp_path, "ja")
    for text in (report, summary, issue, comment):
        assert all(phrase in text for phrase in JAPANESE), text[:400]
        assert "以下のエラーを修正して、もう一度プッシュしてください。" in text
        assert not any(phrase in text for phrase in ENGLISH)
    for text in (report, log):  # the checks' own words: titles, messages, hints
        assert (
            "計画にはライセンスがありますが、リポジトリにその本文を書いた LICENSE ファイルがありません"
            in text
        )
        assert "リポジトリの最上位にライセンスの全文を LICENSE として追加してください" in text
        assert "has no LICENSE file" not in text
        assert "のデータ量は " in text and "of the plan's limit" not in text
    assert "- 合格 · データ量 (`volume`) · お知らせ 1 件" in report and "Workflow notebooks" not in report
    assert title == "dgbot: ブランチ feature/ja のデータガバナンス"
    assert "完全なレポート" not in issue  # no report URL in this job: no pointer to one
    assert re.search(r"^不合格: drift（エラー \d+ 件） / \d+ 件が合格、1 件をスキップ$", log, re.MULTILINE)
    assert re.search(r"^検査: \d+ 件を実行、\d+ 件が合格、0 件が不合格$", log, re.MULTILINE)
    assert "計画: dmp.json (basic profile) は有効です" in log and "\nレポート: " in log
    assert "投稿しました: dgbot/dmp=success, dgbot/checks=failure / Issue: 作成" in log
    assert not any(word in log for word in ("failed:", "reports:", "published:", "warning:", "checks:"))
    assert statuses["dgbot/dmp"] == "検査 2 件に合格"
    assert re.fullmatch(r"エラー \d+ 件、警告 1 件、お知らせ 1 件: drift が不合格", statuses["dgbot/checks"])


def test_english_stays_the_default(tmp_path: Path) -> None:
    report, summary, log, statuses, issue, title, comment = _ci(tmp_path, "en")
    for text in (report, summary, issue, comment):
        assert all(phrase in text for phrase in ENGLISH)
        assert "判定" not in text and "不合格" not in text
    assert title == "dgbot: data governance of branch feature/ja"
    assert re.search(r"^failed: drift \(1 error\); \d+ passed, 1 skipped$", log, re.MULTILINE)
    assert "published: dgbot/dmp=success, dgbot/checks=failure; issue opened" in log
    assert statuses["dgbot/dmp"] == "2 checks passed"
    assert statuses["dgbot/checks"] == "1 error, 1 warning, 1 notice: drift failed"


def test_dgbot_publish_speaks_as_the_folder_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A verdict file has no settings: the `.dgbot.yml` of the working folder names the language."""
    for name in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_BRANCH", "CI_JOB_URL", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DGBOT_LANGUAGE", raising=False)
    monkeypatch.setenv("DGBOT_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dgbot.yml").write_text("language: ja\n")
    verdict = tmp_path / "verdict.json"
    served = serve("gitea")
    verdict.write_text(render_json(verdicts.failing(served.seed.sha)), encoding="utf-8")
    args = ["publish", "--verdict", str(verdict), "--forge", "gitea", "--repo", served.seed.repo,
            "--sha", served.seed.sha, "--url", served.fake.server.root, "--branch", "main"]  # fmt: skip
    try:
        assert main(args) == 1
    finally:
        served.stop()
    out = capsys.readouterr().out
    assert "ステータス: dgbot/dmp=failure" in out and "Issue: 作成 (#1)" in out and "issue:" not in out
    (issue,) = served.repo.issues()
    assert issue.title == "dgbot: ブランチ main のデータガバナンス"
    assert "### dgbot の判定: 不合格" in issue.body and "**エラー**" in issue.body
    assert served.repo.latest_statuses(served.seed.sha)["dgbot/checks"]["description"] == (
        "エラー 1 件、警告 1 件: volume が不合格"
    )


def test_a_plan_is_explained_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The validation messages of a plan speak the language; the values quoted stay as written."""
    plan = tmp_path / "dmp.yaml"
    text = (REPO_ROOT / "examples" / "plans" / "jst.yaml").read_text(encoding="utf-8")
    plan.write_text(text.replace("workflowIdentifier: neuro", "workflowIdentifier: neuron"), encoding="utf-8")
    monkeypatch.setenv("DGBOT_LANGUAGE", "ja")
    assert main(["validate", str(plan)]) == 1
    out = capsys.readouterr().out
    assert (
        'エラー: テキスト "neuron" はここでは使えません（"neuro" のことですか？）。使えるのは "basic", "bio"'
        in out
    )
    assert "is not allowed here" not in out and "did you mean" not in out
    assert out.splitlines()[-1] == f"不合格: {plan} (jst profile): エラー 1 件"
