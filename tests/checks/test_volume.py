"""volume: experiment data against the plan's limit and the datasets' planned sizes."""

from __future__ import annotations

import pytest
from check_helpers import GB, MB, Annexed, Submodule, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks import volume
from dgbot.checks.volume import check_volume
from dgbot.records import Severity

NO_PATHS = (
    "; only the files in input_data/ and output_data/ folders count, as the plan names no dataset paths"
)


def test_over_the_limit_names_the_total_and_the_limit() -> None:
    snapshot = make_snapshot({"output_data/run.bin": Annexed(int(12.4 * GB)), "source/main.py": "print(1)\n"})
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert summary([finding]) == [("over-limit", Severity.ERROR, "dmp.json", "$.contentSize")]
    assert finding.message == "output_data/ holds 12.4 GB, more than the plan's limit of 10GB" + NO_PATHS


def test_several_data_folders_are_listed_largest_first() -> None:
    snapshot = make_snapshot(
        {"input_data/a.bin": Annexed(1 * GB), "output_data/b.bin": Annexed(10 * GB), "README.md": "x"}
    )
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert finding.message == (
        "the experiment data (output_data/ 10 GB, input_data/ 1 GB) holds 11 GB, "
        "more than the plan's limit of 10GB" + NO_PATHS
    )


def test_warning_band_before_the_limit() -> None:
    assert volume.WARNING_RATIO == 0.9
    snapshot = make_snapshot({"output_data/run.bin": Annexed(int(9.5 * GB))})
    (finding,) = run(check_volume, make_plan(), snapshot)
    assert summary([finding]) == [("near-limit", Severity.WARNING, "dmp.json", "$.contentSize")]
    assert finding.message == "output_data/ holds 9.5 GB, 95% of the plan's limit of 10GB" + NO_PATHS
    (below,) = run(check_volume, make_plan(), make_snapshot({"output_data/run.bin": Annexed(int(8.9 * GB))}))
    assert summary([below]) == [("total", Severity.NOTICE, "dmp.json", "$.contentSize")]
    assert below.message == "output_data/ holds 8.9 GB, 89% of the plan's limit of 10GB" + NO_PATHS


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
    assert finding.message == "models/ holds 11 GB, more than the plan's limit of 10GB"  # the plan says what


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
        + NO_PATHS
    )
    assert summary([unknown]) == [("unknown-size", Severity.WARNING, "output_data/remote.dat", None)]
    assert unknown.message == (
        "1 file of the experiment data has no known size, so the total of 11 GB leaves it out: "
        "output_data/remote.dat"
    )


def test_many_unknown_sizes_are_summarised() -> None:
    files = {f"input_data/u{i}.dat": Annexed(None) for i in range(5)}
    total, unknown = run(check_volume, make_plan(), make_snapshot(files))
    assert total.message == (
        "input_data/ holds 0 B (not counting 5 files of unknown size), 0% of the plan's limit of 10GB"
        + NO_PATHS
    )
    assert unknown.message.endswith("input_data/u0.dat, input_data/u1.dat, input_data/u2.dat and 2 more")


def test_dataset_over_its_planned_size() -> None:
    plan = make_plan([dataset(0, "Raw recordings", "input_data", planned_size=200 * MB)])
    snapshot = make_snapshot({"input_data/a.bin": Annexed(300 * MB)})
    total, finding = run(check_volume, plan, snapshot)
    assert total.message == "input_data/ holds 300 MB, 3% of the plan's limit of 10GB"
    assert summary([finding]) == [("dataset-over-planned", Severity.WARNING, "dmp.json", "$.datasets[0]")]
    assert finding.message == (
        'dataset "Raw recordings" (input_data/) holds 300 MB, more than the 200 MB the plan expects for it'
    )


def test_dataset_that_is_one_file() -> None:
    plan = make_plan([dataset(0, "Table", "output_data/table.csv", planned_size=10)])
    _, finding = run(check_volume, plan, make_snapshot({"output_data/table.csv": "a" * 20}))
    assert finding.message.startswith('dataset "Table" (output_data/table.csv) holds 20 B')


def test_plan_without_a_limit_reports_the_total_only() -> None:
    plan = make_plan(size_limit_label=None, form="madmp", profile="madmp-1.2")
    (total,) = run(check_volume, plan, make_snapshot({"output_data/x": Annexed(5000 * GB)}))
    assert summary([total]) == [("total", Severity.NOTICE, "dmp.json", "$.contentSize")]
    assert total.message == "output_data/ holds 4.9 TB; the plan sets no limit (contentSize)" + NO_PATHS


def test_empty_repository_says_there_is_nothing_to_count() -> None:
    (total,) = run(check_volume, make_plan(), make_snapshot({}))
    assert summary([total]) == [("total", Severity.NOTICE, "dmp.json", "$.contentSize")]
    assert total.message == (
        "there is no experiment data to count against the plan's limit of 10GB; every file counts, "
        "as the plan names no dataset paths and there is no input_data/ or output_data/ folder"
    )


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


def test_under_the_limit_the_total_and_its_share_are_a_notice() -> None:
    plan = make_plan([dataset(0, "Recordings", "input_data")])
    (finding,) = run(check_volume, plan, make_snapshot({"input_data/a.bin": Annexed(int(2.1 * GB))}))
    assert summary([finding]) == [("total", Severity.NOTICE, "dmp.json", "$.contentSize")]
    assert finding.message == "input_data/ holds 2.1 GB, 21% of the plan's limit of 10GB"


