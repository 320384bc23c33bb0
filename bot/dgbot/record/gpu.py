"""GPU inventory from `nvidia-smi` query output: names, driver, CUDA and memory, or why there is none."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

QUERY = ("index", "name", "uuid", "driver_version", "memory.total", "compute_cap")
_CUDA = re.compile(r"CUDA Version\s*:\s*([0-9.]+)")
_UNITS = {"KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "B": 1}
TIMEOUT = 20.0  # seconds; a wedged driver can make nvidia-smi hang


def gpu_inventory(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The GPUs `nvidia-smi` reports: {"available": bool, "devices": [...], ...}, never raising."""
    path = shutil.which("nvidia-smi", path=(environ or {}).get("PATH"))
    if path is None:
        return {"available": False, "reason": "no GPU: nvidia-smi is not installed", "devices": []}
    query = _call(path, f"--query-gpu={','.join(QUERY)}", "--format=csv")
    if isinstance(query, str):
        return {"available": False, "reason": f"nvidia-smi failed: {query}", "devices": []}
    try:
        devices = parse_query(query.stdout)
    except ValueError as error:
        return {"available": False, "reason": f"nvidia-smi output not understood: {error}", "devices": []}
    if not devices:
        return {"available": False, "reason": "no GPU: nvidia-smi lists no device", "devices": []}
    banner = _call(path)
    cuda = None if isinstance(banner, str) else _cuda_version(banner.stdout)
    drivers = sorted({d["driver"] for d in devices if d["driver"]})
    return {"available": True, "driver": ", ".join(drivers) or None, "cuda": cuda, "devices": devices}


def _call(path: str, *args: str) -> subprocess.CompletedProcess[str] | str:
    """nvidia-smi's output, or the reason it gave none (its own message, or a timeout)."""
    try:
        done = subprocess.run([path, *args], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if done.returncode != 0:
        said = (done.stdout + done.stderr).strip().splitlines()
        return f"exit code {done.returncode}" + (f": {said[0].strip()}" if said else "")
    return done


def parse_query(text: str) -> list[dict[str, Any]]:
    """Devices from `--query-gpu=... --format=csv` output (header line, values with units)."""
    rows = list(csv.reader(io.StringIO(text), skipinitialspace=True))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.split(" [")[0].strip() for cell in rows[0]]
    if "name" not in header:
        raise ValueError(f"no header line, first line is {','.join(rows[0])!r}")
    devices: list[dict[str, Any]] = []
    for row in rows[1:]:
        if len(row) != len(header):
            raise ValueError(f"{len(row)} values for {len(header)} columns in {','.join(row)!r}")
        values = dict(zip(header, (cell.strip() for cell in row), strict=True))
        devices.append(
            {
                "index": int(values["index"]) if values.get("index", "").isdigit() else len(devices),
                "name": values["name"],
                "uuid": _known(values.get("uuid")),
                "driver": _known(values.get("driver_version")),
                "memory_bytes": _bytes(values.get("memory.total")),
                "compute_capability": _known(values.get("compute_cap")),
            }
        )
    return devices


def _known(value: str | None) -> str | None:
    """nvidia-smi writes "[N/A]" or "[Not Supported]" for what it cannot tell."""
    return None if value is None or value.startswith("[") or not value else value


def _bytes(value: str | None) -> int | None:
    if _known(value) is None:
        return None
    assert value is not None
    number, _, unit = value.partition(" ")
    try:
        return int(float(number) * _UNITS.get(unit or "MiB", 1024**2))
    except ValueError:
        return None


def _cuda_version(banner: str) -> str | None:
    match = _CUDA.search(banner)
    return match[1] if match else None
