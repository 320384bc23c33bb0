"""Acceptance: every generated notebook runs headless with papermill on a real python3 kernel.

Each example plan (and the research repository's own plan, and a plan full of hostile
text) gets a copy of examples/research-repo made into a DataLad dataset; its notebooks
are generated and executed in order, as a researcher or CI would. The copies are built
and run once per module, two at a time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from dgbot.cli import main
from notebooks.generate_helpers import (
    HOSTILE,
    HOSTILE_LINES,
    PLANS,
    hostile_plan,
    last_json,
    load_plan,
    parameter_set,
    research_copy,
)
from record.crate_validation import prime_cache, validate
from snapshot.conftest import git_env  # noqa: F401  (a fixture: the isolated git environment)

pytestmark = pytest.mark.slow
CASES = [*(p.name for p in PLANS), "research-repo", "hostile"]
# Given at run time like `papermill -p strict True`: it must not drop the plan's values.
RUN_TIME = {("basic.json", "01_prepare_environment.ipynb"): {"strict": True}}


def _git(cwd: Path, *command: str) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}{done.stderr}"
    return done.stdout


def _prepare(case: str, root: Path) -> Path:
    """A DataLad dataset of the research repository governed by the case's plan, notebooks generated."""
    if case == "research-repo":
        settings = "notebooks:\n  sibling: gin\nrun:\n  workdir: repository\n"
        repo = research_copy(root / "repo", settings=settings)
        shutil.rmtree(repo / "output_data")  # a first run: it makes the outputs, so there is a run to record
    elif case == "hostile":
        repo = research_copy(root / "repo")
        (repo / "dmp.json").write_text(json.dumps(hostile_plan(), ensure_ascii=False), encoding="utf-8")
    else:
        plan_file = next(p for p in PLANS if p.name == case)
        repo = research_copy(root / "repo", plan_file)
        if load_plan(plan_file).dataset_structure == "for_parameters":
            parameter_set(repo)
        if case == "jst.yaml":  # one case with Japanese notebooks
            config = repo / ".dgbot.yml"
            config.write_text(config.read_text().replace("language: en", "language: ja"))
    _git(repo, "datalad", "-l", "error", "create", "--force", ".")
    if case == "research-repo":  # a GIN-like sibling: a bare git-annex repository
        _git(root, "git", "init", "-q", "--bare", "gin.git")
        _git(root / "gin.git", "git", "annex", "init", "-q", "gin")
        _git(repo, "git", "remote", "add", "gin", str(root / "gin.git"))
    assert main(["generate", "-q", str(repo)]) == 0
    return repo


def _execute(notebook: Path, executed: Path, parameters: dict[str, Any] | None) -> None:
    import papermill

    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(notebook),
                str(executed),
                parameters=parameters,
                cwd=str(notebook.parent),
                kernel_name="python3",
                progress_bar=False,
            )
            return
        except RuntimeError as exc:
            # A kernel that dies while starting (no cell has run) on a loaded machine is started
            # again once; a failing cell is a PapermillExecutionError and is never retried.
            if attempt == 2 or "Kernel died before replying to kernel_info" not in str(exc):
                raise


def _run_case(case: str, root: Path) -> dict[str, Any]:
    """Generate and execute every notebook of one case, in order; outputs (or the error) per notebook."""
    from notebooks.generate_helpers import outputs, read

    repo = _prepare(case, root)
    results: dict[str, Any] = {}
    for notebook in sorted((repo / "workflows").glob("*.ipynb")):
        executed = root / "executed" / notebook.name
        executed.parent.mkdir(exist_ok=True)
        try:
            _execute(notebook, executed, RUN_TIME.get((case, notebook.name)))
        except Exception as exc:  # reported by the test, with the failing cell
            results[notebook.name] = {"error": f"{type(exc).__name__}: {exc}"}
            break
        results[notebook.name] = outputs(read(executed.read_text()))
    found: dict[str, Any] = {"repo": str(repo), "notebooks": results}
    if case == "research-repo" and "error" not in results.get("06_check_reproducibility.ipynb", {"error": 1}):
        found.update(_validate_and_rerun(repo, root, results))
    return found


