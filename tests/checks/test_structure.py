"""structure: the folders the plan's datasetStructure requires, and the datasets' paths."""

from __future__ import annotations

from check_helpers import Submodule, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks.structure import check_structure, experiments
from dgbot.records import Severity

WITH_CODE = {"source/main.py": "x", "input_data/a.csv": "x", "output_data/b.csv": "x"}


def test_with_code_complete() -> None:
    assert run(check_structure, make_plan(), make_snapshot(WITH_CODE)) == []


def test_with_code_missing_folder() -> None:
    files = {"source/main.py": "x", "input_data/a.csv": "x"}
    (finding,) = run(check_structure, make_plan(), make_snapshot(files))
    assert summary([finding]) == [("missing-folder", Severity.ERROR, "output_data", None)]
    assert finding.message == (
        'the plan\'s datasetStructure "with_code" needs the folder output_data/, which is missing or empty'
    )
    assert finding.hint == (
        "git keeps no empty folders: add at least one file, e.g. an empty output_data/.gitkeep"
    )


def test_a_file_where_a_folder_belongs() -> None:
    files = {**WITH_CODE, "source": "not a folder"}
    del files["source/main.py"]
    (finding,) = run(check_structure, make_plan(), make_snapshot(files))
    assert finding.message.endswith("needs the folder source/, which is a file")


def test_a_subdataset_is_a_folder_that_is_there() -> None:
    """DataLad's YODA layout keeps inputs as subdatasets: a submodule, not an empty folder."""
    files = {"source/main.py": "x", "input_data": Submodule(), "output_data/b.csv": "x"}
    assert run(check_structure, make_plan(), make_snapshot(files)) == []
    params = {
        "source/a.py": "x",
        "input_data/a.csv": "x",
        "param_1/params/p.json": "x",
        "param_1/output_data": Submodule(),
    }
    assert run(check_structure, make_plan(dataset_structure="for_parameters"), make_snapshot(params)) == []


def test_for_parameters_complete() -> None:
    files = {
        "source/run.py": "x",
        "input_data/grid.csv": "x",
        "param_low/params/config.yaml": "x",
        "param_low/output_data/result.csv": "x",
        "docs/index.md": "x",  # neither params/ nor output_data/: not a parameter folder
    }
    assert run(check_structure, make_plan(dataset_structure="for_parameters"), make_snapshot(files)) == []


def test_for_parameters_folder_missing_half() -> None:
    files = {
        "source/run.py": "x",
        "input_data/grid.csv": "x",
        "param_low/params/config.yaml": "x",
        "param_high/output_data/result.csv": "x",
    }
    found = run(check_structure, make_plan(dataset_structure="for_parameters"), make_snapshot(files))
    assert summary(found) == [
        ("missing-folder", Severity.ERROR, "param_high/params", None),
        ("missing-folder", Severity.ERROR, "param_low/output_data", None),
    ]
    assert found[1].message == (
        'the parameter folder param_low/ of the plan\'s datasetStructure "for_parameters" needs the '
        "folder param_low/output_data/, which is missing or empty"
    )


def test_for_parameters_needs_a_parameter_folder() -> None:
    files = {"source/run.py": "x", "input_data/grid.csv": "x", "output_data/x.csv": "x"}
    (finding,) = run(check_structure, make_plan(dataset_structure="for_parameters"), make_snapshot(files))
    assert summary([finding]) == [("no-parameter-folder", Severity.ERROR, "dmp.json", "$.datasetStructure")]
    assert finding.message == (
        'the plan\'s datasetStructure "for_parameters" needs at least one parameter folder in the '
        "repository, such as param_1/ holding params/ and output_data/; there is none"
    )


def test_experiment_packages_are_checked_each() -> None:
    files = {
        "experiments/exp1/source/a.py": "x",
        "experiments/exp1/input_data/a": "x",
        "experiments/exp1/output_data/a": "x",
        "experiments/exp2/input_data/a": "x",
        "experiments/exp2/output_data/a": "x",
    }
    snapshot = make_snapshot(files)
    assert experiments(snapshot) == ["experiments/exp1", "experiments/exp2"]
    found = run(check_structure, make_plan(), snapshot)
    assert summary(found) == [("missing-folder", Severity.ERROR, "experiments/exp2/source", None)]


def test_experiments_folder_without_packages_means_the_top() -> None:
    assert experiments(make_snapshot({"experiments/notes.md": "x"})) == [""]


def test_declared_dataset_paths_must_exist() -> None:
    plan = make_plan(
        [
            dataset(0, "Inputs", "input_data/"),
            dataset(1, "Model", "output_data/model.h5"),
            dataset(2, "Figures", "./figures"),
            dataset(3, "Unplaced", None),
        ]
    )
    snapshot = make_snapshot({**WITH_CODE, "output_data/model.h5": "x"})
    (finding,) = run(check_structure, plan, snapshot)
    assert summary([finding]) == [("missing-dataset-path", Severity.ERROR, "dmp.json", "$.datasets[2]")]
    assert finding.message == (
        'the plan puts dataset "Figures" at figures, but the repository has no file or non-empty folder there'
    )
    assert finding.hint is not None and "figures/.gitkeep" in finding.hint


def test_plan_without_structure_checks_paths_only() -> None:
    plan = make_plan([dataset(0, "Data", "data")], dataset_structure=None)
    found = run(check_structure, plan, make_snapshot({"readme.md": "x"}))
    assert [f.rule for f in found] == ["missing-dataset-path"]
