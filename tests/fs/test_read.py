"""The read primitive: regular files inside the repository only, bounded in size and time."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from dgbot.errors import UnsafePathError
from dgbot.fs.budget import HashBudget
from dgbot.fs.read import TooLargeError, check_regular, hash_regular, read_regular


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    (root / "data" / "a.csv").write_bytes(b"a,b\n1,2\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_bytes(b"secret")
    return root


def test_a_regular_file_is_read(repo: Path) -> None:
    assert read_regular(repo, "data/a.csv", 100) == b"a,b\n1,2\n"
    digest = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert hash_regular(repo, "data/a.csv", time.monotonic() + 60) == digest


@pytest.mark.parametrize("follow", [False, True])
def test_a_symlink_out_is_refused_with_or_without_follow(repo: Path, follow: bool) -> None:
    os.symlink(repo.parent / "outside" / "secret", repo / "data" / "s")
    with pytest.raises(UnsafePathError, match="data/s is a symbolic link") as caught:
        read_regular(repo, "data/s", 100, follow=follow)
    assert caught.value.path == "data/s"


def test_a_symlinked_folder_on_the_way_is_refused(repo: Path) -> None:
    os.symlink(repo.parent / "outside", repo / "linked")
    with pytest.raises(UnsafePathError, match=r"^linked/secret: linked is a symbolic link; dgbot never"):
        read_regular(repo, "linked/secret", 100)


def test_follow_reads_a_link_to_a_regular_file_inside_but_never_into_git(repo: Path) -> None:
    os.symlink("a.csv", repo / "data" / "alias")
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text("[http] extraheader = AUTHORIZATION: basic x\n")
    os.symlink("../.git/config", repo / "data" / "config")
    with pytest.raises(UnsafePathError, match="data/alias is a symbolic link"):
        read_regular(repo, "data/alias", 100)
    assert read_regular(repo, "data/alias", 100, follow=True) == b"a,b\n1,2\n"
    with pytest.raises(UnsafePathError, match=r"data/config is a symbolic link into \.git"):
        read_regular(repo, "data/config", 100, follow=True)


def test_a_fifo_and_a_device_are_refused_without_blocking(repo: Path) -> None:
    os.mkfifo(repo / "data" / "pipe")
    os.symlink("/dev/zero", repo / "zero")
    with pytest.raises(UnsafePathError, match=r"data/pipe is a named pipe \(FIFO\); dgbot reads only"):
        check_regular(repo, "data/pipe")
    with pytest.raises(UnsafePathError, match="zero is a symbolic link that leads outside"):
        hash_regular(repo, "zero", time.monotonic() + 60)


def test_paths_that_climb_are_refused(repo: Path) -> None:
    with pytest.raises(UnsafePathError, match="not a path inside the repository"):
        read_regular(repo, "../outside/secret", 100)


def test_a_file_over_the_limit_is_refused(repo: Path) -> None:
    with pytest.raises(TooLargeError, match=r"data/a\.csv is 8 bytes; dgbot reads at most 4 bytes") as caught:
        read_regular(repo, "data/a.csv", 4)
    assert (caught.value.size, caught.value.limit) == (8, 4)


def test_a_budget_that_ran_out_hashes_nothing_and_says_so(repo: Path) -> None:
    assert hash_regular(repo, "data/a.csv", time.monotonic() - 1) is None
    budget = HashBudget(0)
    assert budget.sha256(repo, "data/a.csv") is None
    assert budget.skipped == {"data/a.csv": "data/a.csv was not hashed: the 0 s dgbot spends hashing ran out"}


def test_a_budget_notes_refusals_and_missing_files(repo: Path) -> None:
    os.mkfifo(repo / "data" / "pipe")
    budget = HashBudget()
    assert budget.sha256(repo, "data/pipe") is None and budget.sha256(repo, "data/gone") is None
    assert "named pipe" in budget.skipped["data/pipe"]
    assert budget.skipped["data/gone"] == "data/gone cannot be read: No such file or directory"
