"""The fast paths of checks.scope agree with the plain library functions they stand in for."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dgbot.checks.scope import Globs
from dgbot.snapshot.model import FileEntry, Snapshot

NAME = st.text(alphabet="ab.*?[]!-_x", max_size=8)
PATTERNS = st.lists(NAME.filter(bool), max_size=6)


@given(PATTERNS, NAME)
def test_globs_match_as_fnmatch_does(patterns: list[str], name: str) -> None:
    expected = any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
    assert Globs(patterns).match(name) is expected


PATH = st.lists(st.sampled_from(["a", "b", "c d", "ü"]), min_size=1, max_size=5).map("/".join)


@given(st.lists(PATH, unique=True, max_size=20))
def test_folders_are_every_parent_of_every_file(paths: list[str]) -> None:
    files = tuple(FileEntry(path, 0o100644, 1) for path in sorted(paths))
    snapshot = Snapshot(Path("."), None, files, reader=lambda _: None)
    expected = {"/".join(p.split("/")[:depth]) for p in paths for depth in range(1, p.count("/") + 1)}
    assert snapshot.folders == expected


def test_a_class_is_no_literal_the_name_must_hold() -> None:
    assert Globs(["[?]"]).match("?") and Globs(["a[*]b"]).match("a*b") and not Globs(["[?]"]).match("x")
