"""A fresh for_parameters repository, end to end: generate → run (02) → record (03) → re-run (06) → ci.

Real DataLad, git-annex and a real python3 kernel; the experiment notebook runs in its own folder
(the default `run.workdir`), reads each set's params/ and writes each set's output_data/.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dgbot.cli import main
from notebooks.generate_helpers import last_json, outputs, read
from notebooks.nb_helpers import write_notebook
from record.conftest import run

pytestmark = pytest.mark.slow

PLAN = {
    "schema": "basic",
    "workflowIdentifier": "basic",
    "contentSize": "1GB",
    "datasetStructure": "for_parameters",
    "title": "Sensor totals at two temperatures",
    "reproducibility": {"notebooks": ["source/main.ipynb"], "outputs": ["param_*/output_data/*.csv"]},
}
SETS = {"param_30C": 30, "param_40C": 40}
EXPERIMENT = (
    "import json, pathlib\n"
    "settings = json.loads(pathlib.Path(params_dir, 'config.json').read_text())\n"
    "readings = [int(x) for x in pathlib.Path('../input_data/readings.txt').read_text().split()]\n"
    "out = pathlib.Path(output_dir)\n"
    "out.mkdir(exist_ok=True)\n"
    "t = settings['temperature']\n"
    "(out / 'result.csv').write_text(f'temperature,total\\n{t},{sum(readings) * t}\\n')"
)
REPORT = ".dgbot/report"


@dataclass(frozen=True)
class Called:
    code: int
    out: str
    err: str


def dgbot(*argv: str) -> Called:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return Called(code, out.getvalue(), err.getvalue())


def papermill(ds: Path, name: str, into: Path) -> dict[str, Any]:
    """Run a generated notebook from its folder, as a researcher would; its cells' outputs by id."""
    import papermill as pm

    executed = into / name
    pm.execute_notebook(
        str(ds / "workflows" / name), str(executed), cwd=str(ds / "workflows"), kernel_name="python3",
        progress_bar=False,
    )  # fmt: skip
    return outputs(read(executed.read_text()))


@dataclass(frozen=True)
class Flow:
    ds: Path
    generated: Called
    ran: dict[str, Any]
    provenance: dict[str, Any]
    saved: dict[str, Any]
    record_head: str
    checked: dict[str, Any]
    rechecked: dict[str, Any]
    ci: Called
    verdict: dict[str, Any]
    ci_provenance: dict[str, Any]
    stamps: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]  # before and after 06 + ci
    status_after_ci: str
    after_ci: Called
    again: dict[str, Any]
    nothing: Called
    nothing_head: tuple[str, str]


def _stamps(ds: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for name in SETS:
        info = os.lstat(ds / name / "output_data" / "result.csv")
        found[name] = (info.st_ino, info.st_mtime_ns)
    return found


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory, git_env: None) -> Flow:
    top = tmp_path_factory.mktemp("sets")
    run(top, "datalad", "-l", "error", "create", "ds")
    ds, into = top / "ds", top / "executed"
    into.mkdir()
    with (ds / ".gitattributes").open("a") as rules:  # the researcher's own: only inputs annexed yet
        rules.write("* annex.largefiles=nothing\ninput_data/** annex.largefiles=anything\n")
    (ds / "dmp.json").write_text(json.dumps(PLAN, indent=1))
    (ds / "input_data").mkdir()
    (ds / "input_data" / "readings.txt").write_text("1 2 39\n")
    for name, temperature in SETS.items():
        (ds / name / "params").mkdir(parents=True)
        (ds / name / "params" / "config.json").write_text(json.dumps({"temperature": temperature}))
        (ds / name / "output_data").mkdir()
        (ds / name / "output_data" / ".gitkeep").write_text("")
    write_notebook(ds / "source" / "main.ipynb", EXPERIMENT, parameters='params_dir = "."\noutput_dir = "."')
    run(ds, "datalad", "-l", "error", "save", "-m", "plan, data, parameter sets, experiment")
    generated = dgbot("generate", str(ds))
    assert generated.code == 0, generated.out + generated.err
    ran = papermill(ds, "02_run_experiment.ipynb", into)
    provenance = json.loads((ds / REPORT / "provenance.json").read_text())
    saved = papermill(ds, "03_save_records.ipynb", into)
    record_head = run(ds, "git", "rev-parse", "HEAD").strip()
    recorded_stamps = _stamps(ds)
    checked = papermill(ds, "06_check_reproducibility.ipynb", into)
    rechecked = json.loads((ds / REPORT / "provenance.json").read_text())
    ci = dgbot("ci", str(ds), "--stages", "validate,execute,check")
    verdict = json.loads((ds / REPORT / "verdict.json").read_text())
    ci_provenance = json.loads((ds / REPORT / "provenance.json").read_text())
    stamps = (recorded_stamps, _stamps(ds))
    status_after_ci = run(ds, "git", "status", "--porcelain", "--untracked-files=all")
    after_ci = dgbot("record", str(ds))  # the last run wrote aside: nothing of it is in the repository
    again = papermill(ds, "02_run_experiment.ipynb", into)  # the same outputs once more, in place
    before = run(ds, "git", "rev-parse", "HEAD").strip()
    nothing = dgbot("record", str(ds))
    nothing_head = (before, run(ds, "git", "rev-parse", "HEAD").strip())
    saved_record = last_json(saved["save"])
    return Flow(ds, generated, ran, provenance, saved_record, record_head, checked, rechecked, ci, verdict,
                ci_provenance, stamps, status_after_ci, after_ci, again, nothing, nothing_head)  # fmt: skip


