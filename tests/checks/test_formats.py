"""formats: declared formats against the files under each dataset's path."""

from __future__ import annotations

import pytest
from check_helpers import Annexed, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks.formats import check_formats, describe
from dgbot.records import Severity


def test_undeclared_format_names_a_file() -> None:
    plan = make_plan([dataset(0, "Results", "output_data", formats=("text/csv",))])
    files = {"output_data/a.csv": "x", "output_data/b.png": "x", "output_data/c.png": "x"}
    (finding,) = run(check_formats, plan, make_snapshot(files))
    assert summary([finding]) == [("undeclared-format", Severity.WARNING, "output_data/b.png", None)]
    assert finding.message == (
        'output_data/ holds 2 files of type image/png (e.g. output_data/b.png), which dataset "Results" '
        "does not declare (it declares text/csv)"
    )


def test_research_formats_by_name_and_media_type() -> None:
    plan = make_plan(
        [
            dataset(0, "Scans", "input_data", formats=("NIfTI", "text/tab-separated-values")),
            dataset(1, "Recordings", "output_data", formats=("application/x-hdf5", "image/*", "CSV")),
        ]
    )
    files = {
        "input_data/sub-01_T1w.nii.gz": Annexed(10),
        "input_data/participants.tsv": "x",
        "input_data/README.md": "x",  # documentation is not data
        "input_data/.gitkeep": "",
        "output_data/session.nwb": Annexed(10),  # NWB is HDF5
        "output_data/fig.svg": "x",
        "output_data/table.csv": "x",
    }
    assert run(check_formats, plan, make_snapshot(files)) == []


def test_declared_format_without_files_is_a_notice() -> None:
    plan = make_plan([dataset(0, "Results", "output_data", formats=("text/csv", "application/x-hdf5"))])
    (finding,) = run(check_formats, plan, make_snapshot({"output_data/a.csv": "x"}))
    assert summary([finding]) == [("missing-format", Severity.NOTICE, "dmp.json", "$.datasets[0]")]
    assert finding.message == (
        'dataset "Results" declares the format "application/x-hdf5", but no file in output_data/ has it'
    )


def test_each_file_belongs_to_the_deepest_dataset() -> None:
    plan = make_plan(
        [
            dataset(0, "All inputs", "input_data", formats=("text/csv",)),
            dataset(1, "Raw", "input_data/raw", formats=("EDF",)),
        ]
    )
    files = {"input_data/schedule.csv": "x", "input_data/raw/sub-01.edf": Annexed(10)}
    assert run(check_formats, plan, make_snapshot(files)) == []


def test_datasets_without_formats_or_files_are_skipped() -> None:
    plan = make_plan([dataset(0, "A", "a"), dataset(1, "B", "b", formats=("text/csv",))])
    assert run(check_formats, plan, make_snapshot({"a/x.png": "x"})) == []


@pytest.mark.parametrize(
    ("name", "label", "token"),
    [
        ("table.csv.gz", "text/csv", "application/gzip"),
        ("brain.NII.GZ", "application/x-nifti", "nifti"),
        ("config.yml", "application/yaml", "yaml"),  # not the machine's /etc/mime.types
        ("notebook.ipynb", "application/x-ipynb+json", "jupyter notebook"),
        ("data.xyz123", '".xyz123" (unknown to dgbot)', "xyz123"),
        ("Makefile", "unknown (no extension)", None),
    ],
)
def test_describe(name: str, label: str, token: str | None) -> None:
    found_label, tokens = describe(name)
    assert found_label == label
    assert token is None or token in tokens
