"""The step library the generated notebooks call: paths, GPU detection, and its use of the record layer."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dgbot.errors import UsageError
from dgbot.steps import inside, repository
from dgbot.steps.environment import gpu_report, requirement_names
from dgbot.steps.experiment import judge_reproducibility, recorded_outputs, run_experiment, save_state
from notebooks.generate_helpers import RESEARCH_REPO
from record.test_gpu import BANNER, DRIVER_ERROR, ONE, stand_in


def _fake_nvidia_smi(folder: Path, monkeypatch: pytest.MonkeyPatch, query: str, code: int = 0) -> None:
    """The record layer's stand-in nvidia-smi, first on PATH."""
    banner = BANNER.format(driver="535.104.05", cuda="12.2")
    monkeypatch.setenv("PATH", stand_in(folder, query, banner, code)["PATH"])


def test_no_gpu_is_recorded_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi anywhere
    record = gpu_report({"count": 1, "cuda": "12.1"})
    assert record["present"] is False and record["problems"] == []
    assert record["reason"] == "no GPU: nvidia-smi is not installed"


def test_gpus_are_compared_with_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_nvidia_smi(tmp_path, monkeypatch, ONE)
    record = gpu_report({"count": 2, "min_memory": 48 * 1024**3, "cuda": "12.4"})
    assert record["present"] is True and record["cuda"] == "12.2"
    assert record["gpus"] == [
        {"name": "NVIDIA A100-SXM4-40GB", "memory": 40960 * 1024**2, "driver": "535.104.05"}
    ]
    assert record["problems"] == [
        "the plan needs 2 GPU(s); 1 found",
        "a GPU has less memory than the 49152 MiB the plan needs",
        "the driver supports CUDA 12.2; the plan needs 12.4",
    ]
    assert gpu_report({"count": 1, "min_memory": 16 * 1024**3, "cuda": "12.1"})["problems"] == []


def test_a_failing_nvidia_smi_is_a_recorded_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_nvidia_smi(tmp_path, monkeypatch, DRIVER_ERROR, code=9)
    record = gpu_report(None)
    assert record["present"] is False and "couldn't communicate" in record["reason"]


def test_paths_from_the_plan_stay_inside_the_repository(tmp_path: Path) -> None:
    assert inside(tmp_path, "output_data/x.csv") == tmp_path.resolve() / "output_data" / "x.csv"
    for bad in ("../elsewhere", "/etc/passwd", "a/../../b", "C:/x"):
        with pytest.raises(UsageError, match="leaves the repository"):
            inside(tmp_path, bad)


def test_the_repository_is_found_from_the_notebook_folder(tmp_path: Path) -> None:
    (tmp_path / "dmp.yaml").write_text("schema: basic\n")
    (tmp_path / "workflows").mkdir()
    assert repository(start=tmp_path / "workflows") == tmp_path.resolve()
    with pytest.raises(UsageError, match="no repository with a plan"):
        repository(start=Path("/"))


def _plan_only(target: Path, git: bool = True) -> Path:
    """A folder with the research repository's plan, settings and outputs (no DataLad, no notebooks)."""
    for name in ("dmp.json", ".dgbot.yml"):
        shutil.copy(RESEARCH_REPO / name, target / name)
    shutil.copytree(RESEARCH_REPO / "output_data", target / "output_data")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "plan"]) if git else ():
        subprocess.run([*_GIT, "-C", str(target), *command], check=True)
    return target


_GIT = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]


def _provenance(repo: Path, outputs: list[dict[str, str | None]], status: str = "success") -> None:
    """The record a run in this work tree leaves (untracked, made at HEAD)."""
    report = repo / ".dgbot" / "report"
    report.mkdir(parents=True)
    block = {"patterns": ["output_data/*.csv", "output_data/*.json"], "outputs": outputs}
    head = subprocess.run([*_GIT, "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True)
    state = {"commit": head.stdout.strip(), "dirty": False}
    record = {"status": status, "repository": state, "reproducibility": block}
    (report / "provenance.json").write_text(json.dumps(record))


def test_reproducibility_is_judged_by_the_reproducibility_check(tmp_path: Path) -> None:
    repo = _plan_only(tmp_path)
    recorded = recorded_outputs(repo)  # the plan's patterns, digested as the run digests them
    assert sorted(recorded) == ["output_data/metrics.csv", "output_data/model.json"]
    same = [{"path": path, "recorded": d, "rerun": d} for path, d in recorded.items()]
    _provenance(repo, same)
    assert judge_reproducibility(repo, strict=True) == {"status": "success", "findings": []}


def test_a_changed_output_fails_and_stops_a_strict_notebook(tmp_path: Path) -> None:
    repo = _plan_only(tmp_path)
    same = {"path": "output_data/metrics.csv", "recorded": "c" * 64, "rerun": "c" * 64}
    _provenance(repo, [same, {"path": "output_data/model.json", "recorded": "a" * 64, "rerun": "b" * 64}])
    verdict = judge_reproducibility(repo, strict=False)
    assert verdict["status"] == "failure"
    assert verdict["findings"] == [
        "error: output_data/model.json: output_data/model.json came out different "
        "(recorded aaaaaaaaaaaa…, re-run bbbbbbbbbbbb…)"
    ]
    with pytest.raises(RuntimeError, match=r"outputs not reproduced: error: output_data/model\.json"):
        judge_reproducibility(repo, strict=True)


def test_no_run_is_not_a_reproduced_run(tmp_path: Path) -> None:
    repo = _plan_only(tmp_path)
    assert judge_reproducibility(repo, strict=False)["status"] == "skipped"
    with pytest.raises(RuntimeError, match="outputs not reproduced"):
        judge_reproducibility(repo, strict=True)


def test_the_experiment_must_be_a_notebook_of_the_repository(tmp_path: Path) -> None:
    repo = _plan_only(tmp_path)
    (repo / "source").mkdir()
    (repo / "source" / "train.py").write_text("print('hi')\n")
    for experiment in ("source/train.py", "source/missing.ipynb"):
        with pytest.raises(UsageError, match="is not a notebook in the repository"):
            run_experiment(repo, experiment, {})
    with pytest.raises(UsageError, match="leaves the repository"):
        run_experiment(repo, "../elsewhere.ipynb", {})


def test_saving_the_state_needs_a_datalad_dataset(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a DataLad dataset"):
        save_state(_plan_only(tmp_path, git=False))
    assert not (tmp_path / ".gitattributes").exists()  # nothing written before the refusal


def test_requirement_names(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "numpy>=1.26  # arrays\n-e .\n\nscipy[all]==1.13\ntorch @ https://x\n"
    )
    assert requirement_names(tmp_path) == ["numpy", "scipy", "torch"]