def test_every_parameter_set_runs_from_the_experiments_own_folder(flow: Flow) -> None:
    assert flow.generated.code == 0, flow.generated.out + flow.generated.err
    rows = last_json(flow.ran["sets"])
    assert [(r["parameter_set"], r["status"]) for r in rows] == [
        ("param_30C", "completed"),
        ("param_40C", "completed"),
    ]
    assert rows[0]["parameters"] == {
        "params_dir": "../param_30C/params",
        "output_dir": "../param_30C/output_data",
    }
    assert rows[1]["outputs"] == ["param_40C/output_data/result.csv"]
    assert (flow.ds / "param_30C/output_data/result.csv").read_text() == "temperature,total\n30,1260\n"
    assert (flow.ds / "param_40C/output_data/result.csv").read_text() == "temperature,total\n40,1680\n"
    entries = flow.provenance["notebooks"]
    assert [(e["notebook"], e["parameter_set"]) for e in entries] == [
        ("source/main.ipynb", "param_30C"),
        ("source/main.ipynb", "param_40C"),
    ]
    assert [e["executed"]["path"] for e in entries] == [
        f"{REPORT}/notebooks/param_30C/source/main.ipynb",
        f"{REPORT}/notebooks/param_40C/source/main.ipynb",
    ]


def test_the_record_annexes_each_sets_outputs_and_leaves_the_reports_out(flow: Flow) -> None:
    assert flow.saved["recorded"] is True and flow.saved["commit"] == flow.record_head
    tree = run(flow.ds, "git", "ls-tree", "-r", flow.record_head)
    modes = {line.split("\t")[1]: line.split()[0] for line in tree.splitlines()}
    assert modes["param_30C/output_data/result.csv"] == modes["param_40C/output_data/result.csv"] == "120000"
    assert modes["param_30C/params/config.json"] == modes["source/main.ipynb"] == "100644"  # in git
    assert not any(path.startswith(".dgbot/") for path in modes)
    rules = (flow.ds / ".gitattributes").read_text()
    assert "\n*/output_data/** annex.largefiles=anything\n# <<< dgbot" in rules
    assert "/.dgbot/report/\n" in (flow.ds / ".gitignore").read_text()
    message = run(flow.ds, "git", "log", "-1", "--format=%B", flow.record_head)
    record = json.loads(message.split("=== Do not change lines below ===")[1].split("^^^")[0])
    assert record["cmd"] == "dgbot run . source/main.ipynb"  # every set again, as the plan says
    assert record["outputs"] == ["param_30C/output_data/result.csv", "param_40C/output_data/result.csv"]


def test_the_reproducibility_notebook_reruns_each_set_aside(flow: Flow) -> None:
    assert last_json(flow.checked["compare"]) == {"status": "success", "findings": []}
    rows = last_json(flow.checked["rerun"])
    assert [r["parameter_set"] for r in rows] == ["param_30C", "param_40C"]
    block = flow.rechecked["reproducibility"]["outputs"]
    assert [o["path"] for o in block] == [
        "param_30C/output_data/result.csv",
        "param_40C/output_data/result.csv",
    ]
    assert all(o["recorded"] == o["rerun"] is not None for o in block)
    assert flow.rechecked["aside"]["files"] == [o["path"] for o in block]


def test_ci_compares_a_rerun_written_aside_and_never_rewrites_the_outputs(flow: Flow) -> None:
    checks = {c["id"]: c for c in flow.verdict["checks"]}
    assert checks["execute"]["status"] == "success", checks["execute"]
    assert checks["reproducibility"]["status"] == "success", checks["reproducibility"]
    assert flow.ci_provenance["aside"] == {
        "folder": f"{REPORT}/rerun",
        "files": ["param_30C/output_data/result.csv", "param_40C/output_data/result.csv"],
    }
    kept = flow.ds / REPORT / "rerun" / "param_40C" / "output_data" / "result.csv"
    assert kept.read_text() == "temperature,total\n40,1680\n"
    before, after = flow.stamps  # the annexed links the record left: same files, never rewritten
    assert before == after
    assert flow.status_after_ci == ""  # the work tree is as recorded (reports are ignored)


def test_a_rerun_aside_is_not_recorded(flow: Flow) -> None:
    assert flow.after_ci.code == 1
    assert "the last run was a re-run aside" in flow.after_ci.err and f"{REPORT}/rerun/" in flow.after_ci.err


def test_a_run_that_changed_nothing_says_there_is_nothing_to_record(flow: Flow) -> None:
    assert [r["status"] for r in last_json(flow.again["sets"])] == ["completed", "completed"]
    assert flow.nothing.code == 0, flow.nothing.out + flow.nothing.err
    assert flow.nothing.out.endswith("nothing to record: the run changed no file since the last commit "
                                     "(DataLad saved nothing)\n")  # fmt: skip
    assert "recorded:" not in flow.nothing.out
    before, after = flow.nothing_head
    assert before == after  # no commit claims a record
