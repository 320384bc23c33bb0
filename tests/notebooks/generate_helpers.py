"""Shared by the generation tests: example plans, copies of the example research repository."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import nbformat

from conftest import REPO_ROOT, copy_example
from dgbot.config import Settings
from dgbot.dmp import validate_bytes, validate_file
from dgbot.dmp.plan import Plan

PLANS = sorted((REPO_ROOT / "examples" / "plans").iterdir())
RESEARCH_REPO = REPO_ROOT / "examples" / "research-repo"
# Everything the issue names as hostile, in one string, plus a second one with line breaks.
HOSTILE = (
    'a "double" \'single\' """triple""" \'\'\' back\\slash \\n %s % {} {{x}} {0} $(touch PWNED) '
    "`touch PWNED` </script><script>alert(1)</script> 日本語の題名 __import__('os').system('touch PWNED')"
)
HOSTILE_LINES = HOSTILE + "\nsecond line\r\n# not a heading\x0b\t\\"


def load_plan(path: Path) -> Plan:
    validation = validate_file(path, path.name)
    assert validation.valid and validation.plan is not None, validation.findings
    return validation.plan


def plan_from(document: dict[str, Any], name: str = "dmp.json") -> Plan:
    validation = validate_bytes(json.dumps(document, ensure_ascii=False).encode(), name)
    assert validation.valid and validation.plan is not None, validation.findings
    return validation.plan


def research_plan() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((RESEARCH_REPO / "dmp.json").read_text())
    return document


def hostile_plan() -> dict[str, Any]:
    """The research repository's plan with hostile text in every free-text field notebooks use."""
    document = research_plan()
    document["title"] = HOSTILE
    document["description"] = HOSTILE_LINES
    document["contact"].update(name=HOSTILE, affiliation=HOSTILE_LINES)
    for dataset in document["datasets"]:
        dataset["title"] = HOSTILE
    return document


def research_copy(target: Path, plan_file: Path | None = None, settings: str | None = None) -> Path:
    """The example research repository at `target`, without its notebooks, with another plan if given."""
    copy_example(RESEARCH_REPO, target, "workflows")
    if plan_file is not None:
        (target / "dmp.json").unlink()
        shutil.copy(plan_file, target / f"dmp{plan_file.suffix}")
    if settings is not None:
        (target / ".dgbot.yml").write_text(settings)
    return target


def parameter_set(repo: Path, name: str = "param_1") -> None:
    """A for_parameters parameter folder: params/config.json and an output_data/ folder."""
    (repo / name / "params").mkdir(parents=True)
    shutil.copy(repo / "input_data" / "configs" / "train.json", repo / name / "params" / "config.json")
    (repo / name / "output_data").mkdir()
    (repo / name / "output_data" / ".gitkeep").write_text("")


def settings(**changes: Any) -> Settings:
    return Settings(**changes)


def read(text: str) -> nbformat.NotebookNode:
    return nbformat.reads(text, as_version=4)


def outputs(notebook: nbformat.NotebookNode) -> dict[str, dict[str, Any]]:
    """Per code cell of an executed notebook (by id): its printed text, and the records it showed.

    `text` is what a reader sees as text (stdout and the plain-text tables); `tables` the Markdown
    tables; `shown` the records `steps.show` displayed, from the outputs' metadata.
    """
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        text, tables, shown = [], [], []
        for output in cell.outputs:
            if output.get("name") == "stdout":
                text.append(output.get("text", ""))
            if output.get("output_type") == "display_data":
                text.append(output["data"].get("text/plain", "") + "\n")
                tables.append(output["data"].get("text/markdown", ""))
                shown.append(output.get("metadata", {}).get("dgbot", {}).get("record"))
        found[cell.id] = {"text": "".join(text), "tables": tables, "shown": shown}
    return found


def last_json(cell: dict[str, Any]) -> Any:
    """The last record a cell showed with steps.show."""
    assert cell["shown"], f"the cell showed no record; it printed: {cell['text']}"
    return cell["shown"][-1]
