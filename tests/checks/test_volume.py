"""volume: experiment data against the plan's limit and the datasets' planned sizes."""

from __future__ import annotations

import pytest
from check_helpers import GB, MB, Annexed, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks import volume
from dgbot.checks.volume import check_volume
from dgbot.records import Severity


def test_over_the_limit_names_the_total_and_the_limit() -> None:
    snapshot = make_snapshot({"output_data/run.bin": Annexed(int(12.4 * GB)), "source/main.py": "print(1)\n"})
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert summary([finding]) == [("over-limit", Severity.ERROR, "dmp.json", "$.contentSize")]
    assert finding.message == "output_data/ holds 12.4 GB, more than the plan's limit of 10GB"


def test_several_data_folders_are_listed_largest_first() -> None:
    snapshot = make_snapshot(
        {"input_data/a.bin": Annexed(1 * GB), "output_data/b.bin": Annexed(10 * GB), "README.md": "x"}
    )
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert finding.message == (
        "the experiment data (output_data/ 10 GB, input_data/ 1 GB) holds 11 GB, "
        "more than the plan's limit of 10GB"
    )


def test_warning_band_before_the_limit() -> None:
    assert volume.WARNING_RATIO == 0.9
    snapshot = make_snapshot({"output_data/run.bin": Annexed(int(9.5 * GB))})
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert summary([finding]) == [("near-limit", Severity.WARNING, "dmp.json", "$.contentSize")]
    assert finding.message == "output_data/ holds 9.5 GB, 95% of the plan's limit of 10GB"
    assert (
        run(check_volume, make_plan(), make_snapshot({"output_data/run.bin": Annexed(int(8.9 * GB))})) == []
    )


def test_exactly_the_limit_is_within_it() -> None:
    (finding,) = run(check_volume, make_plan(), make_snapshot({"output_data/x": Annexed(10 * GB)}))
    assert finding.rule == "near-limit"


def test_only_experiment_data_counts() -> None:
    snapshot = make_snapshot(
        {
            "source/model.ckpt": Annexed(20 * GB),  # code folder, not declared as a dataset
            "docs/video.mp4": Annexed(20 * GB),
            "experiments/exp1/output_data/a.bin": Annexed(6 * GB),  # data folders at any depth
            "experiments/exp1/input_data/b.bin": Annexed(5 * GB),
        }
    )
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert finding.message.startswith(
        "the experiment data (experiments/exp1/output_data/ 6 GB, "
        "experiments/exp1/input_data/ 5 GB) holds 11 GB"
    )


def test_declared_dataset_paths_count_even_outside_data_folders() -> None:
    plan = make_plan([dataset(0, "Trained models", "models")])
    snapshot = make_snapshot({"models/weights.pt": Annexed(11 * GB), "source/x.py": "x"})
    (finding,) = run(check_volume, plan, snapshot)
    assert finding.message == "models/ holds 11 GB, more than the plan's limit of 10GB"


def test_files_in_git_and_unlocked_files_count_like_locked_ones() -> None:
    snapshot = make_snapshot(
        {
            "output_data/locked.bin": Annexed(5 * GB),
            "output_data/unlocked.bin": Annexed(5 * GB, locked=False),
            "output_data/table.csv": "a,b\n" * 10,
        }
    )
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert finding.rule == "over-limit"


def test_unknown_sizes_are_reported_never_counted_as_zero() -> None:
    snapshot = make_snapshot(
        {"output_data/big.bin": Annexed(11 * GB), "output_data/remote.dat": Annexed(None), "source/x": "x"}
    )
    over, unknown = run(check_volume, make_plan(), snapshot)
    assert over.message == (
        "output_data/ holds 11 GB (not counting 1 file of unknown size), more than the plan's limit of 10GB"
    )
    assert summary([unknown]) == [("unknown-size", Severity.WARNING, "output_data/remote.dat", None)]
    assert unknown.message == (
        "1 file of the experiment data has no known size, so the total of 11 GB leaves it out: "
        "output_data/remote.dat"
    )


def test_many_unknown_sizes_are_summarised() -> None:
    files = {f"input_data/u{i}.dat": Annexed(None) for i in range(5)}
    (unknown,) = run(check_volume, make_plan(), make_snapshot(files))
    assert unknown.message.endswith("input_data/u0.dat, input_data/u1.dat, input_data/u2.dat and 2 more")


def test_dataset_over_its_planned_size() -> None:
    plan = make_plan([dataset(0, "Raw recordings", "input_data", planned_size=200 * MB)])
    snapshot = make_snapshot({"input_data/a.bin": Annexed(300 * MB)})
    (finding,) = run(check_volume, plan, snapshot)
    assert summary([finding]) == [("dataset-over-planned", Severity.WARNING, "dmp.json", "$.datasets[0]")]
    assert finding.message == (
        'dataset "Raw recordings" (input_data/) holds 300 MB, more than the 200 MB the plan expects for it'
    )


def test_dataset_that_is_one_file() -> None:
    plan = make_plan([dataset(0, "Table", "output_data/table.csv", planned_size=10)])
    (finding,) = run(check_volume, plan, make_snapshot({"output_data/table.csv": "a" * 20}))
    assert finding.message.startswith('dataset "Table" (output_data/table.csv) holds 20 B')


def test_plan_without_a_limit_checks_only_datasets() -> None:
    plan = make_plan(size_limit_label=None, form="madmp", profile="madmp-1.2")
    assert run(check_volume, plan, make_snapshot({"output_data/x": Annexed(5000 * GB)})) == []


def test_empty_repository() -> None:
    assert run(check_volume, make_plan(), make_snapshot({})) == []


@pytest.mark.parametrize("whole", [".", "./", "", "/", "./."])
def test_a_dataset_at_the_top_counts_every_file_of_the_repository(whole: str) -> None:
    """studyforrest-like plans put the dataset at ".": its files are the experiment data, all of them."""
    snapshot = make_snapshot(
        {"sub-01/anat/T1w.nii.gz": Annexed(8 * GB), "sub-02/func/bold.nii.gz": Annexed(5 * GB)}
    )
    plan = make_plan([dataset(0, "Everything", whole, planned_size=10 * GB)])
    findings = run(check_volume, plan, snapshot)
    over = next(f for f in findings if f.rule == "over-limit")
    assert "holds 13 GB, more than the plan's limit of 10GB" in over.message
    planned = next(f for f in findings if f.rule == "dataset-over-planned")
    assert planned.message.startswith('dataset "Everything" (the whole repository) holds 13 GB')
    assert "()" not in planned.message