def test_a_dataset_just_over_its_planned_size_shows_the_digits_that_differ() -> None:
    """13.52 GB against a planned 13.5GB both round to "13.5 GB": more digits tell them apart."""
    plan = make_plan([dataset(0, "Everything", ".", planned_size=int(13.5 * GB))], size_limit_label="100GB")
    findings = run(check_volume, plan, make_snapshot({"sub-01/bold.nii.gz": Annexed(int(13.52 * GB))}))
    (planned,) = (f for f in findings if f.rule == "dataset-over-planned")
    assert planned.message == (
        'dataset "Everything" (the whole repository) holds 13.52 GB, '
        "more than the 13.50 GB the plan expects for it"
    )


def test_a_difference_of_bytes_is_shown_in_bytes() -> None:
    plan = make_plan([dataset(0, "Data", "input_data")])
    (over,) = run(check_volume, plan, make_snapshot({"input_data/a.bin": Annexed(10 * GB + 1)}))
    assert over.message == (
        "input_data/ holds 10,737,418,241 bytes, more than the plan's limit of 10GB (10,737,418,240 bytes)"
    )


def test_a_whole_repository_breakdown_names_its_top_folders_not_files() -> None:
    files = {f"sub-{i:02}/func/sub-{i:02}_bold.nii.gz": Annexed((i + 1) * GB) for i in range(1, 5)}
    files |= {f"sub-{i:02}/anat/sub-{i:02}_T1w.nii.gz": Annexed(GB // 2) for i in range(1, 5)}
    files["participants.tsv"] = "participant_id\nsub-01\n"
    plan = make_plan([dataset(0, "BIDS", ".")])
    (over,) = run(check_volume, plan, make_snapshot(files))
    assert over.message == (
        "the whole repository (sub-04/ 5.5 GB, sub-03/ 4.5 GB, sub-02/ 3.5 GB, …) holds 16 GB, "
        "more than the plan's limit of 10GB"
    )


def test_files_at_the_top_are_named_as_such_never_by_an_empty_name() -> None:
    plan = make_plan([dataset(0, "Flat", "./")])
    (total,) = run(check_volume, plan, make_snapshot({"a.bin": Annexed(GB), "b.bin": Annexed(GB)}))
    assert total.message == (
        "the whole repository (files at the top of the repository 2 GB) holds 2 GB, "
        "20% of the plan's limit of 10GB"
    )


def test_a_plan_without_datasets_counts_every_file_of_a_repository_without_data_folders() -> None:
    snapshot = make_snapshot(
        {"sub-01/anat/T1w.nii.gz": Annexed(6 * GB), "code/run.py": "x", "sub-02/x": Annexed(5 * GB)}
    )
    (over,) = run(check_volume, make_plan(), snapshot)
    assert over.message == (
        "the whole repository (sub-01/ 6 GB, sub-02/ 5 GB, code/ 1 B) holds 11 GB, more than the plan's "
        "limit of 10GB; every file counts, as the plan names no dataset paths and there is no input_data/ or "
        "output_data/ folder"
    )


def test_a_subdataset_is_named_as_such_not_as_a_file_of_unknown_size() -> None:
    plan = make_plan([dataset(0, "All", ".")])
    snapshot = make_snapshot({"sub-01/x.nii.gz": Annexed(GB), "src/eyetracking": Submodule()})
    total, sub = run(check_volume, plan, snapshot)
    assert total.message == "sub-01/ holds 1 GB (not counting 1 subdataset), 10% of the plan's limit of 10GB"
    assert summary([sub]) == [("subdataset", Severity.NOTICE, "src/eyetracking", None)]
    assert sub.message == (
        "src/eyetracking is a subdataset (a git submodule): its data is kept in its own repository, "
        "so the total does not count it"
    )
    assert sub.hint is None  # no annex-migrate advice: nothing is wrong with it


def test_many_subdatasets_are_one_notice() -> None:
    snapshot = make_snapshot({f"inputs/sub-{i:02}": Submodule() for i in range(1, 6)} | {"inputs/a": "x"})
    findings = run(check_volume, make_plan([dataset(0, "Inputs", "inputs")]), snapshot)
    assert [f.rule for f in findings] == ["total", "subdataset"]
    assert findings[1].message.startswith(
        "5 subdatasets (inputs/sub-01, inputs/sub-02, inputs/sub-03 and 2 more) (a git submodule): their data"
    )


def test_a_dataset_that_is_a_subdataset_is_not_compared_with_its_planned_size() -> None:
    plan = make_plan([dataset(0, "Eye tracking", "src/eyetracking", planned_size=GB)])
    findings = run(check_volume, plan, make_snapshot({"src/eyetracking": Submodule()}))
    (sub,) = (f for f in findings if f.rule == "dataset-is-subdataset")
    assert summary([sub]) == [("dataset-is-subdataset", Severity.NOTICE, "dmp.json", "$.datasets[0]")]
    assert sub.message == (
        'dataset "Eye tracking" (src/eyetracking) is a subdataset (a git submodule): its size is in its own '
        "repository, so dgbot does not compare it with the 1 GB the plan expects"
    )
    assert [f.rule for f in findings] == ["total", "subdataset", "dataset-is-subdataset"]
    assert findings[0].message == (
        "the experiment data holds 0 B (not counting 1 subdataset), 0% of the plan's limit of 10GB"
    )


@pytest.mark.parametrize("path", ["./sub-01/", "sub-01", "/sub-01", "./sub-01/."])
def test_messages_name_paths_from_the_top_and_never_an_empty_name(path: str) -> None:
    plan = make_plan([dataset(0, "  ", path, planned_size=MB)])
    findings = run(check_volume, plan, make_snapshot({"sub-01/a.nii.gz": Annexed(2 * MB)}))
    planned = next(f for f in findings if f.rule == "dataset-over-planned")
    assert planned.message == "a dataset (sub-01/) holds 2 MB, more than the 1 MB the plan expects for it"
