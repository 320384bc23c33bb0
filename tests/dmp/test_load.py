"""Bad input never crashes the loader: each case is one clear, located finding."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from dgbot.cli import main
from dgbot.dmp.load import load_document

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
    ]
)

# name, file name, content, expected (line, column) or None, words the message must contain
BAD_INPUTS = [
    (
        "json-syntax",
        "dmp.json",
        b'{\n  "schema": "basic",\n  "title" "x"\n}\n',
        (3, 11),
        "invalid JSON",
    ),
    ("yaml-syntax", "dmp.yaml", b"schema: basic\ntitle: [a, b\nother: 1\n", (3, 6), "invalid YAML"),
    ("yaml-alias-bomb", "dmp.yaml", BOMB.encode(), (6, 8), "alias"),
    ("json-deep", "dmp.json", b"[" * 10_000 + b"]" * 10_000, (1, 65), "nested more than 64"),
    (
        "yaml-deep",
        "dmp.yaml",
        b"a: " + b"[" * 10_000 + b"]" * 10_000,
        (1, 67),
        "nested more than 64",
    ),
    (
        "json-duplicate",
        "dmp.json",
        b'{"schema": "basic",\n "schema": "jst"}',
        (2, 2),
        "duplicate key 'schema'",
    ),
    (
        "yaml-duplicate",
        "dmp.yaml",
        b"schema: basic\ntitle: a\nschema: jst\n",
        (3, 1),
        "duplicate key 'schema'",
    ),
    ("invalid-utf8", "dmp.json", b'{"title": "caf\xe9"}', (1, 15), "not valid UTF-8"),
    ("empty", "dmp.json", b"", (1, 1), "empty"),
    ("bom-only", "dmp.yaml", b"\xef\xbb\xbf", (1, 1), "byte-order mark"),
    ("json-array-top", "dmp.json", b'[{"schema": "basic"}]', (1, 1), "holds a list"),
    ("yaml-scalar-top", "dmp.yaml", b"just some words\n", (1, 1), "holds a single text"),
    (
        "yaml-python-tag",
        "dmp.yaml",
        b"schema: !!python/object/apply:os.system [ls]\n",
        (1, 9),
        "not allowed",
    ),
    ("json-nan", "dmp.json", b'{"contentSize": NaN}', (1, 17), "NaN is not a JSON number"),
    ("json-long-int", "dmp.json", b'{"n": ' + b"9" * 5000 + b"}", (1, 7), "5000 digits is too long"),
    ("yaml-long-int", "dmp.yaml", b"n: " + b"9" * 5000 + b"\n", (1, 4), "5000 digits is too long"),
    ("yaml-merge-key", "dmp.yaml", b"base: &b {x: 1}\n<<: *b\n", (2, 1), "merge keys (<<) are not supported"),
    (
        "yaml-two-documents",
        "dmp.yaml",
        b"schema: basic\n---\nschema: jst\n",
        (2, 1),
        "one YAML document",
    ),
]


@pytest.mark.parametrize(
    ("name", "filename", "content", "position", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_is_one_located_finding(
    tmp_path: Path, name: str, filename: str, content: bytes, position: tuple[int, int], words: str
) -> None:
    path = tmp_path / filename
    path.write_bytes(content)
    document, findings = load_document(path, filename)
    assert document is None
    assert len(findings) == 1
    (finding,) = findings
    assert words in finding.message
    assert finding.location.path == filename
    assert (finding.location.line, finding.location.column) == position


@pytest.mark.parametrize(
    ("name", "filename", "content", "position", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_exits_1_with_the_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    filename: str,
    content: bytes,
    position: tuple[int, int],
    words: str,
) -> None:
    (tmp_path / filename).write_bytes(content)
    assert main(["validate", str(tmp_path), "--format", "json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["status"] == "failure"
    (finding,) = verdict["checks"][0]["findings"]
    assert words in finding["message"]
    assert [finding["path"], finding["line"], finding["column"]] == [filename, *position]


def test_a_50_mb_file_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dmp.json"
    with path.open("wb") as handle:
        handle.write(b'{"title": "')
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b'"}')
    tracemalloc.start()
    code = main(["validate", str(path)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert code == 1
    assert "50.0 MB; a plan may be at most 5 MB" in capsys.readouterr().out
    assert peak < 10 * 1024 * 1024  # the 50 MB body was never read


def test_yaml_scalars_follow_yaml_1_2(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("a: YES\nb: no\nc: 2024-04-01\nd: 0x10\ne: 1.5e3\nf: ~\ng: true\nh: '7'\ni: !!str 8\n")
    document, findings = load_document(path)
    assert findings == ()
    assert document is not None
    assert document.data == {
        "a": "YES",
        "b": "no",
        "c": "2024-04-01",
        "d": 16,
        "e": 1500.0,
        "f": None,
        "g": True,
        "h": "7",
        "i": "8",
    }


def test_yaml_positions_of_values_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("schema: basic\ndatasets:\n  - title: A\n    path: input_data\n")
    document, _ = load_document(path, "p.yaml")
    assert document is not None
    assert str(document.locate(("datasets", 0, "path"))) == "p.yaml:4:11 $.datasets[0].path"
    assert str(document.locate(("datasets", 0), "path")) == "p.yaml:4:5 $.datasets[0].path"
    # a path that does not exist falls back to its nearest parent's position
    assert str(document.locate(("datasets", 0, "missing"))) == "p.yaml:3:5 $.datasets[0].missing"


def test_json_positions_are_found_lazily(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{\n  "dmp": {\n    "dataset": [\n      {"title": "A", "e-Rad": 1}\n    ]\n  }\n}\n')
    document, _ = load_document(path, "p.json")
    assert document is not None
    assert str(document.locate(("dmp", "dataset", 0, "e-Rad"))) == "p.json:4:31 $.dmp.dataset[0]['e-Rad']"
    assert str(document.locate(("dmp", "dataset", 0), "title")) == "p.json:4:8 $.dmp.dataset[0].title"


def test_a_bom_before_content_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "dmp.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}')
    document, findings = load_document(path)
    assert findings == ()
    assert document is not None and document.data == {"a": 1}


def test_an_unreadable_path_is_a_finding(tmp_path: Path) -> None:
    document, (finding,) = load_document(tmp_path / "missing.json")
    assert document is None
    assert finding.rule == "io"
    assert "cannot read" in finding.message


def test_text_that_cannot_be_encoded_is_escaped_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dmp.json").write_text('{"schema": "basic", "contentSize": "\\ud800"}')
    assert main(["validate", str(tmp_path), "--format", "json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert any(f["json_path"] == "$.contentSize" for f in verdict["checks"][0]["findings"])
