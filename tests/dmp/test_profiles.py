"""Funder profile schemas, their example plans, and the mapping of a profile to Plan fields."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import corpus_path
from dgbot.dmp.plan import Access, Gpu, Person, Plan, Tristate
from dgbot.dmp.profiles import _json_path, profile_fields
from dgbot.dmp.schema import ADVISORY, validator

ROOT = Path(__file__).resolve().parents[2]
PROFILE_DIR = ROOT / "schemas" / "profiles"
EXAMPLE_DIR = ROOT / "examples" / "plans"
NAMES = ("basic", "amed", "jst", "meti", "moonshot")
FUNDERS = NAMES[1:]
GB = 1024**3


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys in {keys}"
    return dict(pairs)


def load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return yaml.safe_load(text)
    return json.loads(text, object_pairs_hook=_unique_keys)


SCHEMAS = {name: load(PROFILE_DIR / f"{name}.schema.json") for name in NAMES}
EXAMPLES = sorted(p for p in EXAMPLE_DIR.iterdir() if not p.name.startswith("madmp-"))


def errors(doc: Any, profile: str | None = None) -> list[tuple[str, str]]:
    """(JSON path, message) of every error (not advice) of doc against its profile, sorted by path."""
    found = validator(f"profiles/{profile or doc['schema']}.schema.json").iter_errors(doc)
    return sorted((e.json_path, e.message) for e in found if ADVISORY not in e.absolute_schema_path)


def example(name: str) -> Any:
    (path,) = EXAMPLE_DIR.glob(f"{name}.*")
    return load(path)


GOVERNANCE = {"workflowIdentifier": "basic", "contentSize": "10GB", "datasetStructure": "with_code"}
MINIMAL: dict[str, dict[str, Any]] = {
    "basic": {},
    "amed": {
        "createDate": "2024-04-01",
        "project": {"fiscalYear": 2024, "title": "AMED project"},
        "researches": {
            "data": [
                {
                    "title": "d",
                    "accessRights": "Unrestricted Open Sharing",
                    "availabilityStarts": "2025-04-01",
                }
            ]
        },
    },
    "jst": {
        "createDate": "2024-04-02",
        "project": {"fiscalYear": 2024, "title": "JST project"},
        "researches": [{"title": "d", "accessRights": "open"}],
    },
    "meti": {"dmpType": "New", "agreementTitle": "METI agreement", "submitDate": "2024-04-03"},
    "moonshot": {"funder": "NEDO", "projectName": "Moonshot project", "dataTitle": "d"},
}


def minimal(name: str, **changes: Any) -> dict[str, Any]:
    """The smallest valid document of a profile, with top-level keys changed."""
    return {"schema": name, **GOVERNANCE, **copy.deepcopy(MINIMAL[name]), **changes}


# -- the schemas -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_profile_schema_is_valid_and_named(name: str) -> None:
    schema = SCHEMAS[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"urn:dgbot:schema:profile:{name}"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    assert 2 <= schema["description"].count(". ") + 1 <= 3
    assert schema["unevaluatedProperties"] is False


@pytest.mark.parametrize("name", FUNDERS)
def test_funder_profile_includes_basic_and_pins_its_name(name: str) -> None:
    schema = SCHEMAS[name]
    assert schema["$ref"] == "urn:dgbot:schema:profile:basic#/$defs/governance"
    assert schema["properties"]["schema"] == {"const": name}


def test_config_schema_is_valid() -> None:
    schema = load(ROOT / "schemas" / "dgbot-config.schema.json")
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "urn:dgbot:schema:config"


def test_minimal_documents_are_valid() -> None:
    assert {name: errors(minimal(name)) for name in NAMES} == {name: [] for name in NAMES}


# -- the examples ----------------------------------------------------------------------


def test_every_profile_has_one_example() -> None:
    assert sorted(p.stem for p in EXAMPLES) == sorted(NAMES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_valid_against_its_profile(path: Path) -> None:
    doc = load(path)
    assert path.stem == doc["schema"]
    assert errors(doc) == []
    assert doc["title"]
    assert doc["created"]
    assert doc["contact"]["mbox"].endswith("@example.org")


@pytest.mark.corpus
def test_madmp_example_is_valid_rda_madmp_1_2() -> None:
    schema = load(corpus_path("schemas", "rda-madmp", "maDMP-schema-1.2.json"))
    checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in checker.iter_errors(load(EXAMPLE_DIR / "madmp-1.2.json"))] == []


# -- invalid documents, each with the error it must give --------------------------------

_MAYBE = """\
schema: basic
workflowIdentifier: basic
contentSize: 1GB
datasetStructure: with_code
useDocker: "MAYBE"
"""
_NOT_ALLOWED = "Unevaluated properties are not allowed ('contentsize' was unexpected)"
INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    ("typo-basic", minimal("basic", contentsize="1GB"), "$", _NOT_ALLOWED),
    ("typo-amed", minimal("amed", contentsize="1GB"), "$", _NOT_ALLOWED),
    ("typo-moonshot", minimal("moonshot", contentsize="1GB"), "$", _NOT_ALLOWED),
    (
        "typo-nested",
        minimal("basic", datasets=[{"title": "d", "plannedsize": "1GB"}]),
        "$.datasets[0]",
        "Additional properties are not allowed ('plannedsize' was unexpected)",
    ),
    (
        "content-size",
        minimal("basic", contentSize="2 gigabytes"),
        "$.contentSize",
        "'2 gigabytes' is not a 'size'",
    ),
    (
        "dotdot-path",
        minimal("basic", datasets=[{"title": "d", "path": "input_data/../../etc"}]),
        "$.datasets[0].path",
        "'input_data/../../etc' does not match",
    ),
    (
        "absolute-path",
        minimal("basic", datasets=[{"title": "d", "path": "/srv/data"}]),
        "$.datasets[0].path",
        "'/srv/data' does not match",
    ),
    (
        "backslash-path",
        minimal("basic", datasets=[{"title": "d", "path": "input_data\\raw"}]),
        "$.datasets[0].path",
        "does not match",
    ),
    (
        "use-docker",
        yaml.safe_load(_MAYBE),
        "$.useDocker",
        "'MAYBE' is not one of [True, False, 'YES', 'NO']",
    ),
    (
        "missing-governance",
        {"schema": "basic", "workflowIdentifier": "bio", "datasetStructure": "with_code"},
        "$",
        "'contentSize' is a required property",
    ),
    (
        "created-no-timezone",
        minimal("basic", created="2024-04-01T10:00:00"),
        "$.created",
        "'2024-04-01T10:00:00' is not valid under any of the given schemas",
    ),
    (
        "orcid",
        minimal("basic", contact={"name": "A", "orcid": "0000-0002-1825-009"}),
        "$.contact.orcid",
        "'0000-0002-1825-009' does not match",
    ),
    (
        "email",
        minimal("basic", contact={"name": "A", "mbox": "a.example.org"}),
        "$.contact.mbox",
        "'a.example.org' is not a 'email'",
    ),
    (
        "planned-size",
        minimal("basic", datasets=[{"title": "d", "plannedSize": "5 gigabytes"}]),
        "$.datasets[0].plannedSize",
        "'5 gigabytes' is not a 'size'",
    ),
    (
        "gpu-count",
        minimal("basic", compute={"gpu": {"count": 0}}),
        "$.compute.gpu.count",
        "0 is less than the minimum of 1",
    ),
    (
        "notebook-suffix",
        minimal("basic", reproducibility={"notebooks": ["workflows/run.py"]}),
        "$.reproducibility.notebooks[0]",
        "'workflows/run.py' does not match",
    ),
    (
        "amed-conceal-reason",
        minimal("amed", researches={"data": [{"title": "d", "accessRights": "Unshared"}]}),
        "$.researches.data[0]",
        "'concealReason' is a required property",
    ),
    (
        "amed-consent",
        minimal(
            "amed",
            researches={
                "data": [
                    {
                        "title": "d",
                        "accessRights": "Unrestricted Open Sharing",
                        "availabilityStarts": "2025-04-01",
                        "personalData": "yes",
                    }
                ]
            },
        ),
        "$.researches.data[0]",
        "'gotInformedConsent' is a required property",
    ),
    (
        "jst-embargo-date",
        minimal("jst", researches=[{"title": "d", "accessRights": "embargoed"}]),
        "$.researches[0]",
        "'availableFrom' is a required property",
    ),
    (
        "meti-open-licence",
        minimal("meti", researches=[{"title": "d", "accessRights": "open access"}]),
        "$.researches[0]",
        "'license' is a required property",
    ),
    (
        "meti-embargo-date",
        minimal(
            "meti",
            researches=[{"title": "d", "accessRights": "embargoed access", "concealPeriod": "one year"}],
        ),
        "$.researches[0]",
        "'availableFrom' is a required property",
    ),
    (
        "meti-second-item",
        minimal(
            "meti",
            researches=[
                {"title": "d", "accessRights": "restricted access"},
                {"title": "e", "accessRights": "public", "releaseLevel": 1},
            ],
        ),
        "$.researches[1].accessRights",
        "'public' is not one of",
    ),
    (
        "meti-release-level",
        minimal("meti", researches=[{"title": "d", "releaseLevel": "1"}]),
        "$.researches[0].releaseLevel",
        "'1' is not of type 'integer'",
    ),
    (
        "moonshot-field",
        minimal("moonshot", researchField="Informatics"),
        "$.researchField",
        "'Informatics' is not one of ['ライフサイエンス (Life Science)'",
    ),
    (
        "moonshot-embargo-date",
        minimal("moonshot", accessRights="公開期間猶予 (embargoed access)"),
        "$",
        "'availableDate' is a required property",
    ),
    (
        "moonshot-typo-identifer",
        minimal("moonshot", eRadManagerIdentfier="12345678"),
        "$",
        "Unevaluated properties are not allowed ('eRadManagerIdentfier' was unexpected)",
    ),
]


@pytest.mark.parametrize(
    ("doc", "json_path", "message"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_document_fails_with_expected_error(
    doc: dict[str, Any], json_path: str, message: str
) -> None:
    (found,) = errors(doc)
    assert found[0] == json_path
    assert message in found[1]


@pytest.mark.parametrize("name", FUNDERS)
def test_one_mistake_in_the_basic_keys_gives_one_error(name: str) -> None:
    # The basic keys must still count as known when the basic part fails (no cascade of
    # "unevaluated property" errors for every basic key the plan has).
    doc = minimal(name, contentSize="2 GBytes", title="T", datasets=[{"title": "d"}])
    assert [path for path, _ in errors(doc)] == ["$.contentSize"]
    del doc["contentSize"]
    assert errors(doc) == [("$", "'contentSize' is a required property")]


def test_a_wrong_access_value_gives_one_error() -> None:
    doc = minimal("amed", researches={"data": [{"title": "d", "accessRights": "unshared"}]})
    assert [path for path, _ in errors(doc)] == ["$.researches.data[0].accessRights"]


@pytest.mark.parametrize("name", FUNDERS)
def test_funder_profile_refuses_another_schema_name(name: str) -> None:
    assert errors(minimal(name, schema="basic"), name) == [("$.schema", f"'{name}' was expected")]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {
                "dmp": "plan/dmp.yaml",
                "notebooks": {"folder": "workflows", "on_edit": "skip"},
                "checks": {"volume": {"enabled": True, "severity": "warning"}},
                "ignore": ["scratch/**"],
                "gpu": {"runner_tags": ["self-hosted", "gpu"]},
                "delivery": "commit",
                "language": "ja",
                "report_dir": ".dgbot/report",
            },
            [],
        ),
        ({"checks": {"size_limit": {}}}, ["Additional properties are not allowed ('size_limit'"]),
        ({"checks": {"volume": {"level": "error"}}}, ["Additional properties are not allowed ('level'"]),
        ({"dmp": "../dmp.json"}, ["'../dmp.json' does not match"]),
        ({"delivery": "email"}, ["'email' is not one of"]),
        ({"langauge": "en"}, ["Additional properties are not allowed ('langauge'"]),
    ],
)
def test_config_schema(config: dict[str, Any], expected: list[str]) -> None:
    schema = load(ROOT / "schemas" / "dgbot-config.schema.json")
    found = [e.message for e in Draft202012Validator(schema).iter_errors(config)]
    assert len(found) == len(expected)
    assert all(m.startswith(e) for m, e in zip(found, expected, strict=True)), found


# -- profile -> Plan fields ------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_plan_constructs_from_example(path: Path) -> None:
    plan = Plan(source="x", sha256="0" * 64, form="profile", **profile_fields(load(path)))
    assert plan.profile == path.stem
    assert plan.datasets
    assert all(d.path for d in plan.datasets)


def test_basic_example_fields() -> None:
    fields = profile_fields(example("basic"))
    assert (fields["profile"], fields["funder"], fields["language"]) == ("basic", None, "eng")
    assert (fields["size_limit"], fields["size_limit_label"]) == (100 * GB, "100GB")
    assert (fields["workflow"], fields["dataset_structure"]) == ("basic", "with_code")
    assert fields["created"] == "2024-04-15T10:30:00+09:00"
    assert (fields["modified"], fields["dmp_id"]) == ("2025-01-20", "DMP-2024-0137")
    assert fields["ethical_issues"] is Tristate.NO
    assert fields["contact"] == Person(
        "Josiah Carberry",
        "j.carberry@example.org",
        "https://orcid.org/0000-0002-1825-0097",
        "Institute for Computational Materials Science, Example University",
    )
    first, second, third = fields["datasets"]
    assert [d.json_path for d in fields["datasets"]] == [
        "$.datasets[0]",
        "$.datasets[1]",
        "$.datasets[2]",
    ]
    assert (first.path, first.planned_size, first.access) == (
        "input_data/dft_reference",
        40 * GB,
        Access.OPEN,
    )
    assert first.formats == ("application/x-hdf5", "extxyz")
    assert (second.access, second.planned_size, second.available_from) == (
        Access.EMBARGOED,
        35 * GB,
        "2026-10-01",
    )
    assert (third.planned_size, third.license, third.informed_consent) == (
        52428800,
        "MIT",
        Tristate.UNKNOWN,
    )
    compute = fields["compute"]
    assert (compute.docker, compute.docker_image) == (True, "ghcr.io/example-lab/mlip-train:2.1")
    assert compute.gpu == Gpu(count=2, min_memory=24 * GB, cuda="12.2")
    assert fields["reproducibility"].notebooks == (
        "workflows/train_potential.ipynb",
        "workflows/evaluate_conductivity.ipynb",
    )


def test_amed_example_fields() -> None:
    fields = profile_fields(example("amed"))
    assert (fields["funder"], fields["language"], fields["workflow"]) == ("AMED", "jpn", "bio")
    assert (fields["size_limit"], fields["created"]) == (1024**4, "2024-05-10")
    assert fields["compute"].docker is True  # useDocker: "YES"
    assert fields["ethical_issues"] is Tristate.YES  # derived: personal data in the datasets
    assert [(d.json_path, d.access) for d in fields["datasets"]] == [
        ("$.researches.data[0]", Access.SHARED),
        ("$.researches.data[1]", Access.CLOSED),
        ("$.researches.data[2]", Access.OPEN),
    ]
    sequencing = fields["datasets"][0]
    assert (sequencing.path, sequencing.planned_size) == ("input_data/sequencing", 800 * GB)
    assert (sequencing.available_from, sequencing.informed_consent) == ("2027-04-01", Tristate.YES)
    assert sequencing.personal_data is Tristate.YES
    assert fields["datasets"][2].license == "CC-BY-4.0"


def test_jst_example_fields() -> None:
    fields = profile_fields(example("jst"))
    assert (fields["funder"], fields["language"], fields["workflow"]) == ("JST", "jpn", "neuro")
    assert fields["ethical_issues"] is Tristate.YES  # written, although no personal data
    assert [(d.json_path, d.access) for d in fields["datasets"]] == [
        ("$.researches[0]", Access.SHARED),
        ("$.researches[1]", Access.EMBARGOED),
        ("$.researches[2]", Access.OPEN),
    ]
    assert fields["datasets"][1].available_from == "2027-04-01"
    assert fields["datasets"][0].planned_size == 600 * GB
    assert (fields["compute"].docker, fields["compute"].gpu) == (False, None)
    assert fields["reproducibility"].outputs == ("output_data/stats/*.csv",)


def test_meti_example_fields() -> None:
    fields = profile_fields(example("meti"))
    assert (fields["funder"], fields["language"]) == ("METI", "jpn")
    assert (fields["size_limit"], fields["dataset_structure"]) == (100 * GB, "for_parameters")
    assert fields["ethical_issues"] is Tristate.YES  # derived: sensitive data
    assert [(d.json_path, d.access) for d in fields["datasets"]] == [
        ("$.researches[0]", Access.SHARED),
        ("$.researches[1]", Access.OPEN),
        ("$.researches[2]", Access.EMBARGOED),
        ("$.researches[3]", Access.CLOSED),
    ]
    assert fields["datasets"][2].available_from == "2027-04-01"
    assert fields["datasets"][3].planned_size == 500 * 1024**2
    assert fields["compute"].gpu == Gpu(count=1, min_memory=16 * GB, cuda="12.1")
    assert fields["compute"].docker is True


def test_moonshot_example_fields() -> None:
    fields = profile_fields(example("moonshot"))
    assert (fields["funder"], fields["language"], fields["size_limit"]) == ("JST", "jpn", 1024**4)
    assert fields["ethical_issues"] is Tristate.NO  # derived: no personal or sensitive data
    (data,) = fields["datasets"]
    assert (data.json_path, data.title, data.path) == (
        "$",
        "台風アンサンブル数値実験出力データ",
        "output_data/ensemble",
    )
    assert (data.access, data.available_from, data.issued) == (
        Access.EMBARGOED,
        "2027-04-01",
        "2027-04-01",
    )
    assert (data.planned_size, data.license) == (None, "CC-BY-4.0")  # ">100GB" has no bound


@pytest.mark.parametrize(
    ("name", "title", "created"),
    [
        ("basic", "Untitled plan", None),
        ("amed", "AMED project", "2024-04-01"),
        ("jst", "JST project", "2024-04-02"),
        ("meti", "METI agreement", "2024-04-03"),
        ("moonshot", "Moonshot project", None),
    ],
)
def test_title_and_created_fall_back_to_the_funder_form(name: str, title: str, created: str | None) -> None:
    fields = profile_fields(minimal(name))
    assert (fields["title"], fields["created"]) == (title, created)
    assert fields["ethical_issues"] is Tristate.UNKNOWN
    assert (fields["compute"].docker, fields["contact"]) == (False, None)


def test_written_values_win_over_defaults() -> None:
    doc = minimal("amed", title="Own title", created="2024-05-01", language="eng")
    fields = profile_fields(doc)
    assert errors(doc) == []
    assert (fields["title"], fields["created"], fields["language"]) == (
        "Own title",
        "2024-05-01",
        "eng",
    )


def test_basic_and_funder_datasets_are_both_kept() -> None:
    doc = minimal("jst", datasets=[{"title": "extra", "path": "input_data/extra"}])
    assert errors(doc) == []
    assert [d.json_path for d in profile_fields(doc)["datasets"]] == [
        "$.datasets[0]",
        "$.researches[0]",
    ]


@pytest.mark.parametrize(("file_size", "planned"), [("<1GB", GB), ("10-100GB", 100 * GB)])
def test_moonshot_size_range_maps_to_its_upper_bound(file_size: str, planned: int) -> None:
    (data,) = profile_fields(minimal("moonshot", fileSize=file_size))["datasets"]
    assert data.planned_size == planned


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([("no", "no"), ("no", "no")], Tristate.NO),
        ([("no", "no"), ("unknown", "no")], Tristate.UNKNOWN),
        ([("no", "no"), ("no", "yes")], Tristate.YES),
        ([], Tristate.UNKNOWN),
    ],
)
def test_ethical_issues_derived_from_datasets(flags: list[tuple[str, str]], expected: Tristate) -> None:
    datasets = [{"title": f"d{i}", "personalData": p, "sensitiveData": s} for i, (p, s) in enumerate(flags)]
    assert profile_fields(minimal("basic", datasets=datasets))["ethical_issues"] is expected


def test_json_path_quotes_keys_that_are_not_identifiers() -> None:
    assert _json_path("researchers", "staff", 0, "e-Rad") == "$.researchers.staff[0]['e-Rad']"


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown DMP profile 'nedo'"):
        profile_fields(minimal("basic", schema="nedo"))
