"""The compiled fast path says "valid" only where jsonschema does, and does say it for valid plans."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO_ROOT, corpus_files
from dgbot.dmp import fast, schema
from dgbot.dmp.load import load_document
from dgbot.dmp.validate import choose_schema
from dgbot.resources import list_data, load_schema

EXAMPLES = sorted((REPO_ROOT / "examples" / "plans").iterdir())
PLAN_SCHEMAS = [f"profiles/{n}" for n in list_data("schemas", "profiles")] + [
    f"madmp/{n}" for n in list_data("schemas", "madmp")
]


def _data(path: Path) -> Any:
    document, problems = load_document(path, path.name)
    assert document is not None, problems
    return document.data


def _agree(data: Any, name: str) -> bool:
    """The fast path's answer, after checking it never accepts what jsonschema rejects."""
    accepted = fast.accepts(data, name)
    if accepted:
        assert schema.validator(name).is_valid(data), f"fast path accepted a document invalid against {name}"
    return accepted


@pytest.mark.parametrize("name", [*PLAN_SCHEMAS, "dgbot-config.schema.json"])
def test_every_shipped_schema_has_the_fast_path(name: str) -> None:
    assert fast.supported(load_schema(name)), f"{name} uses a keyword or format the fast path does not judge"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_valid_example_plans_take_the_fast_path(path: Path) -> None:
    document, _ = load_document(path, path.name)
    assert document is not None
    choice, _ = choose_schema(document)
    assert choice is not None
    assert _agree(document.data, choice.name)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path",
    [*corpus_files("madmp/rda-examples-v1.2"), *corpus_files("madmp/zenodo-published")],
    ids=lambda p: p.name,
)
def test_corpus_plans_get_the_same_answer(path: Path) -> None:
    data = _data(path)
    for name in ("madmp/madmp-1.2.schema.json", "madmp/madmp-1.1.schema.json"):
        assert _agree(data, name) == schema.validator(name).is_valid(data)


# Values where a Rust and a Python validator could differ: regex ends and classes, formats, numbers.
TRICKY = [
    "12345678\n",
    "https://example.org/a\x1cb",
    "https://example.org/\n",
    "a\u3000b",
    "٣٣٣٣٣٣٣٣",
    "2024-02-30",
    "2024-01-01\n",
    "２０２４-01-01",
    "2024-01-01T00:00:00z",
    "2024-01-01T25:00:00Z",
    "not a uri",
    "mailto:someone",
    "someone@",
    "@",
    "..",
    ".git/x",
    "C:/x",
    "\ud800",
    "",
    1,
    1.0,
    True,
    None,
    2**53 + 1,
    -(2**63),
    10**30,
    float("nan"),
    float("inf"),
    1e308,
    [1, 1.0],
    [1, True],
    [{"a": 1}, {"a": 1.0}],
    [[1], [True]],
    {},
    [],
    {"unknownKey": 1},
]


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _leaves(item, (*path, index))
    return found


def _replaced(data: Any, path: tuple[Any, ...], value: Any, add: bool) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(data)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    if add and isinstance(parent, dict):
        parent[f"{path[-1]}Extra"] = value
    else:
        parent[path[-1]] = value
    return changed


BASES = [(_data(path), path.name) for path in EXAMPLES]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(BASES),
    pick=st.integers(min_value=0),
    value=st.sampled_from(TRICKY) | st.text(max_size=12) | st.integers(),
    add=st.booleans(),
    name=st.sampled_from(PLAN_SCHEMAS),
)
def test_mutated_plans_are_never_accepted_where_jsonschema_rejects(
    base: tuple[Any, str], pick: int, value: Any, add: bool, name: str
) -> None:
    data, _ = base
    leaves = _leaves(data)
    _agree(_replaced(data, leaves[pick % len(leaves)], value, add), name)


def test_each_tricky_value_alone_at_each_place_of_a_plan() -> None:
    """Every tricky value at every place of every example plan, against its own schema."""
    for data, _ in BASES:
        name = schema.profile_schema(data["schema"]) if "schema" in data else "madmp/madmp-1.2.schema.json"
        for path in _leaves(data):
            for value in TRICKY:
                _agree(_replaced(data, path, value, False), name)


def test_a_valid_check_never_imports_jsonschema(tmp_path: Path) -> None:
    """The point of the fast path: a process validating a valid plan does without jsonschema."""
    plan = REPO_ROOT / "examples" / "plans" / "basic.json"
    script = (
        "import sys; from pathlib import Path; from dgbot.dmp import validate_file\n"
        f"assert validate_file(Path({str(plan)!r})).valid\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'yaml'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + script], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []
