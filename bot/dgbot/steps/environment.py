"""Environment preparation: Python and packages, Docker or Binder files, and the GPU if one is needed."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dgbot.record.gpu import gpu_inventory

BINDER_FILES = ("binder/requirements.txt", "binder/apt.txt", "binder/postBuild", "requirements.txt")
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


def _problems(gpus: list[dict[str, Any]], cuda: str | None, needed: Mapping[str, Any]) -> list[str]:
    problems = []
    if len(gpus) < int(needed.get("count") or 1):
        problems.append(f"the plan needs {needed.get('count') or 1} GPU(s); {len(gpus)} found")
    memory = needed.get("min_memory")
    if memory and any(gpu["memory"] is not None and gpu["memory"] < memory for gpu in gpus):
        problems.append(f"a GPU has less memory than the {memory // MIB} MiB the plan needs")
    wanted = needed.get("cuda")
    if wanted and cuda and _version(cuda) < _version(str(wanted)):
        problems.append(f"the driver supports CUDA {cuda}; the plan needs {wanted}")
    return problems


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def gpu_report(needed: Mapping[str, Any] | None) -> dict[str, Any]:
    """The GPU inventory dgbot records in provenance, compared with what the plan needs."""
    inventory = gpu_inventory(os.environ)
    gpus = [
        {"name": d["name"], "memory": d["memory_bytes"], "driver": d["driver"]} for d in inventory["devices"]
    ]
    record: dict[str, Any] = {
        "present": inventory["available"],
        "gpus": gpus,
        "cuda": inventory.get("cuda"),
        "needed": dict(needed or {}),
        "problems": _problems(gpus, inventory.get("cuda"), needed or {}) if inventory["available"] else [],
    }
    if not inventory["available"]:
        record["reason"] = inventory["reason"]
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
