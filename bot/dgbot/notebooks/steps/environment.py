"""Environment preparation: Python and packages, Docker or Binder files, and the GPU if one is needed."""

from __future__ import annotations

import importlib.metadata
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

BINDER_FILES = ("binder/requirements.txt", "binder/apt.txt", "binder/postBuild", "requirements.txt")
GPU_QUERY = "--query-gpu=name,memory.total,driver_version"
MIB = 1024**2


def python_report(packages: Iterable[str]) -> dict[str, Any]:
    """The Python that runs the notebook and the installed version of each package (None: missing)."""
    found: dict[str, str | None] = {}
    for name in packages:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "packages": found,
        "missing": sorted(name for name, version in found.items() if version is None),
    }


def docker_report(repo: Path, image: str | None) -> dict[str, Any]:
    """What the plan's useDocker needs: a Dockerfile (or an image) and a Docker client."""
    dockerfile = (repo / "Dockerfile").is_file()
    problems = [] if dockerfile or image else ["the plan uses Docker but there is no Dockerfile and no image"]
    return {
        "dockerfile": dockerfile,
        "image": image,
        "docker_cli": shutil.which("docker") is not None,
        "problems": problems,
    }


def binder_report(repo: Path) -> dict[str, Any]:
    """Which Binder environment files the repository has (the plan does not use Docker)."""
    present = [name for name in BINDER_FILES if (repo / name).is_file()]
    problems = [] if present else ["no binder/ or requirements.txt: the environment cannot be rebuilt"]
    return {"files": present, "problems": problems}


def _query(nvidia_smi: str) -> tuple[list[dict[str, Any]], str | None]:
    listed = subprocess.run(
        [nvidia_smi, GPU_QUERY, "--format=csv,noheader,nounits"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if listed.returncode != 0:
        return [], (listed.stderr or listed.stdout).strip() or f"nvidia-smi exited {listed.returncode}"
    gpus = []
    for line in listed.stdout.splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) == 3 and parts[1].isdigit():
            gpus.append({"name": parts[0], "memory": int(parts[1]) * MIB, "driver": parts[2]})
    return gpus, None


def _cuda(nvidia_smi: str) -> str | None:
    header = subprocess.run([nvidia_smi], capture_output=True, text=True, timeout=60, check=False).stdout
    marker = "CUDA Version:"
    if marker not in header:
        return None
    return header.split(marker, 1)[1].split()[0].strip("|")


def _problems(gpus: list[dict[str, Any]], cuda: str | None, needed: Mapping[str, Any]) -> list[str]:
    problems = []
    if len(gpus) < int(needed.get("count") or 1):
        problems.append(f"the plan needs {needed.get('count') or 1} GPU(s); {len(gpus)} found")
    memory = needed.get("min_memory")
    if memory and any(gpu["memory"] < memory for gpu in gpus):
        problems.append(f"a GPU has less memory than the {memory // MIB} MiB the plan needs")
    wanted = needed.get("cuda")
    if wanted and cuda and _version(cuda) < _version(str(wanted)):
        problems.append(f"the driver supports CUDA {cuda}; the plan needs {wanted}")
    return problems


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def gpu_report(needed: Mapping[str, Any] | None) -> dict[str, Any]:
    """GPUs seen by nvidia-smi with driver and CUDA versions, or a recorded "no GPU" (never a crash)."""
    nvidia_smi = shutil.which("nvidia-smi")
    if nvidia_smi is None:
        return {
            "present": False,
            "reason": "nvidia-smi not found: no NVIDIA GPU on this machine",
            "needed": dict(needed or {}),
            "gpus": [],
            "problems": [],
        }
    gpus, error = _query(nvidia_smi)
    cuda = _cuda(nvidia_smi) if gpus else None
    record: dict[str, Any] = {"present": bool(gpus), "gpus": gpus, "cuda": cuda, "needed": dict(needed or {})}
    if error or not gpus:
        record["reason"] = error or "nvidia-smi lists no GPU"
        record["problems"] = []
        return record
    record["problems"] = _problems(gpus, cuda, needed or {})
    return record


def requirement_names(repo: Path) -> list[str]:
    """Package names listed in the repository's requirements.txt (versions and options left out)."""
    path = repo / "requirements.txt"
    if not path.is_file():
        return []
    names = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[\s<>=!~;\[@]", line, maxsplit=1)[0])
    return names
