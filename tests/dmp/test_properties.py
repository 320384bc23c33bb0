"""Property: whatever text arrives, loading and validating gives a verdict, never an exception."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgbot.dmp import validate_file
from dgbot.records import Severity

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
# documents shaped like plans, so validation (not only parsing) is exercised
plan_like = st.fixed_dictionaries(
    {"schema": st.sampled_from(["basic", "jst", "amed", "meti", "moonshot", "nope"])},
    optional={
        "workflowIdentifier": json_values,
        "contentSize": st.sampled_from(["1GB", "10 GB", 3]),
        "datasetStructure": json_values,
        "datasets": st.lists(st.dictionaries(st.sampled_from(["title", "path", "plannedSize"]), json_values)),
        "created": st.text(max_size=25),
    },
) | st.fixed_dictionaries({"dmp": json_values})


def _check(path: Path) -> None:
    validation = validate_file(path, path.name)
    errors = [f for f in validation.findings if f.severity is Severity.ERROR]
    assert validation.valid == (validation.plan is not None and not errors)
    if not validation.valid:
        assert errors, "an invalid plan must say why"
    for finding in validation.findings:
        assert finding.message
        assert finding.location.path == path.name


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_as_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "dmp.json"
    path.write_text(text, encoding="utf-8")
    _check(path)


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_as_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "dmp.yaml"
    path.write_text(text, encoding="utf-8")
    _check(path)


@SETTINGS
@given(raw=st.binary(max_size=200))
def test_any_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "dmp.yml"
    path.write_bytes(raw)
    _check(path)


@SETTINGS
@given(document=plan_like)
def test_plan_shaped_json_and_yaml(tmp_path: Path, document: dict[str, object]) -> None:
    (tmp_path / "dmp.json").write_text(json.dumps(document), encoding="utf-8")
    _check(tmp_path / "dmp.json")
    (tmp_path / "dmp.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    _check(tmp_path / "dmp.yaml")


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@SETTINGS
@given(
    document=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    indent=st.sampled_from([None, 1, 4]),
)
def test_json_positions_point_at_each_value_and_key(document: dict[str, object], indent: int | None) -> None:
    from dgbot.dmp.jsonload import load_json

    text = json.dumps(document, indent=indent, ensure_ascii=False)
    lines = text.split("\n")
    _, positions = load_json(text)

    def offset(line: int, column: int) -> int:
        return sum(len(lines[i]) + 1 for i in range(line - 1)) + column - 1

    decoder = json.JSONDecoder()
    for path in _paths(document):
        position = positions.value(path)
        assert position is not None
        value, _ = decoder.raw_decode(text, offset(*position))
        expected: object = document
        for part in path:
            expected = expected[part]  # type: ignore[index]
        assert json.dumps(value, sort_keys=True) == json.dumps(expected, sort_keys=True)
        if path and isinstance(path[-1], str):
            key_position = positions.key(path)
            assert key_position is not None
            assert decoder.raw_decode(text, offset(*key_position))[0] == path[-1]
