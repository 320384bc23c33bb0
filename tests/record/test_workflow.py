"""`dgbot run`, `record` and `package` on a real DataLad dataset: provenance, rerun, push, RO-Crate."""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import nbformat
import pytest

from dgbot.cli import main
from dgbot.resources import provenance_schema
from notebooks.nb_helpers import write_notebook
from record.conftest import run
from record.crate_validation import prime_cache, validate

pytestmark = pytest.mark.slow

OPEN = {"accessRights": "open", "license": "CC-BY-4.0", "personalData": "no", "sensitiveData": "no"}
PLAN = {
    "schema": "basic",
    "workflowIdentifier": "basic",
    "contentSize": "1GB",
    "datasetStructure": "with_code",
    "title": "Sums of sensor readings",
    "description": "Raw sensor readings and the sums a notebook computes from them, run in CI.",
    "created": "2025-03-01",
    "modified": "2025-06-30",
    "contact": {"name": "Josiah Carberry", "mbox": "j.carberry@example.org", "orcid": "https://orcid.org/0000-0002-1825-0097"},
    "datasets": [{"title": "Readings", "path": "input_data", **OPEN},
                 {"title": "Sums", "path": "output_data", **OPEN}],
    "reproducibility": {"notebooks": ["workflows/analysis.ipynb"], "outputs": ["output_data/*.csv"]},
}  # fmt: skip
READINGS = "sensor,value\na,1\nb,2\nc,39\n"
ANALYSIS = (
    "import csv, pathlib\n"
    "rows = list(csv.DictReader(open('../input_data/raw.csv')))\n"
    "pathlib.Path('../output_data').mkdir(exist_ok=True)\n"
    "total = sum(int(r['value']) for r in rows)\n"
    "pathlib.Path('../output_data/summary.csv').write_text(f'total\\n{total}\\n')"
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


@dataclass(frozen=True)
class Flow:
    ds: Path
    sibling: Path
    failed: Called
    ran: Called
    provenance: dict[str, Any]
    executed: nbformat.NotebookNode  # the plan's notebook as the first passing run left it
    big_key: str
    recorded: Called
    record_head: str
    rerun: str
    crate: Path
    packaged: Called
    in_place: Called


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory, git_env: None) -> Flow:
    """One dataset taken through run (failing, then passing), record --push, datalad rerun, package."""
    top = tmp_path_factory.mktemp("workflow")
    run(top, "datalad", "-l", "error", "create", "ds")
    ds = top / "ds"
    with (ds / ".gitattributes").open("a") as rules:  # the researcher's own: only inputs annexed yet
        rules.write("* annex.largefiles=nothing\ninput_data/** annex.largefiles=anything\n")
    (ds / "dmp.json").write_text(json.dumps(PLAN, indent=1))
    (ds / "input_data").mkdir()
    (ds / "input_data" / "raw.csv").write_text(READINGS)
    (ds / "input_data" / "big.bin").write_bytes(os.urandom(20_000))
    write_notebook(ds / "workflows" / "analysis.ipynb", ANALYSIS)
    write_notebook(
        ds / "workflows" / "broken.ipynb", "a = 1", "b = 2", "raise RuntimeError('sensor c is broken')"
    )
    run(ds, "datalad", "-l", "error", "save", "-m", "data, plan and notebooks")
    run(ds, "git", "annex", "drop", "--force", "input_data/big.bin")
    big_key = os.readlink(ds / "input_data" / "big.bin").rsplit("/", 1)[-1]
    sibling = top / "sibling.git"
    run(top, "git", "init", "-q", "--bare", str(sibling))
    run(sibling, "git", "annex", "init", "backup")
    run(ds, "git", "remote", "add", "backup", str(sibling))

    failed = dgbot("run", str(ds), "workflows/broken.ipynb")
    ran = dgbot("run", str(ds))
    provenance = json.loads((ds / REPORT / "provenance.json").read_text())
    executed = nbformat.read(ds / REPORT / "notebooks/workflows/analysis.ipynb", as_version=4)
    recorded = dgbot("record", str(ds), "-m", "Sum the readings", "--push", "backup")
    record_head = run(ds, "git", "rev-parse", "HEAD").strip()
    rerun = run(ds, "datalad", "-l", "error", "rerun")
    crate = top / "crate"
    packaged = dgbot("package", str(ds), "-o", str(crate))
    in_place = dgbot("package", str(ds))
    return Flow(
        ds,
        sibling,
        failed,
        ran,
        provenance,
        executed,
        big_key,
        recorded,
        record_head,
        rerun,
        crate,
        packaged,
        in_place,
    )


