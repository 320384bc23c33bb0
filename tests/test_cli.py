"""The `dgbot` command as a user runs it: exit codes, text and JSON output, export."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO_ROOT
from dgbot.cli import main
from dgbot.resources import load_schema

EXAMPLE_REPO = REPO_ROOT / "examples" / "repo"
BROKEN_YAML = """\
schema: basic
workflowIdentifier: neuro
contentSize: 100 gigabytes
datasetStructure: with_code
title: Broken plan
datasets:
  - title: Recordings
    path: ../outside
    acessRights: open
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    (tmp_path / "dmp.yaml").write_text(BROKEN_YAML)
    return tmp_path


def test_valid_repository_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE_REPO)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("valid: dmp.json (basic profile)")


def test_every_error_at_once_located_and_readable(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "dmp.yaml:3:14 $.contentSize" in out
    assert 'the text "100 gigabytes" is not a size: write a number and a unit' in out
    assert "dmp.yaml:8:11 $.datasets[0].path" in out
    assert "dmp.yaml:9:5 $.datasets[0].acessRights" in out
    assert 'unknown field "acessRights" (did you mean "accessRights"?)' in out
    assert out.splitlines()[-1] == "invalid: dmp.yaml (basic profile): 3 errors"
    assert "\033[" not in out  # no colour when not on a terminal


def test_json_output_follows_the_verdict_schema(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken), "--format", "json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    Draft202012Validator(load_schema("verdict.schema.json")).validate(verdict)
    assert verdict["status"] == "failure"
    assert verdict["counts"] == {"error": 3, "warning": 0, "notice": 0}
    assert verdict["plan"]["path"] == "dmp.yaml"
    rules = sorted(f["rule"] for f in verdict["checks"][0]["findings"])
    assert rules == ["additionalProperties", "format", "pattern"]


def test_json_output_of_a_valid_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE_REPO / "dmp.json"), "--format", "json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    Draft202012Validator(load_schema("verdict.schema.json")).validate(verdict)
    assert verdict["status"] == "success"
    assert verdict["plan"]["schema"] == "basic profile"
    assert len(verdict["plan"]["sha256"]) == 64


def test_invalid_settings_file_fails_the_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(EXAMPLE_REPO / "dmp.json", tmp_path / "dmp.json")
    (tmp_path / ".dgbot.yml").write_text("language: fr\nchecks:\n  volume: {severity: fatal}\n")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert ".dgbot.yml:1:11 $.language" in out
    assert ".dgbot.yml:3:22 $.checks.volume.severity" in out
    assert out.index("$.language") < out.index("$.checks.volume.severity")  # in file order
    assert out.splitlines()[-1] == "invalid: dgbot settings (.dgbot.yml): 2 errors, 1 notice"


def test_a_misspelt_check_in_the_settings_is_named_not_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(EXAMPLE_REPO / "dmp.json", tmp_path / "dmp.json")
    (tmp_path / ".dgbot.yml").write_text("checks:\n  formats: {enabled: true}\n  acess: {enabled: false}\n")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert '.dgbot.yml:3:3 $.checks.acess\n    error: unknown field "acess" (did you mean "access"?)' in out


def test_the_settings_schema_knows_every_check_and_no_other() -> None:
    from dgbot.checks import REGISTRY

    checks = load_schema("dgbot-config.schema.json")["properties"]["checks"]
    assert checks["additionalProperties"] is False
    assert list(checks["properties"]) == list(REGISTRY)
    assert all(check_id in checks["description"] for check_id in REGISTRY)


def test_settings_name_the_plan_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plans").mkdir()
    shutil.copy(EXAMPLE_REPO / "dmp.json", tmp_path / "plans" / "project.json")
    (tmp_path / ".dgbot.yml").write_text("dmp: plans/project.json\n")
    assert main(["validate", str(tmp_path)]) == 0
    assert "valid: plans/project.json" in capsys.readouterr().out


def test_no_plan_and_two_plans_are_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 1
    assert "no plan found" in capsys.readouterr().out
    (tmp_path / "dmp.json").write_text("{}")
    (tmp_path / "dmp.yaml").write_text("{}")
    assert main(["validate", str(tmp_path)]) == 1
    assert "two plans found (dmp.json and dmp.yaml)" in capsys.readouterr().out


