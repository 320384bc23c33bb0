"""Every example plan validates, becomes a Plan and exports to a maDMP the official schemas accept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema.validators import validator_for

from conftest import REPO_ROOT, corpus_path
from dgbot.dmp import validate_file
from dgbot.dmp.export import export_madmp
from dgbot.dmp.schema import is_valid, madmp_schema, validator

EXAMPLES = sorted((REPO_ROOT / "examples" / "plans").iterdir())
PROFILE_EXAMPLES = [p for p in EXAMPLES if not p.name.startswith("madmp")]


def test_there_is_one_example_per_profile_and_a_madmp() -> None:
    stems = {p.stem for p in EXAMPLES}
    assert {"basic", "amed", "jst", "meti", "moonshot", "madmp-1.2"} <= stems


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_plan_is_valid(path: Path) -> None:
    validation = validate_file(path)
    assert validation.valid, [str(f.location) + " " + f.message for f in validation.findings]
    assert validation.plan is not None
    assert validation.plan.title and validation.plan.datasets


@pytest.mark.parametrize("standard", ["1.1", "1.2"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_export_validates_against_our_schema(path: Path, standard: str) -> None:
    plan = validate_file(path).plan
    assert plan is not None
    document = export_madmp(plan, standard)
    errors = [e.message for e in validator(madmp_schema(standard)).iter_errors(document)]
    assert errors == []
    assert document["dmp"]["title"] == plan.title
    assert len(document["dmp"]["dataset"]) == len(plan.datasets)


@pytest.mark.corpus
@pytest.mark.parametrize("standard", ["1.1", "1.2"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_export_validates_against_the_official_schema(path: Path, standard: str) -> None:
    official = json.loads(corpus_path("schemas", "rda-madmp", f"maDMP-schema-{standard}.json").read_text())
    cls = validator_for(official)
    plan = validate_file(path).plan
    assert plan is not None
    document = export_madmp(plan, standard)
    errors = [e.message for e in cls(official, format_checker=cls.FORMAT_CHECKER).iter_errors(document)]
    assert errors == []


def test_export_round_trips_through_validation(tmp_path: Path) -> None:
    plan = validate_file(REPO_ROOT / "examples" / "plans" / "basic.json").plan
    assert plan is not None
    exported = tmp_path / "madmp.json"
    exported.write_text(json.dumps(export_madmp(plan, "1.2")))
    again = validate_file(exported)
    assert again.valid
    assert again.plan is not None
    assert again.plan.title == plan.title
    assert [d.planned_size for d in again.plan.datasets] == [d.planned_size for d in plan.datasets]
    assert [d.access for d in again.plan.datasets][:1] == [d.access for d in plan.datasets][:1]
    assert is_valid(export_madmp(plan, "1.1"), madmp_schema("1.1"))