def _validate_and_rerun(repo: Path, root: Path, results: dict[str, Any]) -> dict[str, Any]:
    """roc-validator on the crate the packaging notebook wrote; what `datalad rerun` would repeat."""
    # Process Run Crate 0.5 builds on RO-Crate 1.1 and inherits its check that the metadata file
    # conforms to 1.1; ours is 1.3 (tests/record validates `dgbot package`'s crate against 1.3).
    crate = validate(repo, "process-run-crate-0.5", prime_cache(root), skip=("ro-crate-1.1_5.3",))
    recorded = last_json(results["03_save_records.ipynb"]["save"])["commit"]
    report = _git(repo, "datalad", "-l", "error", "-f", "json", "rerun", "--report", recorded)
    return {"crate_issues": crate, "rerun": [json.loads(line) for line in report.splitlines() if line]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, git_env: None) -> dict[str, dict[str, Any]]:  # noqa: F811
    """Every case run once per module, in git_env: the snapshot tests' isolated git/annex/DataLad."""
    roots = {case: tmp_path_factory.mktemp(case.replace(".", "-")) for case in CASES}
    with ProcessPoolExecutor(max_workers=4) as pool:
        # The longest case (it also repeats the record with `datalad rerun`) starts first.
        order = sorted(CASES, key=lambda case: case != "research-repo")
        futures = {case: pool.submit(_run_case, case, roots[case]) for case in order}
        done = {case: future.result() for case, future in futures.items()}
    return {case: {**done[case], "root": roots[case]} for case in CASES}


def _cell(runs: dict[str, dict[str, Any]], case: str, notebook: str, cell: str) -> Any:
    return last_json(runs[case]["notebooks"][notebook][cell])


@pytest.mark.parametrize("case", CASES)
def test_every_generated_notebook_executes(runs: dict[str, dict[str, Any]], case: str) -> None:
    repo = Path(runs[case]["repo"])
    generated = sorted(p.name for p in (repo / "workflows").glob("*.ipynb"))
    failed = {name: r["error"] for name, r in runs[case]["notebooks"].items() if "error" in r}
    assert failed == {}
    assert sorted(runs[case]["notebooks"]) == generated and len(generated) >= 6
    index = (repo / "workflows" / "00_index.ipynb").read_text()
    assert ("# 研究フロー: " in index) == (case == "jst.yaml")


def test_gpu_section_records_that_there_is_no_gpu(runs: dict[str, dict[str, Any]]) -> None:
    gpu = _cell(runs, "basic.json", "01_prepare_environment.ipynb", "gpu")
    assert gpu["present"] is False and gpu["reason"] == "no GPU: nvidia-smi is not installed"
    assert gpu["needed"] == {"count": 2, "min_memory": 24 * 1024**3, "cuda": "12.2"}  # despite -p strict True
    assert _cell(runs, "basic.json", "01_prepare_environment.ipynb", "result") == {"problems": []}
    assert "gpu" not in runs["jst.yaml"]["notebooks"]["01_prepare_environment.ipynb"]
    amed = _cell(runs, "amed.yaml", "01_prepare_environment.ipynb", "result")  # useDocker, no Dockerfile
    assert amed == {"problems": ["the plan uses Docker but there is no Dockerfile and no image"]}


def test_the_experiment_runs_with_provenance_on_a_commit(runs: dict[str, dict[str, Any]]) -> None:
    state = _cell(runs, "research-repo", "02_run_experiment.ipynb", "state")
    (ran,) = _cell(runs, "research-repo", "02_run_experiment.ipynb", "single")
    assert ran["status"] == "completed" and ran["executed"] == ".dgbot/report/notebooks/source/main.ipynb"
    assert ran["outputs"] == ["output_data/metrics.csv", "output_data/model.json"]
    table = runs["research-repo"]["notebooks"]["02_run_experiment.ipynb"]["single"]["tables"][-1]
    assert "| source/main\\.ipynb | completed |" in table  # a Markdown table a person reads
    repo = Path(runs["research-repo"]["repo"])
    saved = _cell(runs, "research-repo", "03_save_records.ipynb", "save")["commit"]
    assert _git(repo, "git", "rev-parse", f"{saved}~1").strip() == state["commit"]  # the run's own commit


def test_the_record_is_one_datalad_rerun_repeats(runs: dict[str, dict[str, Any]]) -> None:
    (rerun,) = runs["research-repo"]["rerun"]
    assert (rerun["status"], rerun["rerun_action"]) == ("ok", "run")
    info = rerun["run_info"]
    assert info["cmd"] == "dgbot run . source/main.ipynb"  # what `dgbot record` writes
    assert {"source/main.ipynb", "input_data/data/train.csv"} <= set(info["inputs"])
    assert info["outputs"] == ["output_data/metrics.csv", "output_data/model.json"]  # reports stay out of git
    assert info["dgbot_provenance"] == ".dgbot/report/provenance.json"