def test_a_notebook_raising_in_cell_3_fails_the_run_with_a_record(flow: Flow) -> None:
    assert flow.failed.code == 1
    assert "failed    workflows/broken.ipynb" in flow.failed.out
    assert "cell 3 raised RuntimeError: sensor c is broken" in flow.failed.out
    executed = nbformat.read(flow.ds / REPORT / "notebooks/workflows/broken.ipynb", as_version=4)
    errors = [
        o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert len(errors) == 1 and "sensor c is broken" in "\n".join(errors[0].traceback)
    assert executed.metadata["dgbot"]["execution"]["error"]["cell_index"] == 2


def test_the_plans_notebook_runs_and_writes_its_outputs(flow: Flow) -> None:
    assert flow.ran.code == 0, flow.ran.out + flow.ran.err
    assert "completed workflows/analysis.ipynb" in flow.ran.out
    assert f"provenance: {flow.ds / REPORT / 'provenance.json'}" in flow.ran.out


def test_provenance_follows_its_schema_and_names_the_commit(flow: Flow) -> None:
    record = flow.provenance
    jsonschema.Draft202012Validator(provenance_schema(), format_checker=jsonschema.FormatChecker()).validate(
        record
    )
    head_before_record = run(
        flow.ds, "git", "rev-parse", f"{flow.record_head}~2"
    ).strip()  # before rules + record
    assert record["repository"] == {"commit": head_before_record, "dirty": False, "changes": []}
    assert record["status"] == "success" and record["plan"]["path"] == "dmp.json"
    assert record["environment"]["packages"]["papermill"]
    assert record["environment"]["gpu"]["available"] in (True, False)


def test_provenance_lists_annexed_inputs_by_key_and_size_without_their_content(flow: Flow) -> None:
    inputs = {f["path"]: f for f in flow.provenance["inputs"]}
    big = inputs["input_data/big.bin"]
    assert not (flow.ds / "input_data/big.bin").exists()  # content dropped: a dangling link
    assert big == {"path": "input_data/big.bin", "size": 20_000, "sha256": None, "annex_key": flow.big_key,
                   "content_present": False}  # fmt: skip
    assert flow.big_key.startswith("MD5E-s20000--")  # DataLad's default backend: no SHA-256 in the key
    assert (
        inputs["input_data/raw.csv"]["size"] == len(READINGS)
        and inputs["input_data/raw.csv"]["content_present"]
    )


def test_provenance_lists_outputs_and_the_executed_notebook_with_hashes(flow: Flow) -> None:
    import hashlib

    outputs = {f["path"]: f for f in flow.provenance["outputs"]}
    assert list(outputs) == ["output_data/summary.csv"]
    assert outputs["output_data/summary.csv"]["sha256"] == hashlib.sha256(b"total\n42\n").hexdigest()
    (notebook,) = flow.provenance["notebooks"]
    assert notebook["status"] == "completed" and notebook["executed"]["path"].endswith(
        "workflows/analysis.ipynb"
    )
    summary = flow.executed.metadata["dgbot"]
    assert (
        summary["run_id"] == flow.provenance["run_id"]
        and summary["plan_sha256"] == flow.provenance["plan"]["sha256"]
    )


def test_record_is_a_datalad_run_record_with_data_annexed_and_the_rest_in_git(flow: Flow) -> None:
    assert flow.recorded.code == 0, flow.recorded.out + flow.recorded.err
    message = run(flow.ds, "git", "log", "-1", "--format=%B", flow.record_head)
    assert message.startswith("[DATALAD RUNCMD] Sum the readings")
    record = json.loads(message.split("=== Do not change lines below ===")[1].split("^^^")[0])
    assert record["cmd"] == "dgbot run . workflows/analysis.ipynb"
    assert record["dgbot_run_id"] == flow.provenance["run_id"]
    assert "input_data/raw.csv" in record["inputs"] and "input_data/big.bin" not in record["inputs"]
    tree = run(flow.ds, "git", "ls-tree", "-r", flow.record_head)
    modes = {line.split("\t")[1]: line.split()[0] for line in tree.splitlines()}
    assert modes["output_data/summary.csv"] == "120000"  # annexed (a locked link)
    assert modes["workflows/analysis.ipynb"] == modes[".gitignore"] == "100644"  # in git
    assert not any(path.startswith(".dgbot/") for path in modes)  # the reports stay out of git...
    assert "/.dgbot/report/\n# <<< dgbot" in (flow.ds / ".gitignore").read_text()  # ...by dgbot's block
    assert (
        f"{REPORT}/provenance.json" not in record["outputs"]
        and "output_data/summary.csv" in record["outputs"]
    )
    assert flow.recorded.out.endswith(f"recorded: {flow.record_head}\n")
    rules = (flow.ds / ".gitattributes").read_text()
    assert rules.rstrip().endswith("output_data/** annex.largefiles=anything\n# <<< dgbot")


def test_push_delivers_the_annexed_content_to_the_sibling(flow: Flow) -> None:
    key = os.readlink(flow.ds / "output_data/summary.csv").rsplit("/", 1)[-1]
    assert list(flow.sibling.glob(f"annex/objects/*/*/{key}/{key}")), (
        "summary.csv's content is not in the sibling"
    )
    assert run(flow.sibling, "git", "cat-file", "-t", flow.record_head).strip() == "commit"


def test_datalad_rerun_repeats_the_run_and_reproduces_the_outputs(flow: Flow) -> None:
    assert (flow.ds / "output_data/summary.csv").read_text() == "total\n42\n"
    again = json.loads((flow.ds / REPORT / "provenance.json").read_text())
    assert again["run_id"] != flow.provenance["run_id"]  # it really ran again
    # datalad rerun unlocks the annexed output it regenerates: the only change it starts from
    changes = [{"status": "T", "path": "output_data/summary.csv"}]
    assert again["repository"] == {"commit": flow.record_head, "dirty": True, "changes": changes}
    assert again["outputs"] == [] or again["outputs"][0]["sha256"] == flow.provenance["outputs"][0]["sha256"]
    # The outputs came out the same and the reports stay out of git: the rerun has nothing to commit.
    assert run(flow.ds, "git", "rev-parse", "HEAD").strip() == flow.record_head
    assert run(flow.ds, "git", "status", "--porcelain", "--", "output_data").strip() == ""
    assert run(flow.ds, "git", "log", "-1", "--format=%s").startswith("[DATALAD RUNCMD] Sum the readings")


def test_the_crate_passes_roc_validator_offline(flow: Flow, tmp_path: Path) -> None:
    assert flow.packaged.code == 0, flow.packaged.out + flow.packaged.err
    cache = prime_cache(tmp_path)
    assert validate(flow.crate, "ro-crate-1.3", cache) == []
    # Process Run Crate 0.5 builds on RO-Crate 1.1 and inherits its check that the metadata file
    # conforms to 1.1; our crate is 1.3, checked above, so that one inherited check is left out.
    assert validate(flow.crate, "process-run-crate-0.5", cache, skip=("ro-crate-1.1_5.3",)) == []


def test_a_crate_in_place_makes_the_dataset_itself_a_valid_crate(flow: Flow, tmp_path: Path) -> None:
    assert flow.in_place.code == 0, flow.in_place.out + flow.in_place.err
    assert flow.in_place.out.startswith(f"crate: {flow.ds / 'ro-crate-metadata.json'} (")
    assert validate(flow.ds, "ro-crate-1.3", prime_cache(tmp_path)) == []
    described = json.loads((flow.ds / "ro-crate-metadata.json").read_text())
    listed = {e["@id"] for e in described["@graph"]}
    assert "#annexed/input_data/big.bin" in listed and "input_data/raw.csv" in listed
    assert not any(i.startswith((".git", ".datalad")) for i in listed)


def graph(flow: Flow) -> dict[str, dict[str, Any]]:
    document = json.loads((flow.crate / "ro-crate-metadata.json").read_text())
    return {entity["@id"]: entity for entity in document["@graph"]}


def ids(value: Any) -> list[str]:
    return [v["@id"] for v in (value if isinstance(value, list) else [value])]


def test_the_crate_describes_each_run_as_a_process_run_crate_action(flow: Flow) -> None:
    entities = graph(flow)
    root = entities["./"]
    actions = [entities[i] for i in ids(root["mentions"])]
    assert "https://w3id.org/ro/wfrun/process/0.5" in ids(root["conformsTo"])
    (action,) = actions  # the last run (the rerun) executed one notebook
    assert (action["@type"], action["name"]) == ("CreateAction", "Execution of workflows/analysis.ipynb")
    instrument = entities[action["instrument"]["@id"]]
    assert instrument["@id"] == "workflows/analysis.ipynb" and "SoftwareSourceCode" in instrument["@type"]
    assert "#annexed/input_data/big.bin" in ids(action["object"]) and "output_data/summary.csv" in ids(
        action["result"]
    )
    assert action["actionStatus"] == "http://schema.org/CompletedActionStatus"
    assert action["startTime"] <= action["endTime"]
    assert entities[action["agent"]["@id"]]["name"] == "Josiah Carberry"


def test_the_crate_keeps_annexed_files_by_key_and_links_the_plan(flow: Flow) -> None:
    entities = graph(flow)
    big = entities["#annexed/input_data/big.bin"]  # its content is not here: a local identifier
    assert (big["name"], big["contentSize"], big["identifier"]) == (
        "input_data/big.bin",
        "20000",
        flow.big_key,
    )
    assert not (flow.crate / "input_data/big.bin").exists()  # described, its content not fetched
    assert (flow.crate / "input_data/raw.csv").read_text() == READINGS
    root = entities["./"]
    assert root["subjectOf"]["@id"] == "dmp.json" and entities["dmp.json"]["name"] == "Data Management Plan"
    assert (root["name"], root["datePublished"]) == (PLAN["title"], "2025-06-30")
    assert root["license"]["@id"] == "https://spdx.org/licenses/CC-BY-4.0"
