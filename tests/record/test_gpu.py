"""GPU inventory from a stand-in `nvidia-smi` on PATH that answers as the real one does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dgbot.record.gpu import gpu_inventory, parse_query

HEADER = "index, name, uuid, driver_version, memory.total [MiB], compute_cap"
ONE = f"{HEADER}\n0, NVIDIA A100-SXM4-40GB, GPU-5b3c2f8e-1d4a-4c2b-9e61-0f1a2b3c4d5e, 535.104.05, 40960 MiB, 8.0\n"  # noqa: E501
TWO = (
    f"{HEADER}\n"
    "0, NVIDIA GeForce RTX 4090, GPU-11111111-2222-3333-4444-555555555555, 550.54.14, 24564 MiB, 8.9\n"
    "1, Tesla T4, GPU-66666666-7777-8888-9999-000000000000, 550.54.14, 15360 MiB, 7.5\n"
)
BANNER = """+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI {driver}              Driver Version: {driver}      CUDA Version: {cuda}     |
|-----------------------------------------+------------------------+----------------------+
"""
DRIVER_ERROR = (
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
    "Make sure that the latest NVIDIA driver is installed and running.\n"
)


def stand_in(folder: Path, query: str, banner: str, code: int = 0) -> dict[str, str]:
    """An `nvidia-smi` script: the CSV for --query-gpu, the banner otherwise; PATH holding only it."""
    (folder / "query.csv").write_text(query)
    (folder / "banner.txt").write_text(banner)
    script = folder / "nvidia-smi"
    script.write_text(
        "#!/bin/sh\n"
        f'case "$1" in --query-gpu=*) cat "{folder}/query.csv";; *) cat "{folder}/banner.txt";; esac\n'
        f"exit {code}\n"
    )
    script.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin"}


def test_one_gpu(tmp_path: Path) -> None:
    found = gpu_inventory(stand_in(tmp_path, ONE, BANNER.format(driver="535.104.05", cuda="12.2")))
    assert found["available"] is True
    assert (found["driver"], found["cuda"]) == ("535.104.05", "12.2")
    assert found["devices"] == [
        {
            "index": 0,
            "name": "NVIDIA A100-SXM4-40GB",
            "uuid": "GPU-5b3c2f8e-1d4a-4c2b-9e61-0f1a2b3c4d5e",
            "driver": "535.104.05",
            "memory_bytes": 40960 * 1024**2,
            "compute_capability": "8.0",
        }
    ]


def test_two_gpus(tmp_path: Path) -> None:
    found = gpu_inventory(stand_in(tmp_path, TWO, BANNER.format(driver="550.54.14", cuda="12.4")))
    assert [(d["index"], d["name"], d["memory_bytes"]) for d in found["devices"]] == [
        (0, "NVIDIA GeForce RTX 4090", 24564 * 1024**2),
        (1, "Tesla T4", 15360 * 1024**2),
    ]
    assert (found["driver"], found["cuda"]) == ("550.54.14", "12.4")


def test_driver_error_is_no_gpu_with_nvidia_smis_reason(tmp_path: Path) -> None:
    found = gpu_inventory(stand_in(tmp_path, DRIVER_ERROR, DRIVER_ERROR, code=9))
    assert found["available"] is False and found["devices"] == []
    assert found["reason"] == f"nvidia-smi failed: exit code 9: {DRIVER_ERROR.strip()}"


def test_garbled_output_is_not_a_crash(tmp_path: Path) -> None:
    found = gpu_inventory(stand_in(tmp_path, "0, A100, 40960 MiB\n", ""))
    assert found["available"] is False
    assert found["reason"].startswith("nvidia-smi output not understood: no header line")


def test_values_nvidia_smi_cannot_tell_are_none() -> None:
    text = f"{HEADER}\n0, NVIDIA Graphics Device, [N/A], 470.82.01, [Not Supported], [N/A]\n"
    assert parse_query(text)[0] | {"name": ""} == {
        "index": 0,
        "name": "",
        "uuid": None,
        "driver": "470.82.01",
        "memory_bytes": None,
        "compute_capability": None,
    }


def test_a_row_with_missing_values_is_an_error() -> None:
    with pytest.raises(ValueError, match="5 values for 6 columns"):
        parse_query(f"{HEADER}\n0, A100, GPU-1, 535.104.05, 40960 MiB\n")


def test_this_machine() -> None:
    """Without nvidia-smi (this machine, most CI runners) the record says there is no GPU."""
    found = gpu_inventory(os.environ)
    if shutil.which("nvidia-smi") is None:
        assert found == {"available": False, "reason": "no GPU: nvidia-smi is not installed", "devices": []}
    else:  # a GPU runner: whatever it reports is either devices or the reason there are none
        assert found["devices"] if found["available"] else found["reason"]