def test_unknown_profile_suggests_the_right_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "dmp.json").write_text('{\n  "schema": "JST"\n}\n')
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "dmp.json:2:13 $.schema" in out
    assert 'unknown plan profile "JST" (did you mean "jst"?)' in out


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--format", "xml"])
    assert exc.value.code == 2


def test_internal_errors_exit_3_with_a_short_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("dgbot.pipeline.validate_path", explode)  # the cli imports it when it runs
    assert main(["validate", str(EXAMPLE_REPO)]) == 3
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err and "Traceback" not in err
    assert main(["validate", "-v", str(EXAMPLE_REPO)]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_madmp_export_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    plan = REPO_ROOT / "examples" / "plans" / "jst.yaml"
    assert main(["madmp", str(plan), "-o", str(target), "--standard", "1.1"]) == 0
    document = json.loads(target.read_text())
    assert "$schema" not in document  # 1.1 forbids extra top-level keys
    assert document["dmp"]["language"] == "jpn"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_madmp_refuses_an_invalid_plan(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.json"
    assert main(["madmp", str(broken), "-o", str(target)]) == 1
    assert "must be valid before it can be exported" in capsys.readouterr().err
    assert not target.exists()


def test_madmp_names_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "dmp.yaml").write_text(
        "schema: basic\nworkflowIdentifier: basic\ncontentSize: 1GB\ndatasetStructure: with_code\n"
        "title: No contact\ncreated: 2026-01-05\n"
    )
    assert main(["madmp", str(tmp_path)]) == 1
    assert "dmp.yaml $.contact: cannot export: maDMP needs a contact" in capsys.readouterr().err


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dgbot", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("dgbot ")


def _committed(source: Path, target: Path) -> tuple[Path, str]:
    """A git repository holding a copy of `source`, committed; and its commit."""
    shutil.copytree(source, target, symlinks=True)
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T"}
    env |= {"GIT_COMMITTER_EMAIL": "t@example.org", "PATH": os.environ["PATH"], "HOME": os.environ["HOME"]}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "data"]):
        subprocess.run(["git", *command], cwd=target, check=True, env=env)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=target, check=True, capture_output=True, text=True)
    return target, sha.stdout.strip()


def test_check_writes_each_report_asked_for_from_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, sha = _committed(
        REPO_ROOT / "tests" / "examples" / "checks" / "formats" / "fail", tmp_path / "repo"
    )
    (repo / "output_data" / "figure.png").unlink()  # the work tree differs; the commit is checked
    verdict_file, junit_file = tmp_path / "out" / "verdict.json", tmp_path / "out" / "junit.xml"
    argv = ["check", str(repo), "--commit", "HEAD", "--format", "json", "--output", str(verdict_file)]
    assert main([*argv, "--format", "junit", "--output", str(junit_file), "--format", "text"]) == 0
    verdict = json.loads(verdict_file.read_text())
    Draft202012Validator(load_schema("verdict.schema.json")).validate(verdict)
    assert verdict["commit"] == sha and verdict["status"] == "success"  # formats warns, it does not fail
    formats = next(c for c in verdict["checks"] if c["id"] == "formats")
    assert [f["path"] for f in formats["findings"]] == ["output_data/figure.png"]
    assert junit_file.read_text().count("<testcase") == len(verdict["checks"])
    assert "output_data/figure.png" in capsys.readouterr().out  # text to standard output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["junit.xml", "verdict.json"]


def test_check_refuses_what_it_cannot_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = _committed(REPO_ROOT / "tests" / "examples" / "checks" / "formats" / "pass", tmp_path / "repo")
    assert main(["check", str(repo), "--commit", "v9.9"]) == 2
    assert "no commit 'v9.9'" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "nowhere"), "--commit", "HEAD"]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["check", str(repo), "--format", "json", "--format", "text"]) == 2
    assert "only one report can go to standard output" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["check", str(repo), "--output", str(tmp_path / "x.json")])
    assert "each --output needs its own --format" in capsys.readouterr().err
