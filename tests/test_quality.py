"""The code stays clean: ruff, mypy (strict on bot/), the import-layer contracts (docs/architecture.md)
and modules of one concern, none over 300 lines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.slow
MODULE_LINES = 300  # a module past this has outgrown one concern: split it (CONTRIBUTING.md)


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is a test dependency; install with pip install -e '.[test]'"
    return found


def test_ruff_lint() -> None:
    result = _run(_tool("ruff"), "check", "bot", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run(_tool("ruff"), "format", "--check", "bot", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run(_tool("mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_layers() -> None:
    result = _run(_tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in sorted((REPO_ROOT / "bot" / "dgbot").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert long == {}, f"split these by concern: {long}"


def test_schemas_and_templates_reached_only_through_resources() -> None:
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "bot" / "dgbot").rglob("*.py")
        if path.name != "resources.py"
        and any(
            word in path.read_text() for word in ("__file__", "importlib.resources", "importlib_resources")
        )
    ]
    assert offenders == []


def test_the_wheel_ships_schemas_reached_through_resources(tmp_path: Path) -> None:
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), ".")
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("dgbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (REPO_ROOT / "schemas").rglob("*.json"):
        assert f"dgbot/_data/schemas/{schema.relative_to(REPO_ROOT / 'schemas').as_posix()}" in names
    site = tmp_path / "site"
    installed = _run(
        sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)
    )
    assert installed.returncode == 0, installed.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import dgbot.resources as r; print(r._data_root()); r.load_schema('verdict.schema.json')",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().startswith(str(site))
