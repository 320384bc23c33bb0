"""The environment notebook on a real kernel: it says whether dgbot is there, and installs it when not.

The kernel without dgbot is this Python with dgbot hidden from its imports; pip gets no package
index (PIP_NO_INDEX), as on a machine without network, so the install fails: the notebook must
stop with one short message naming what to install, not a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from dgbot import __version__
from dgbot.cli import main
from notebooks.generate_helpers import outputs, research_copy

pytestmark = pytest.mark.slow

HIDE_DGBOT = """
import sys

class Hide:
    def __init__(self, inner):
        self.inner = inner

    def find_spec(self, name, path=None, target=None):
        if name == "dgbot" or name.startswith("dgbot."):
            return None
        find = getattr(self.inner, "find_spec", None)
        return find(name, path, target) if find else None

    def __getattr__(self, name):
        return getattr(self.inner, name)

sys.meta_path[:] = [Hide(finder) for finder in sys.meta_path]
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


def _kernel_without_dgbot(folder: Path) -> str:
    spec = folder / "kernels" / "no-dgbot"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", HIDE_DGBOT, "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "no dgbot", "language": "python"})
    )
    return "no-dgbot"


def _execute(repo: Path, executed: Path, kernel: str, parameters: dict[str, Any] | None = None) -> Any:
    import papermill

    notebook = repo / "workflows" / "01_prepare_environment.ipynb"
    papermill.execute_notebook(
        str(notebook), str(executed), parameters=parameters, cwd=str(notebook.parent), kernel_name=kernel,
        progress_bar=False,
    )  # fmt: skip


def test_the_environment_notebook_names_the_dgbot_of_its_kernel(tmp_path: Path) -> None:
    repo = research_copy(tmp_path / "repo")
    assert main(["generate", "-q", str(repo)]) == 0
    _execute(repo, tmp_path / "ran.ipynb", "python3")
    cells = outputs(nbformat.read(tmp_path / "ran.ipynb", as_version=4))
    assert cells["dgbot"]["text"] == f"dgbot {__version__} is installed in this kernel ({sys.executable})\n"
    assert cells["plan-parameters"]["text"] == ""  # the version came through papermill, as a literal
    source = nbformat.read(repo / "workflows" / "01_prepare_environment.ipynb", as_version=4)
    (injected,) = [c for c in source.cells if c.id == "plan-parameters"]
    assert f'dgbot_version = "{__version__}"\n' in injected.source


def test_without_dgbot_and_without_an_index_the_notebook_stops_with_one_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papermill.exceptions import PapermillExecutionError

    repo = research_copy(tmp_path / "repo")
    assert main(["generate", "-q", str(repo)]) == 0
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share"))
    kernel = _kernel_without_dgbot(tmp_path / "share")
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # no network: pip finds nothing to install
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    executed = tmp_path / "ran.ipynb"
    with pytest.raises(PapermillExecutionError) as stopped:
        _execute(repo, executed, kernel, {"dgbot_version": "999.0"})  # a version no index offers
    assert stopped.value.ename == "DgbotMissing"
    assert stopped.value.evalue.startswith(
        f"dgbot==999.0 could not be installed into this kernel's Python ({sys.executable})"
    )
    assert "pip install dgbot==999.0" in stopped.value.evalue
    notebook = nbformat.read(executed, as_version=4)
    (cell,) = [c for c in notebook.cells if c.id == "dgbot"]
    printed = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
    assert printed == f"dgbot is not installed in this kernel ({sys.executable}); installing dgbot==999.0\n"
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    assert error.traceback == [f"DgbotMissing: {stopped.value.evalue}"]  # one line, no traceback wall
