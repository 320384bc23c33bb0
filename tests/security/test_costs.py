"""Hostile sizes: costs that grew with datasets × datasets, patterns × files, or a process per file.

Each test builds the hostile repository with real git and runs dgbot's real entry point; it
asserts outcomes (every finding located on the right line, a located error past a limit, the
number of git processes), never a duration: benchmarks/hostile_costs.py times them.
"""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.check_helpers import dataset, make_plan, make_snapshot
from dgbot.checks.formats import _owned
from dgbot.checks.scope import Globs, dataset_span
from dgbot.cli import main
from dgbot.dmp.validate import validate_bytes
from dgbot.snapshot.model import NameText
from snapshot.conftest import git_repo

DATASETS = 2000


def _plan(count: int, path: str = "data/d{i}") -> dict[str, Any]:
    return {
        "schema": "basic",
        "workflowIdentifier": "basic",
        "contentSize": "1TB",
        "datasetStructure": "with_code",
        "title": "many datasets",
        "datasets": [
            {"title": f"d{i}", "path": path.format(i=i), "accessRights": "open"} for i in range(count)
        ],
    }


def _verdict(repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = repo.parent / f"{repo.name}-verdict.json"
    code = main(["check", str(repo), *extra, "--format", "json", "--output", str(out)])
    return code, json.loads(out.read_text())


def _findings(verdict: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for check in verdict["checks"] for f in check["findings"] if f["rule"] == rule]


def test_every_one_of_2000_missing_dataset_paths_is_located_on_its_own_line(tmp_path: Path) -> None:
    text = json.dumps(_plan(DATASETS), indent=2)
    repo = git_repo(tmp_path / "repo", {"dmp.json": text.encode()})
    code, verdict = _verdict(repo)
    lines = text.splitlines()
    found = _findings(verdict, "missing-dataset-path")
    assert code == 1 and len(found) == DATASETS
    for finding in found:
        index = int(finding["json_path"].removeprefix("$.datasets[").removesuffix("]"))
        # the dataset's opening brace, and the title line right after it
        assert lines[finding["line"] - 1].strip() == "{", finding
        assert lines[finding["line"]].strip() == f'"title": "d{index}",', finding


def test_schema_errors_of_2000_datasets_in_json_and_yaml_are_each_located() -> None:
    plan = _plan(DATASETS)
    for item in plan["datasets"]:
        item["accessRights"] = "opn"
    text = json.dumps(plan, indent=1)
    validation = validate_bytes(text.encode(), "dmp.json")
    lines = text.splitlines()
    wrong = [f for f in validation.findings if f.rule == "enum"]
    assert len(wrong) == DATASETS
    assert all(
        lines[f.location.line - 1].strip() == '"accessRights": "opn"' for f in wrong if f.location.line
    )
    assert {f.location.json_path for f in wrong} == {f"$.datasets[{i}].accessRights" for i in range(DATASETS)}


def test_a_repeat_in_a_list_of_20000_mappings_is_found_and_located_without_comparing_all_pairs(
    tmp_path: Path,
) -> None:
    # jsonschema's own uniqueItems compares every pair of a list it cannot sort: 2e8 pairs here
    config = "ignore:\n" + "".join(f"  - {{a: {i}}}\n" for i in range(20_000)) + "  - {a: 7}\n"
    repo = git_repo(
        tmp_path / "repo", {"dmp.json": json.dumps(_plan(1)).encode(), ".dgbot.yml": config.encode()}
    )
    code, verdict = _verdict(repo)
    repeat = [f for f in _findings(verdict, "uniqueItems") if f["path"] == ".dgbot.yml"]
    assert code == 1
    assert repeat[0]["json_path"] == "$.ignore" and (repeat[0]["line"], repeat[0]["column"]) == (2, 3)
    assert "[20000] repeats the one at [7]" in repeat[0]["message"]


@pytest.mark.parametrize(
    ("key", "where"),
    [("ignore", "$.ignore"), ("access:\n  secret_files", "$.access.secret_files")],
)
def test_more_patterns_than_the_limit_are_a_located_error_and_none_is_used(
    tmp_path: Path, key: str, where: str
) -> None:
    indent = "    " if "\n" in key else "  "
    config = f"{key}:\n" + "".join(f'{indent}- "*.tmp{i}"\n' for i in range(1000))
    files = {"dmp.json": json.dumps(_plan(1, "data")).encode(), ".dgbot.yml": config.encode()}
    repo = git_repo(tmp_path / "repo", {**files, "data/a.tmp1": b"x"})
    code, verdict = _verdict(repo)
    limit = [f for f in _findings(verdict, "maxItems") if f["path"] == ".dgbot.yml"]
    assert code == 1 and len(limit) == 1
    assert limit[0]["json_path"] == where and limit[0]["line"] == (3 if "\n" in key else 2)
    assert "at most 100 entries, found a list of 1000" in limit[0]["message"]


def test_ignore_under_the_limit_leaves_out_what_fnmatch_matches_over_thousands_of_files(
    tmp_path: Path,
) -> None:
    patterns = [f"data/sub{i}/*" for i in range(0, 100, 2)]  # the even subjects' folders
    files = {f"data/sub{i}/f{j}.key": b"k" for i in range(100) for j in range(30)}
    config = "ignore:\n" + "".join(f'  - "{p}"\n' for p in patterns)
    plan = json.dumps(_plan(1, "data")).encode()
    repo = git_repo(tmp_path / "repo", {**files, "dmp.json": plan, ".dgbot.yml": config.encode()})
    _, verdict = _verdict(repo, "--commit", "HEAD")
    flagged = {f["path"] for f in _findings(verdict, "secret-file")}
    expected = {p for p in files if not any(fnmatch.fnmatchcase(p, q) for q in patterns)}
    assert flagged == expected and len(flagged) == 1500


PATH = st.text(alphabet="ab/.*?[]!-\n", max_size=10)
PATTERN = st.text(alphabet="ab/.*?[]!-\n\0", min_size=1, max_size=8)


@given(st.lists(PATTERN, max_size=8), st.lists(PATH, max_size=12))
def test_ignore_patterns_over_paths_select_what_fnmatch_matches(
    patterns: list[str], paths: list[str]
) -> None:
    globs = Globs(patterns)
    expected = [i for i, p in enumerate(paths) if any(fnmatch.fnmatchcase(p, q) for q in patterns)]
    assert globs.select(NameText.of(paths)) == expected
    assert [i for i, p in enumerate(paths) if globs.match(p)] == expected


def _git_processes(trace: Path) -> list[str]:
    return [line for line in trace.read_text().splitlines() if "trace: built-in: git" in line]


def test_at_a_commit_many_people_tables_are_read_by_one_git_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = {f"data/sub-{i:03d}/participants.tsv": b"participant_id\tname\temail\n" for i in range(300)}
    tables["data/participants_ok.tsv"] = b"participant_id\tage\n"
    repo = git_repo(tmp_path / "repo", {**tables, "dmp.json": json.dumps(_plan(1, "data")).encode()})
    trace = tmp_path / "git-trace.log"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    _, verdict = _verdict(repo, "--commit", "HEAD")
    flagged = {f["path"] for f in _findings(verdict, "identifying-columns")}
    assert flagged == set(tables) - {"data/participants_ok.tsv"}
    processes = _git_processes(trace)
    assert not [p for p in processes if "cat-file blob" in p]
    # the snapshot's batch, one for every table's head, one that reads the plan (and other single files)
    assert sum("cat-file '--batch=" in p for p in processes) == 3
    assert len(processes) < 10, processes


def test_a_people_table_larger_than_its_head_is_judged_by_its_first_line(tmp_path: Path) -> None:
    big = b"participant_id\tsurname\n" + b"sub-01\tx\n" * 200_000
    repo = git_repo(
        tmp_path / "repo", {"participants.tsv": big, "dmp.json": json.dumps(_plan(1, "data")).encode()}
    )
    _, verdict = _verdict(repo, "--commit", "HEAD")
    assert [f["message"] for f in _findings(verdict, "identifying-columns")] == [
        "participants.tsv has columns that identify people (surname)"
    ]


def test_two_thousand_datasets_on_one_folder_judge_its_files_once_each(tmp_path: Path) -> None:
    files = {f"data/d{i % 20}/f{i}.csv": b"a,b\n" for i in range(400)}
    plan = _plan(DATASETS, "data")
    plan["datasets"][-1]["path"] = "data/d3"
    for item in plan["datasets"]:
        item.update(plannedSize="1B", formats=["image/png"])
    repo = git_repo(tmp_path / "repo", {**files, "dmp.json": json.dumps(plan).encode()})
    _, verdict = _verdict(repo, "--commit", "HEAD")
    over = _findings(verdict, "dataset-over-planned")
    undeclared = _findings(verdict, "undeclared-format")
    assert len(over) == DATASETS
    # the files go to the deepest dataset holding them, of equal ones the first: two datasets,
    # and one finding for the one kind they hold
    assert [f["message"].split(" (e.g.")[0] for f in undeclared] == [
        "2 datasets (data/, data/d3/) hold 400 files of type text/csv"
    ]
    assert undeclared[0]["message"].endswith("which they do not declare (they declare image/png)")


NESTED = st.lists(st.sampled_from(["a", "a/b", "a/b/c", "a/x.csv", "b", "a/b/c/y.csv", ""]), max_size=8)


@given(NESTED)
def test_files_go_to_the_deepest_dataset_holding_them_as_before(paths: list[str]) -> None:
    files = ["a/x.csv", "a/b/y.csv", "a/b/c/y.csv", "a/b/c/z.csv", "b/w.csv", "top.csv"]
    snapshot = make_snapshot(dict.fromkeys(files, "a,b\n"))
    plan = make_plan([dataset(i, f"d{i}", p, formats=("text/csv",)) for i, p in enumerate(paths)])
    taken: set[int] = set()
    expected: dict[int, list[int]] = {}
    for i, path in sorted(enumerate(paths), key=lambda item: -len(item[1])):  # the former quadratic way
        span = dataset_span(snapshot, path)
        mine = [k for k in span if k not in taken]
        if mine:
            expected[i] = mine
        taken.update(span)
    assert _owned(plan, snapshot) == expected


def test_thousands_of_experiment_packages_are_each_checked(tmp_path: Path) -> None:
    files = {f"experiments/p{i}/source/a.py": b"" for i in range(1500)}
    plan = {**_plan(1, "experiments"), "datasetStructure": "for_parameters"}
    repo = git_repo(tmp_path / "repo", {**files, "dmp.json": json.dumps(plan).encode()})
    _, verdict = _verdict(repo, "--commit", "HEAD")
    assert len(_findings(verdict, "no-parameter-folder")) == 1500
    missing = {f["path"] for f in _findings(verdict, "missing-folder")}
    assert missing == {f"experiments/p{i}/input_data" for i in range(1500)}


def test_a_pattern_holding_a_nul_neither_hangs_the_check_nor_matches(tmp_path: Path) -> None:
    # the NUL-joined name search found "\0a" at the text's first byte, before any name, forever
    config = 'access:\n  secret_files: ["*\\0a.txt", "a.txt\\0*"]\nignore: ["\\0*"]\n'
    plan = json.dumps(_plan(1, "a.txt")).encode()
    files = {"a.txt": b"", "b.key": b"", "dmp.json": plan, ".dgbot.yml": config.encode()}
    repo = git_repo(tmp_path / "repo", files)
    out = tmp_path / "verdict.json"
    command = [sys.executable, "-m", "dgbot", "check", str(repo), "--format", "json", "--output", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr  # the check ran to its verdict
    verdict = json.loads(out.read_text())
    assert [f["path"] for f in _findings(verdict, "secret-file")] == ["b.key"]
    config_check = next(check for check in verdict["checks"] if check["id"] == "config")
    assert config_check["findings"] == []  # the settings were valid, so they were used


def test_a_nul_inside_a_class_is_one_choice_and_the_others_still_match() -> None:
    # found by hypothesis: [?\0] matches "?" (fnmatch), and the NUL must not make it match nothing
    for patterns, paths in ((["[?\0]"], ["?", "a", "??"]), (["a[!\0]"], ["ab", "a", "b"]), (["\0*"], ["a"])):
        globs = Globs(patterns)
        expected = [i for i, p in enumerate(paths) if any(fnmatch.fnmatchcase(p, q) for q in patterns)]
        assert globs.select(NameText.of(paths)) == expected
        assert [i for i, p in enumerate(paths) if globs.match(p)] == expected
