"""formats: declared formats against the files under each dataset's path."""

from __future__ import annotations

import pytest
from check_helpers import Annexed, Link, Submodule, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks.filetypes import describe
from dgbot.checks.formats import check_formats
from dgbot.records import Severity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        ("table.csv.gz", "text/csv (gzip-compressed)", "application/gzip"),
        ("table.csv.gz", "text/csv (gzip-compressed)", "text/csv"),
        ("brain.NII.GZ", "application/x-nifti", "nifti"),
        ("config.yml", "application/yaml", "yaml"),  # not the machine's /etc/mime.types
        ("notebook.ipynb", "application/x-ipynb+json", "jupyter notebook"),
        ("data.xyz123", '".xyz123" (unknown to dgbot)', "xyz123"),
        ("Makefile", "unknown (no extension)", None),
        # names with dots that are not extensions (CAT12/FreeSurfer surfaces): no extension
        ("lh.pbt.sub-01_T1w", "unknown (no extension)", None),
        ("rh.thickness.sub-01_T1w", "unknown (no extension)", None),
        ("lh.central.sub-01_T1w.gii", "application/x-gifti", "gifti"),
        ("1.2.3_Consensus_Final.xlsx", XLSX, "xlsx"),  # ds005551
        ("SEM-2.0_1.2.3_kde_boundary.csv", "text/csv", "csv"),
        # registered media types (IANA), not Python's table
        ("recall.xlsx", XLSX, "excel"),
        ("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word"),
        ("talk.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
        ("README.md", "text/markdown", "markdown"),
        ("movie.mkv", "video/matroska", "video/x-matroska"),
        # BIDS files
        ("sub-01_dwi.bval", "text/plain", "bval"),
        ("sub-01_dwi.bvec", "text/plain", "bvec"),
        ("sub-01_eyelinkraw.asc.gz", "text/plain (gzip-compressed)", "application/gzip"),
        ("sub-01_eyelinkraw.asc", "text/plain", "eyelink ascii"),
        ("sub-01_physio.tsv.gz", "text/tab-separated-values (gzip-compressed)", "text/tab-separated-values"),
        ("trials.psydat", "application/x-psychopy-data", "psychopy"),
        ("subject.RData", "application/x-rdata", "rdata"),
        # FreeSurfer's binary mean curvature is not a C header, nor text
        ("lh.white.H", "application/x-freesurfer-curv", "freesurfer"),
        ("lh.white.K", "application/x-freesurfer-curv", "curv"),
        ("lh.aparc.annot", "application/x-freesurfer-annot", "annot"),
        ("parser.h", "text/x-c", "c"),
    ],
)
def test_describe(name: str, label: str, token: str | None) -> None:
    found_label, tokens = describe(name)
    assert found_label == label
    assert token is None or token in tokens


def test_a_binary_freesurfer_curvature_is_not_text() -> None:
    assert "text/plain" not in describe("lh.white.H")[1]
    assert not any(token.startswith("text/") for token in describe("lh.white.H")[1])


def test_repository_metadata_is_not_experiment_data() -> None:
    plan = make_plan([dataset(0, "BIDS", ".", formats=("NIfTI",))], source="dmp.yaml")
    files = {
        ".datalad/config": "[datalad]\n",
        ".datalad/metadata/objects/b8/cn-f563.xz": "x",
        ".gitattributes": "* annex.backend=MD5E\n",
        "code/.gitattributes": "* annex.largefiles=nothing\n",
        "datacite.yml": "title: x\n",
        "dmp.yaml": "title: x\n",
        "LICENSE": "PDDL\n",
        "README.rst": "x",
        "CHANGES": "x",
        "src/lab-eyetracking": Submodule(),  # a subdataset: its files are another repository's
        "stimuli/movie_localizer": Link("../code/stimulus/movie_localizer"),  # a link to a folder
        "sub-01/anat/sub-01_T1w.nii.gz": Annexed(10),
    }
    assert run(check_formats, plan, make_snapshot(files)) == []


def test_one_warning_per_kind_however_many_subjects() -> None:
    subjects = [f"sub-{i:02}" for i in range(1, 31)]
    datasets = [dataset(i, s, s, formats=("NIfTI", "application/json")) for i, s in enumerate(subjects)]
    files = {f"{s}/func/{s}_task-movie_bold.nii.gz": Annexed(10) for s in subjects}
    files |= {f"{s}/func/{s}_task-movie_events.tsv": "onset\n" for s in subjects}
    files |= {f"{s}/beh/{s}_eyelinkraw.asc.gz": Annexed(10) for s in subjects[:4]}
    found = run(check_formats, make_plan(datasets), make_snapshot(files))
    assert summary(found) == [
        ("undeclared-format", Severity.WARNING, "sub-01/beh/sub-01_eyelinkraw.asc.gz", None),
        ("undeclared-format", Severity.WARNING, "sub-01/func/sub-01_task-movie_events.tsv", None),
        ("missing-format", Severity.NOTICE, "dmp.json", "$.datasets[0]"),
    ]
    assert found[0].message == (
        "4 datasets (sub-01/, sub-02/, sub-03/ and 1 more) hold 4 files of type text/plain (gzip-compressed) "
        "(e.g. sub-01/beh/sub-01_eyelinkraw.asc.gz), which they do not declare (they declare NIfTI, "
        "application/json)"
    )
    assert found[1].message.startswith(
        "30 datasets (sub-01/, sub-02/, sub-03/ and 27 more) hold 30 files of type"
    )
    assert found[2].message == (
        '30 datasets (sub-01/, sub-02/, sub-03/ and 27 more) declare the format "application/json", '
        "but no file in them has it"
    )
