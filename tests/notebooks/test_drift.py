"""Drift (`dgbot generate --check`) and never overwriting a notebook the researcher edited."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dgbot.cli import main
from dgbot.config import Settings
from dgbot.dmp.settings import load_settings
from dgbot.notebooks.drift import compare
from dgbot.notebooks.write import generate_into
from dgbot.snapshot import snapshot_commit
from notebooks.generate_helpers import RESEARCH_REPO, plan_from, read, research_copy, research_plan

FOLDER = "workflows"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example research repository with freshly generated notebooks."""
    root = research_copy(tmp_path / "repo")
    assert main(["generate", "-q", str(root)]) == 0
    return root


def _set_plan(root: Path, **changes: object) -> None:
    document = json.loads((root / "dmp.json").read_text())
    document.update(changes)
    (root / "dmp.json").write_text(json.dumps(document, indent=2))


def _edit(path: Path, cell_id: str, source: str) -> None:
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["id"] == cell_id:
            cell["source"] = source
    path.write_text(json.dumps(notebook, indent=1))


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["generate", "--check", str(root)])
    return code, capsys.readouterr().out


def test_check_passes_right_after_generation(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(repo, capsys) == (0, "no drift\n")
    before = {p.name: p.read_bytes() for p in (repo / FOLDER).iterdir()}
    assert main(["generate", str(repo)]) == 0
    assert {p.name: p.read_bytes() for p in (repo / FOLDER).iterdir()} == before


def test_check_fails_after_a_plan_change_naming_cells_and_parameters(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_plan(repo, contentSize="10GB")
    code, out = _check(repo, capsys)
    assert code == 1
    assert out.splitlines() == [
        "drift: workflows/05_monitor_data.ipynb: differs from what the plan generates: "
        "cells plan-parameters, volume-en (parameters size_limit, size_limit_label)",
        "1 difference(s) from what the plan generates",
    ]
    before = (repo / FOLDER / "00_index.ipynb").read_bytes()
    assert main(["generate", "-q", str(repo)]) == 0
    assert (repo / FOLDER / "00_index.ipynb").read_bytes() == before  # unaffected: not rewritten
    assert _check(repo, capsys) == (0, "no drift\n")


def test_an_edited_notebook_is_kept_and_the_new_version_written_beside(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monitor = repo / FOLDER / "05_monitor_data.ipynb"
    _edit(monitor, "setup", "# my own setup\n")
    edited = monitor.read_bytes()
    assert _check(repo, capsys) == (0, "no drift\n")  # edited, but still the plan's version
    _set_plan(repo, contentSize="10GB")
    code, out = _check(repo, capsys)
    assert code == 1
    assert (
        "drift: workflows/05_monitor_data.ipynb: edited by hand (cells setup) and the plan now generates "
        "another version (cells plan-parameters, volume-en (parameters size_limit, size_limit_label)); "
        "dgbot will not overwrite it"
    ) in out
    capsys.readouterr()
    assert main(["generate", str(repo)]) == 0
    assert (
        "its new version is written beside it as workflows/05_monitor_data.new.ipynb"
        in capsys.readouterr().out
    )
    assert monitor.read_bytes() == edited
    beside = read((repo / FOLDER / "05_monitor_data.new.ipynb").read_text())
    assert json.loads(beside.cells[4].source.split("= ", 1)[1].splitlines()[0]) == 10 * 1024**3


def test_on_edit_skip_writes_nothing(repo: Path) -> None:
    monitor = repo / FOLDER / "05_monitor_data.ipynb"
    _edit(monitor, "result", "print('mine')\n")
    _set_plan(repo, contentSize="10GB")
    (repo / ".dgbot.yml").write_text("notebooks:\n  on_edit: skip\n")
    actions = {a.state.path: a.done for a in generate_into(plan_from(_document(repo)), _skip(), repo)}
    assert actions["workflows/05_monitor_data.ipynb"] == "skipped"
    assert not (repo / FOLDER / "05_monitor_data.new.ipynb").exists()
    assert "print('mine')" in monitor.read_text()


def _document(root: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((root / "dmp.json").read_text())
    return loaded


def _skip() -> Settings:
    return Settings(on_edit="skip")


def test_missing_foreign_and_obsolete_notebooks(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / FOLDER / "01_prepare_environment.ipynb").unlink()
    (repo / FOLDER / "02_run_experiment.ipynb").write_text("not a notebook")
    (repo / FOLDER / "my_analysis.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    _set_plan(repo, reproducibility={})  # no targets: no reproducibility notebook
    code, out = _check(repo, capsys)
    assert code == 1
    assert out.splitlines()[:-1] == [
        "drift: workflows/00_index.ipynb: differs from what the plan generates: cells plan-parameters, "
        "reproducibility-en (parameters ci_notebooks)",
        "drift: workflows/01_prepare_environment.ipynb: missing; the plan generates it",
        "drift: workflows/02_run_experiment.ipynb: is not a notebook dgbot generated (or cannot be read); "
        "dgbot will not overwrite it",
        "drift: workflows/06_check_reproducibility.ipynb: generated by dgbot, "
        "but the plan no longer calls for it",
    ]
    assert main(["generate", "-q", str(repo)]) == 0
    assert not (repo / FOLDER / "06_check_reproducibility.ipynb").exists()
    assert (repo / FOLDER / "02_run_experiment.ipynb").read_text() == "not a notebook"
    assert (repo / FOLDER / "my_analysis.ipynb").exists()  # the researcher's own notebook


def test_compare_reads_a_snapshot_of_a_commit(repo: Path) -> None:
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "generated"]):
        subprocess.run(
            ["git", *command],
            cwd=repo,
            check=True,
            capture_output=True,
            env={
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.org",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org",
                "HOME": str(repo.parent),
                "PATH": "/usr/bin:/bin",
            },
        )
    snapshot = snapshot_commit(repo, "HEAD")
    existing = [entry.path for entry in snapshot.under(FOLDER)]
    plan = plan_from(research_plan())
    settings, _ = load_settings(repo)
    assert compare(plan, settings, snapshot.read, existing) == []
    document = research_plan()
    document["datasetStructure"] = "for_parameters"
    run, monitor = compare(plan_from(document), settings, snapshot.read, existing)
    assert (run.path, run.kind, run.parameters) == (
        "workflows/02_run_experiment.ipynb",
        "outdated",
        ("dataset_structure",),
    )
    assert set(run.cells) == {"plan-parameters", "single-en", "single", "sets-en", "sets"}
    assert (monitor.path, monitor.cells) == (
        "workflows/05_monitor_data.ipynb",
        ("plan-parameters", "structure-en"),
    )


def test_out_folder_and_an_invalid_plan(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "elsewhere"
    assert main(["generate", "-q", "--out", str(out), str(repo)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in (repo / FOLDER).iterdir())
    assert main(["generate", "--check", "--out", str(out), str(repo)]) == 0
    _set_plan(repo, contentSize="100 gigabytes")
    capsys.readouterr()
    assert main(["generate", str(repo)]) == 1
    assert "must be valid" in capsys.readouterr().err
    assert main(["generate", str(tmp_path / "absent")]) == 2


def test_the_bundled_research_repository_is_in_step_with_its_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README's main job runs `dgbot generate examples/research-repo`: its notebooks are committed."""
    assert _check(RESEARCH_REPO, capsys) == (0, "no drift\n")
    assert main(["generate", "-q", "--out", str(tmp_path), str(RESEARCH_REPO)]) == 0
    committed = {p.name: p.read_bytes() for p in (RESEARCH_REPO / FOLDER).iterdir()}
    assert committed == {p.name: p.read_bytes() for p in tmp_path.iterdir()}


def test_text_that_cannot_be_encoded_is_written_and_read_back(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = (repo / "dmp.json").read_text().replace('"Temperature drift', '"\\ud800 Temperature drift', 1)
    (repo / "dmp.json").write_text(raw)
    assert main(["generate", "-q", str(repo)]) == 0
    index = read((repo / FOLDER / "00_index.ipynb").read_text())
    assert index.metadata["papermill"]["parameters"]["title"].startswith("\ud800 Temperature")
    assert index.cells[0].source.startswith("# Research flow: \ufffd Temperature")
    assert _check(repo, capsys) == (0, "no drift\n")


def test_a_notebook_folder_linked_outside_the_repository_is_refused(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(repo / FOLDER)
    (repo / FOLDER).symlink_to(outside)
    assert main(["generate", str(repo)]) == 1  # repository content, not the call, is at fault
    assert "leads outside the repository" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_drift_as_findings_of_a_snapshot(repo: Path) -> None:
    from dgbot.notebooks.drift import drift_findings
    from dgbot.records import Severity
    from dgbot.snapshot import snapshot_worktree

    _edit(repo / FOLDER / "00_index.ipynb", "summary", "print('mine')\n")
    (repo / FOLDER / "01_prepare_environment.ipynb").unlink()
    settings, _ = load_settings(repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    found = drift_findings(plan_from(research_plan()), snapshot_worktree(repo), settings)
    assert [(f.rule, f.severity, f.location.path) for f in found] == [
        ("kept", Severity.NOTICE, "workflows/00_index.ipynb"),
        ("missing", Severity.ERROR, "workflows/01_prepare_environment.ipynb"),
    ]
    assert found[1].hint == "run `dgbot generate` and commit the notebook"
