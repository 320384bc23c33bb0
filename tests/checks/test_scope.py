"""The fast paths of checks.scope agree with the plain library functions they stand in for."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dgbot.checks.filetypes import _extension, group_by_suffix, suffix_of
from dgbot.checks.scope import Globs, experiment_data
from dgbot.dmp.plan import Dataset, Plan
from dgbot.snapshot.model import FileEntry, NameText, Snapshot

NAME = st.text(alphabet="ab.*?[]!-_x", max_size=8)
PATTERNS = st.lists(NAME.filter(bool), max_size=6)


@given(PATTERNS, NAME)
def test_globs_match_as_fnmatch_does(patterns: list[str], name: str) -> None:
    expected = any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
    assert Globs(patterns).match(name) is expected


@given(PATTERNS, st.lists(NAME.filter(bool), max_size=12))
def test_globs_select_over_all_names_finds_what_fnmatch_finds(patterns: list[str], names: list[str]) -> None:
    expected = [i for i, name in enumerate(names) if any(fnmatch.fnmatchcase(name, p) for p in patterns)]
    assert Globs(patterns).select(NameText.of(names)) == expected


def test_lower_case_names_keep_their_places_even_when_a_letter_grows() -> None:
    names = ["İNDEX.CSV", "Participants_2.TSV", "notes.txt"]  # "İ".lower() is two characters
    text = NameText.of(names)
    assert len(text.text.lower()) != len(text.text)
    assert Globs(["participants*.tsv"]).select(text.lowered()) == [1]
    assert Globs(["*.csv"]).select(text.lowered()) == [0] and Globs(["*.csv"]).select(text) == []


def test_a_name_text_searches_whole_names_their_starts_and_ends() -> None:
    text = NameText.of(["a.csv", "csv", "b.csv.gz", "csvx"])
    assert list(text.holding("csv", at_start=True, at_end=True)) == [1]
    assert list(text.holding("csv", at_start=True)) == [1, 3]
    assert list(text.holding(".csv", at_end=True)) == [0]
    assert list(text.holding("csv")) == [0, 1, 2, 3]
    assert [text.name(i) for i in range(4)] == ["a.csv", "csv", "b.csv.gz", "csvx"]
    assert list(NameText.of([]).holding("x")) == []


FILE_NAME = st.text(alphabet="aN.gzTIFf", min_size=1, max_size=9)


@given(st.lists(FILE_NAME, max_size=15))
def test_suffixes_grouped_at_once_are_those_of_each_name(names: list[str]) -> None:
    expected: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        expected.setdefault(_extension(name), []).append(index)
    assert all(suffix_of(name) == _extension(name) for name in names)
    grouped = group_by_suffix(names, range(len(names)))
    assert {k: sorted(v) for k, v in grouped.items()} == expected


PATH = st.lists(st.sampled_from(["a", "b", "c d", "ü"]), min_size=1, max_size=5).map("/".join)


@given(st.lists(PATH, unique=True, max_size=20))
def test_folders_are_every_parent_of_every_file(paths: list[str]) -> None:
    files = tuple(FileEntry(path, 0o100644, 1) for path in sorted(paths))
    snapshot = Snapshot(Path("."), None, files, reader=lambda _: None)
    expected = {"/".join(p.split("/")[:depth]) for p in paths for depth in range(1, p.count("/") + 1)}
    assert snapshot.folders == expected


def test_a_class_is_no_literal_the_name_must_hold() -> None:
    assert Globs(["[?]"]).match("?") and Globs(["a[*]b"]).match("a*b") and not Globs(["[?]"]).match("x")


DATA_PATH = st.lists(
    st.sampled_from(["a", "b", "input_data", "output_data", "x.csv"]), min_size=1, max_size=4
).map("/".join)


@given(st.lists(DATA_PATH, unique=True, max_size=25), st.lists(DATA_PATH | st.just(""), max_size=3))
def test_experiment_data_is_the_datasets_files_and_the_data_folders(
    paths: list[str], roots: list[str]
) -> None:
    paths = [p for p in paths if not any(p.startswith(other + "/") for other in paths)]  # a file is no folder
    files = tuple(FileEntry(path, 0o100644, 1) for path in sorted(paths))
    snapshot = Snapshot(Path("."), None, files, reader=lambda _: None)
    datasets = tuple(Dataset(title="d", path=root) for root in roots)
    plan = Plan(
        source="dmp.json", sha256="0" * 64, form="profile", profile="basic", title="t", datasets=datasets
    )
    data_folder = {"input_data", "output_data"}

    # with no dataset path and no data folder, nothing tells data from the rest: all counts
    nothing_to_go_by = not roots and not any(set(p.split("/")[:-1]) & data_folder for p in paths)

    def counted(path: str) -> bool:
        parts = path.split("/")
        under_root = any(root == "" or path == root or path.startswith(root + "/") for root in roots)
        return nothing_to_go_by or under_root or any(part in data_folder for part in parts[:-1])

    assert list(experiment_data(plan, snapshot)) == [f for f in files if counted(f.path)]
