"""The library the generated notebooks call: paths, GPU detection, output comparison."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dgbot.errors import UsageError
from dgbot.notebooks.steps import inside, repository
from dgbot.notebooks.steps.environment import gpu_report, requirement_names
from dgbot.notebooks.steps.experiment import compare_outputs, fingerprint

HEADER = """+-----------------------------------------------------------------------------+
| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2     |
+-----------------------------------------------------------------------------+
"""


def _fake_nvidia_smi(folder: Path, monkeypatch: pytest.MonkeyPatch, csv: str, code: int = 0) -> None:
    """A stand-in nvidia-smi on PATH that answers like the real one (query CSV, or the header)."""
    (folder / "header.txt").write_text(HEADER)
    (folder / "query.txt").write_text(csv)
    script = folder / "nvidia-smi"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ -n "$1" ]; then cat "{folder}/query.txt"; exit {code}; fi\n'
        f'cat "{folder}/header.txt"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def test_no_gpu_is_recorded_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi anywhere
    record = gpu_report({"count": 1, "cuda": "12.1"})
    assert record["present"] is False and record["problems"] == []
    assert record["reason"] == "nvidia-smi not found: no NVIDIA GPU on this machine"


def test_gpus_are_compared_with_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_nvidia_smi(tmp_path, monkeypatch, "NVIDIA A100-SXM4-40GB, 40960, 535.104.05\n")
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
    _fake_nvidia_smi(tmp_path, monkeypatch, "NVIDIA-SMI has failed because it couldn't communicate\n", code=9)
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


def test_outputs_are_compared_byte_for_byte(tmp_path: Path) -> None:
    (tmp_path / "output_data").mkdir()
    (tmp_path / "output_data" / "a.csv").write_text("1\n")
    (tmp_path / "output_data" / "b.csv").write_text("2\n")
    before = fingerprint(tmp_path, ["output_data/*.csv"])
    (tmp_path / "output_data" / "b.csv").write_text("3\n")
    (tmp_path / "output_data" / "c.csv").write_text("4\n")
    result = compare_outputs(before, fingerprint(tmp_path, ["output_data/*.csv"]))
    assert result == {
        "reproduced": ["output_data/a.csv"],
        "changed": ["output_data/b.csv"],
        "missing": [],
        "new": ["output_data/c.csv"],
        "ok": False,
    }
    assert compare_outputs({}, {})["ok"] is False  # nothing to compare proves nothing


def test_requirement_names(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "numpy>=1.26  # arrays\n-e .\n\nscipy[all]==1.13\ntorch @ https://x\n"
    )
    assert requirement_names(tmp_path) == ["numpy", "scipy", "torch"]