def test_records_are_saved_to_annex_and_git_and_pushed(runs: dict[str, dict[str, Any]]) -> None:
    repo = Path(runs["research-repo"]["repo"])
    saved = _cell(runs, "research-repo", "03_save_records.ipynb", "save")
    assert saved["sibling"] == "gin" and saved["results"].get("run:ok") == 1 and saved["recorded"] is True
    assert _cell(runs, "research-repo", "03_save_records.ipynb", "annexed") == {
        "input_data": 4,
        "output_data": 2,
    }
    pushed = _cell(runs, "research-repo", "03_save_records.ipynb", "push")
    assert pushed["up_to_date"] is True and pushed["commit"] == saved["commit"]
    annexed = _git(repo, "git", "annex", "find", "--include=*").split()
    assert "input_data/data/train.csv" in annexed and "output_data/metrics.csv" in annexed
    assert not any(
        path.startswith(("source/", "workflows/")) or path.endswith(".gitattributes") for path in annexed
    )
    assert "source/train.py" in _git(repo, "git", "ls-files").split()
    gin = runs["research-repo"]["root"] / "gin.git"
    assert _git(gin, "git", "rev-parse", pushed["branch"]).strip() == saved["commit"]
    where = _git(repo, "git", "annex", "whereis", "input_data/data/train.csv")
    assert "[gin]" in where


def test_packaging_writes_a_valid_process_run_crate(runs: dict[str, dict[str, Any]]) -> None:
    repo = Path(runs["research-repo"]["repo"])
    assert _cell(runs, "research-repo", "04_package_results.ipynb", "read") == {
        "name": "Temperature drift of low-cost gas sensors",
        "profiles": ["https://w3id.org/ro/wfrun/process/0.5"],
        "runs": 1,
    }
    graph = {e["@id"]: e for e in json.loads((repo / "ro-crate-metadata.json").read_text())["@graph"]}
    (action,) = [e for e in graph.values() if e["@type"] == "CreateAction"]
    assert action["instrument"] == {"@id": "source/main.ipynb"}
    key = _git(repo, "git", "annex", "lookupkey", "input_data/data/train.csv").strip()
    assert graph["input_data/data/train.csv"]["identifier"] == key  # annexed: described by its key
    assert runs["research-repo"]["crate_issues"] == []  # roc-validator, profile process-run-crate-0.5


def test_monitoring_reports_what_the_plan_is_missing(runs: dict[str, dict[str, Any]]) -> None:
    assert _cell(runs, "research-repo", "05_monitor_data.ipynb", "result")["failed"] == []
    amed = _cell(runs, "amed.yaml", "05_monitor_data.ipynb", "structure")
    assert amed["status"] == "failure"
    assert any("input_data/sequencing" in finding for finding in amed["findings"])


def test_reproducibility_rerun_is_judged_by_the_check(runs: dict[str, dict[str, Any]]) -> None:
    before = _cell(runs, "research-repo", "06_check_reproducibility.ipynb", "before")
    assert sorted(before) == ["output_data/metrics.csv", "output_data/model.json"]
    comparison = _cell(runs, "research-repo", "06_check_reproducibility.ipynb", "compare")
    assert comparison == {"status": "success", "findings": []}
    repo = Path(runs["research-repo"]["repo"])
    provenance = json.loads((repo / ".dgbot" / "report" / "provenance.json").read_text())
    outputs = provenance["reproducibility"]["outputs"]  # the block the check read
    assert [(o["path"], o["recorded"]) for o in outputs] == [(path, before[path]) for path in sorted(before)]
    assert all(o["recorded"] == o["rerun"] for o in outputs)
    assert _git(repo, "git", "annex", "fsck", "-q", "output_data") == ""  # no annex object rewritten
    aside = provenance["aside"]  # the re-run wrote into a copy: what it made is kept in the report
    assert aside == {"folder": ".dgbot/report/rerun", "files": sorted(before)}
    assert (repo / ".dgbot/report/rerun/output_data/metrics.csv").read_bytes() == (
        repo / "output_data/metrics.csv"
    ).read_bytes()
    assert _git(repo, "git", "status", "--porcelain", "--", "output_data") == ""  # not rewritten in place


def test_parameter_sets_each_get_a_run(runs: dict[str, dict[str, Any]]) -> None:
    repo = Path(runs["meti.json"]["repo"])
    (run,) = _cell(runs, "meti.json", "02_run_experiment.ipynb", "sets")
    assert run["parameter_set"] == "param_1"
    assert run["parameters"] == {  # .dgbot.yml's experiment_parameters, then the set's folders
        "config": "input_data/configs/train.json",
        "params_dir": "param_1/params",
        "output_dir": "param_1/output_data",
    }
    assert json.loads((repo / "param_1" / "output_data" / "model.json").read_text())["slope"] > 0


def test_hostile_plan_values_arrive_unchanged_and_never_run(runs: dict[str, dict[str, Any]]) -> None:
    root = runs["hostile"]["root"]
    assert not list(root.rglob("PWNED")) and not Path("PWNED").exists()
    summary = _cell(runs, "hostile", "00_index.ipynb", "summary")
    assert summary["title"] == HOSTILE and summary["description"] == HOSTILE_LINES
    assert summary["contact"] == {"name": HOSTILE, "mbox": "taro@example.org", "affiliation": HOSTILE_LINES}
    assert _cell(runs, "hostile", "04_package_results.ipynb", "read")["name"] == HOSTILE
