"""The five real datacite.yml files of the corpus get the outcome GIN's DOI service gives them."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_helpers import make_plan, make_snapshot, run

from conftest import corpus_files
from dgbot.checks.datacite import check_datacite
from dgbot.records import Severity

# The first line of each source repository's LICENSE (SOURCES.md names the licences):
# GIN reads LICENSE beside datacite.yml, so each file is checked with its repository's.
LICENSE_HEADS = {
    "highspeed-bids": "Attribution-ShareAlike 4.0 International\n",
    "multilevel_visual_motion_opponency": "Creative Commons Legal Code\n\nCC0 1.0 Universal\n",
    "studyforrest-data-phase2": "Open Data Commons Public Domain Dedication and License (PDDL)\n",
    "tonic-research-project-template": "Attribution 4.0 International\n",
    "unfccc_di_data": "                    Apache License\n              Version 2.0, January 2004\n",
}

# (rule, JSON path) of every error and warning; GIN accepts a file without errors.
EXPECTED: dict[str, dict[Severity, list[tuple[str, str | None]]]] = {
    "highspeed-bids": {
        Severity.ERROR: [],
        Severity.WARNING: [("reference-id", "$.references[0].id")],  # a reference without an id
    },
    "multilevel_visual_motion_opponency": {Severity.ERROR: [], Severity.WARNING: []},
    "studyforrest-data-phase2": {Severity.ERROR: [], Severity.WARNING: []},
    "tonic-research-project-template": {
        Severity.ERROR: [],
        Severity.WARNING: [
            ("reference-name", "$.references[0].name"),  # the deprecated `name` instead of `citation`
            ("reference-name", "$.references[1].name"),
            ("reftype-not-supplement", "$.references[2].reftype"),
            ("reference-name", "$.references[2].name"),
            ("resourcetype-not-dataset", "$.resourcetype"),  # Text
        ],
    },
    "unfccc_di_data": {
        Severity.ERROR: [("reftype", f"$.references[{i}].reftype") for i in range(4)],  # IsDerivedFrom
        Severity.WARNING: [("reference-id", f"$.references[{i}].id") for i in range(3)],
    },
}


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files("datacite", "*.yml"), ids=lambda p: p.name)
def test_gin_outcome(path: Path) -> None:
    name = path.name.removesuffix(".datacite.yml")
    snapshot = make_snapshot({"datacite.yml": path.read_bytes(), "LICENSE": LICENSE_HEADS[name]})
    found = run(check_datacite, make_plan(), snapshot)
    for severity, expected in EXPECTED[name].items():
        got = sorted((f.rule, f.location.json_path) for f in found if f.severity is severity)
        assert got == sorted(expected), severity
    assert all(f.location.path == "datacite.yml" and f.location.line for f in found)


@pytest.mark.corpus
def test_one_corpus_file_is_refused() -> None:
    refused = []
    for path in corpus_files("datacite", "*.yml"):
        name = path.name.removesuffix(".datacite.yml")
        snapshot = make_snapshot({"datacite.yml": path.read_bytes(), "LICENSE": LICENSE_HEADS[name]})
        if any(f.severity is Severity.ERROR for f in run(check_datacite, make_plan(), snapshot)):
            refused.append(name)
    assert refused == ["unfccc_di_data"]
