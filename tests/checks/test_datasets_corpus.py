"""The checks over two real DataLad datasets of the corpus (git objects only, no content).

studyforrest-data-phase2 (BIDS, one subdataset, folder links) and OpenNeuro's ds005551
(BIDS, 47 subjects, large derivatives/). The sizes below are SOURCES.md's figures, measured
independently from the git-annex keys.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from check_helpers import GB, dataset, make_plan, run, summary

from conftest import CORPUS, corpus_path
from dgbot.checks.formats import check_formats
from dgbot.checks.license import check_license
from dgbot.checks.structure import check_structure
from dgbot.checks.volume import check_volume
from dgbot.records import Finding, Severity
from dgbot.snapshot import Snapshot, sizes, snapshot_commit

pytestmark = pytest.mark.corpus

STUDYFORREST = "studyforrest-data-phase2"
DS005551 = "openneuro-ds005551"
FORREST_BYTES = 14_511_735_417 + 202_425  # annexed + in git
DS005551_BYTES = 284_681_208_359 + 2_501_697
BIDS_FORMATS = ("NIfTI", "application/json", "text/tab-separated-values")


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both bundles cloned without a checkout, by a git that reads no configuration of ours.

    Without the corpus there is nothing to clone; the corpus marker then skips (or fails) each test.
    """
    if not CORPUS.is_dir():
        return {}
    top = tmp_path_factory.mktemp("corpus-datasets")
    env = {**os.environ, "HOME": str(top), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    found = {}
    for name in (STUDYFORREST, DS005551):
        bundle = corpus_path("datasets", f"{name}.bundle")
        subprocess.run(
            ["git", "clone", "-q", "--no-checkout", str(bundle), str(top / name)], check=True, env=env
        )
        found[name] = top / name
    return found


@pytest.fixture
def forrest(clones: dict[str, Path]) -> Snapshot:
    return snapshot_commit(clones[STUDYFORREST])


@pytest.fixture
def ds005551(clones: dict[str, Path]) -> Snapshot:
    return snapshot_commit(clones[DS005551])


def _rule(findings: list[Finding], rule: str) -> Finding:
    (found,) = (f for f in findings if f.rule == rule)
    return found


def _named_groups(message: str) -> list[str]:
    """The names in a breakdown "the whole repository (a/ 1 GB, b/ 2 GB, …) holds"."""
    inside = re.search(r"\(([^()]*)\) holds", message)
    assert inside is not None, message
    return [part.rsplit(" ", 2)[0] for part in inside.group(1).split(", ") if part != "…"]


def test_studyforrest_sizes_count_its_subdataset_apart(forrest: Snapshot) -> None:
    total = sizes(forrest.files)
    assert (total.total, total.unknown, total.subdatasets) == (FORREST_BYTES, (), ("src/lab-eyetracking",))


def test_studyforrest_under_the_limit_reports_total_share_and_subdataset(forrest: Snapshot) -> None:
    plan = make_plan([dataset(0, "studyforrest phase 2", ".")], size_limit_label="100GB")
    found = run(check_volume, plan, forrest)
    assert summary(found) == [
        ("total", Severity.NOTICE, "dmp.json", "$.contentSize"),
        ("subdataset", Severity.NOTICE, "src/lab-eyetracking", None),
    ]
    total = found[0]
    assert total.message.startswith("the whole repository (code/ 1.3 GB, ")
    assert total.message.endswith(
        "holds 13.5 GB (not counting 1 subdataset), 14% of the plan's limit of 100GB"
    )
    assert all(name.endswith("/") for name in _named_groups(total.message))  # folders, never single files
    assert "unknown size" not in total.message and found[1].hint is None  # no annex-migrate advice


def test_studyforrest_against_a_planned_size_rounding_would_hide(forrest: Snapshot) -> None:
    plan = make_plan(
        [dataset(0, "studyforrest phase 2", ".", planned_size=int(13.5 * GB))], size_limit_label="100GB"
    )
    planned = _rule(run(check_volume, plan, forrest), "dataset-over-planned")
    assert planned.message == (
        'dataset "studyforrest phase 2" (the whole repository) holds 13.52 GB (not counting 1 subdataset), '
        "more than the 13.50 GB the plan expects for it"
    )


def test_studyforrest_formats_leave_out_what_is_not_data(forrest: Snapshot) -> None:
    # text/plain covers EyeLink's .asc.gz too: a compressed file has its inner format
    declared = (*BIDS_FORMATS, "image/png", "video/matroska", "text/plain", "text/csv")
    found = run(
        check_formats, make_plan([dataset(0, "studyforrest phase 2", ".", formats=declared)]), forrest
    )
    paths = [f.location.path or "" for f in found]
    not_data = (".datalad/", ".gitattributes", "datacite.yml", "LICENSE", "README", "src/", "stimuli/")
    assert not [p for p in paths if p.startswith(not_data)]
    labels = {
        f.message.split(" of type ")[1].split(" (e.g.")[0] for f in found if f.rule == "undeclared-format"
    }
    assert labels == {
        "application/x-psychopy-experiment",
        "application/x-sh",
        "text/x-python",
        "unknown (no extension)",  # ISSUES, Makefile, scripts without an extension
    }
    unknown = next(f for f in found if "unknown (no extension)" in f.message)
    assert unknown.message.startswith("the whole repository holds 10 files of type unknown (no extension)")


def test_studyforrest_licences_agree_and_bids_is_read(forrest: Snapshot) -> None:
    assert run(check_license, make_plan([dataset(0, "All", ".", license="PDDL-1.0")]), forrest) == []
    found = run(check_license, make_plan([dataset(0, "All", ".", license="CC0-1.0")]), forrest)
    assert [(f.rule, f.location.path) for f in found] == [
        ("file-differs", "LICENSE"),
        ("datacite-differs", "datacite.yml"),
        ("bids-differs", "dataset_description.json"),
    ]
    bids = found[2]
    assert (bids.location.line, bids.location.json_path) == (4, "$.License")
    assert (
        bids.message
        == "dataset_description.json names PDDL-1.0, but the plan licenses its datasets under CC0-1.0"
    )


def test_ds005551_with_a_plan_without_datasets_counts_every_file_and_says_so(ds005551: Snapshot) -> None:
    assert sizes(ds005551.files).total == DS005551_BYTES
    (over,) = run(check_volume, make_plan(size_limit_label="100GB"), ds005551)
    assert over.rule == "over-limit"
    assert over.message.startswith("the whole repository (derivatives/ 169.4 GB, sub-")
    assert over.message.endswith(
        "holds 265.1 GB, more than the plan's limit of 100GB; every file counts, as the plan names no "
        "dataset paths and there is no input_data/ or output_data/ folder"
    )


def test_ds005551_subjects_as_datasets_give_one_warning_per_kind(ds005551: Snapshot) -> None:
    subjects = [folder for folder in ds005551.subfolders[""] if folder.startswith("sub-")]
    assert len(subjects) == 47
    datasets = [dataset(0, "ds005551", ".", formats=BIDS_FORMATS)]
    datasets += [
        dataset(i, name, name, formats=("NIfTI", "application/json")) for i, name in enumerate(subjects, 1)
    ]
    found = run(check_formats, make_plan(datasets), ds005551)
    in_subjects = [f for f in found if (f.location.path or "").startswith("sub-")]
    (events,) = in_subjects  # the events tables of every subject: one warning, with counts
    assert events.message == (
        "47 datasets (sub-01/, sub-02/, sub-03/ and 44 more) hold 188 files of type "
        "text/tab-separated-values (e.g. sub-01/func/sub-01_task-movie_run-01_events.tsv), "
        "which they do not declare (they declare NIfTI, application/json)"
    )
    labels = [f.message.split(" of type ")[1].split(" (e.g.")[0] for f in found]
    assert len(labels) == len(set(labels))  # each kind once
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in labels  # .xlsx
    assert "application/msword" in labels and "text/markdown" in labels


def test_ds005551_licence_is_read_from_dataset_description(ds005551: Snapshot) -> None:
    found = run(check_license, make_plan([dataset(0, "All", ".", license="CC0-1.0")]), ds005551)
    assert [f.rule for f in found] == ["missing-file"]  # it agrees; the repository has no LICENSE
    found = run(check_license, make_plan([dataset(0, "All", ".", license="MIT")]), ds005551)
    bids = _rule(found, "bids-differs")
    assert (
        bids.message == "dataset_description.json names CC0-1.0, but the plan licenses its datasets under MIT"
    )


def test_studyforrest_structure_sees_its_dataset_paths(forrest: Snapshot) -> None:
    plan = make_plan(
        [dataset(0, "Eye tracking", "src/lab-eyetracking"), dataset(1, "Subject 1", "./sub-01/")],
        dataset_structure=None,
    )
    assert run(check_structure, plan, forrest) == []
