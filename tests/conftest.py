"""Shared fixtures: the third-party corpus, and isolation from the home directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dgbot.words import ENGLISH, speaking

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("DGBOT_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
CORPUS_MISSING = (
    "third-party corpus not found at {where}: these tests read real third-party files from "
    "../shared/corpus, the folder beside this clone that ships with the project (SOURCES.md there "
    "names each file's origin); put it there, or set DGBOT_CORPUS to its path"
)
# What running the bundled examples leaves in them (README's main command writes .dgbot/report/):
# never part of a test's copy of an example.
RUN_PRODUCTS = (".dgbot", "__pycache__", ".ipynb_checkpoints", "*.new.ipynb", "ro-crate-metadata.json")


def copy_example(source: Path, target: Path, *ignore: str) -> Path:
    """A copy of a bundled example as committed: without run products (and the `ignore` patterns)."""
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(*RUN_PRODUCTS, *ignore))
    return target


def corpus_path(*parts: str) -> Path:
    """A path inside ../shared/corpus (for parametrizing at collection time)."""
    return CORPUS.joinpath(*parts)


def corpus_files(folder: str, pattern: str = "*.json") -> list[Path]:
    """Sorted corpus files for parametrize.

    Without the corpus one placeholder is returned, so the `corpus`-marked test is
    reported as skipped (or failed where the corpus is required) instead of vanishing.
    """
    if not CORPUS.is_dir():
        return [corpus_path(folder, "(corpus missing)")]
    found = sorted(corpus_path(folder).glob(pattern))
    assert found, f"no {pattern} in corpus folder {folder}"
    return found


@pytest.fixture(autouse=True)
def _require_corpus(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("corpus") is None or CORPUS.is_dir():
        return
    if os.environ.get("DGBOT_REQUIRE_CORPUS") == "1":
        pytest.fail(f"the corpus is required here but {CORPUS} does not exist")
    pytest.skip(CORPUS_MISSING.format(where=CORPUS))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Each test starts in English and leaves it so: a run's language lasts for the rest of its context."""
    with speaking(ENGLISH):
        yield
