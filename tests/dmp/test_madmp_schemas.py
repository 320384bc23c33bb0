"""dgbot's own maDMP schemas (1.0, 1.1, 1.2) must judge documents like the official RDA ones."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from conftest import corpus_files, corpus_path
from dgbot.resources import load_schema

VERSIONS = ("1.0", "1.1", "1.2")
DIALECTS = {
    "1.0": "http://json-schema.org/draft-07/schema#",
    "1.1": "http://json-schema.org/draft-07/schema#",
    "1.2": "https://json-schema.org/draft/2020-12/schema",
}
MADMP_FILES = [
    path
    for folder in ("rda-examples-v1.1", "rda-examples-v1.2", "zenodo-published", "damap-export")
    for path in corpus_files(f"madmp/{folder}")
]


def _file_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _make_validator(schema: dict[str, Any]) -> Validator:
    cls = validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@cache
def ours(version: str) -> Validator:
    return _make_validator(load_schema(f"madmp/madmp-{version}.schema.json"))


@cache
def official(version: str) -> Validator:
    path = corpus_path("schemas", "rda-madmp", f"maDMP-schema-{version}.json")
    return _make_validator(json.loads(path.read_text(encoding="utf-8")))


def _errors(validator: Validator, document: Any) -> list[str]:
    return sorted(f"{error.json_path}: {error.message}" for error in validator.iter_errors(document))


# --- the schemas themselves ---------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_is_valid_against_its_metaschema(version: str) -> None:
    schema = load_schema(f"madmp/madmp-{version}.schema.json")
    assert schema["$schema"] == DIALECTS[version]
    assert schema["$id"] == f"urn:dgbot:schema:madmp:{version}"
    assert schema["title"] == f"RDA maDMP {version} (dgbot)"
    validator_for(schema).check_schema(schema)


# --- corpus: same verdict as the official schema --------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MADMP_FILES, ids=_file_id)
def test_same_verdict_as_official_schema(path: Path, version: str) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    expected = _errors(official(version), document)
    got = _errors(ours(version), document)
    assert (not got) == (not expected), f"official errors: {expected}\nour errors: {got}"


@pytest.mark.corpus
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MADMP_FILES, ids=_file_id)
def test_same_errors_as_official_schema(path: Path, version: str) -> None:
    """Researchers see these messages, so the error list should match too (path and text)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    assert _errors(ours(version), document) == _errors(official(version), document)


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files("madmp/rda-examples-v1.2"), ids=_file_id)
def test_rda_1_2_examples_are_valid_under_1_2(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert _errors(ours("1.2"), document) == []


# --- hand-written documents -----------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "dmp": {
        "title": "Recordings of cortical activity",
        "language": "eng",
        "created": "2024-03-01T09:00:00Z",
        "modified": "2024-03-02T10:30:00+01:00",
        "ethical_issues_exist": "unknown",
        "dmp_id": {"identifier": "https://doi.org/10.1234/dmp.1", "type": "doi"},
        "contact": {
            "name": "Ada Example",
            "mbox": "ada@example.org",
            "contact_id": {"identifier": "https://orcid.org/0000-0002-1825-0097", "type": "orcid"},
        },
        "dataset": [
            {
                "title": "Raw recordings",
                "dataset_id": {"identifier": "10.1234/ds.1", "type": "doi"},
                "personal_data": "no",
                "sensitive_data": "no",
                "distribution": [
                    {
                        "title": "Archive copy",
                        "data_access": "open",
                        "license": [
                            {
                                "license_ref": "https://creativecommons.org/licenses/by/4.0/",
                                "start_date": "2025-01-01",
                            }
                        ],
                        "host": {"title": "GIN", "url": "https://gin.g-node.org"},
                    }
                ],
            }
        ],
    }
}


_DELETE = object()


def _set(path: str, value: Any) -> dict[str, Any]:
    """MINIMAL with the value at a dotted path replaced (or removed when value is _DELETE)."""
    document = copy.deepcopy(MINIMAL)
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    node: Any = document
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return document


DIST = "dmp.dataset.0.distribution.0"

# name -> (document, expected validity under 1.0, 1.1, 1.2)
HAND_WRITTEN: dict[str, tuple[dict[str, Any], tuple[bool, bool, bool]]] = {
    "minimal": (MINIMAL, (True, True, True)),
    "created-without-timezone": (_set("dmp.created", "2024-03-01T09:00:00"), (False, False, False)),
    "created-as-epoch-number": (_set("dmp.created", 1702466520326), (False, False, False)),
    "impossible-date": (_set("dmp.dataset.0.issued", "2024-02-30"), (False, False, False)),
    "is_reused-as-string": (_set("dmp.dataset.0.is_reused", "reused"), (True, True, False)),
    "is_reused-as-boolean": (_set("dmp.dataset.0.is_reused", True), (True, True, True)),
    "extra-top-level-key": ({"$schema": "madmp.json", **MINIMAL}, (True, False, True)),
    "extra-key-inside-dmp": (_set("dmp.x_tool_note", "kept"), (True, True, True)),
    "license-without-start_date": (
        _set(f"{DIST}.license.0.start_date", _DELETE),
        (False, False, False),
    ),
    "host-without-url": (_set(f"{DIST}.host.url", _DELETE), (False, False, False)),
    "data_access-not-in-vocabulary": (_set(f"{DIST}.data_access", "public"), (False, False, False)),
    "byte_size-as-string": (_set(f"{DIST}.byte_size", "12 MB"), (False, False, False)),
    "host-url-not-a-uri": (
        _set(f"{DIST}.host.url", "10.25504/FAIRsharing.zv11j3"),
        (False, False, True),
    ),
    "empty-license-list": (_set(f"{DIST}.license", []), (False, True, True)),
    "empty-dataset-list": (_set("dmp.dataset", []), (False, True, True)),
    "project-without-dates": (_set("dmp.project", [{"title": "P"}]), (False, True, True)),
    "contact_id-scheme-ror": (
        _set("dmp.contact.contact_id", {"identifier": "https://ror.org/05qj6w324", "type": "ror"}),
        (False, False, True),
    ),
    "contact_id-as-list": (
        _set("dmp.contact.contact_id", [{"identifier": "0000-0002-1825-0097", "type": "orcid"}]),
        (False, False, True),
    ),
    "contact_id-empty-list": (_set("dmp.contact.contact_id", []), (False, False, False)),
    "ethical_issues_report-free-text": (
        _set("dmp.ethical_issues_report", "see annex B"),
        (False, False, True),
    ),
    "metadata-standard-scheme-doi": (
        _set(
            "dmp.dataset.0.metadata",
            [
                {
                    "language": "eng",
                    "metadata_standard_id": {"identifier": "10.25504/x", "type": "doi"},
                }
            ],
        ),
        (False, False, False),
    ),
    "contact-mbox-missing-deep": (_set("dmp.contact.mbox", _DELETE), (False, False, False)),
}
HAND_CASES = [
    pytest.param(document, version, valid, id=f"{name}-{version}")
    for name, (document, verdicts) in HAND_WRITTEN.items()
    for version, valid in zip(VERSIONS, verdicts, strict=True)
]


@pytest.mark.parametrize(("document", "version", "valid"), HAND_CASES)
def test_hand_written_documents(document: dict[str, Any], version: str, valid: bool) -> None:
    errors = _errors(ours(version), document)
    assert (not errors) == valid, errors


@pytest.mark.corpus
@pytest.mark.parametrize(("document", "version", "valid"), HAND_CASES)
def test_hand_written_documents_agree_with_official(
    document: dict[str, Any], version: str, valid: bool
) -> None:
    assert _errors(ours(version), document) == _errors(official(version), document)
    assert (not _errors(official(version), document)) == valid
