"""Snapshots of real repositories: a DataLad dataset (content dropped, a no-checkout clone) and plain git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dgbot.errors import UsageError
from dgbot.snapshot import FileEntry, Snapshot, git, sizes, snapshot_commit, snapshot_worktree
from dgbot.snapshot.model import MODE_FILE, MODE_SUBMODULE, MODE_SYMLINK, Sizes, Totals

from .conftest import ANNEXED, IN_GIT, UNLOCKED, URL_FILE, URL_KEY, Dataset, git_repo, run


def by_path(snapshot: Snapshot) -> dict[str, FileEntry]:
    return {entry.path: entry for entry in snapshot.files}


@pytest.mark.slow
def test_sizes_come_from_the_keys_with_content_dropped(dataset: Dataset) -> None:
    snapshot = snapshot_commit(dataset.path)
    entries = by_path(snapshot)
    assert not (dataset.path / "input_data/sub-01/anat.nii.gz").exists()  # a dangling link
    for path, size in ANNEXED.items():
        assert entries[path].size == size
        assert entries[path].key is not None and entries[path].key.startswith(f"MD5E-s{size}--")
    for path, content in IN_GIT.items():
        assert entries[path] == FileEntry(path, MODE_FILE, len(content))
    assert sizes(snapshot.under("output_data")).total == 4321 + 100_000
    assert snapshot.commit == run(dataset.path, "git", "rev-parse", "HEAD").strip()
    assert snapshot.read("README.md") == IN_GIT["README.md"]
    assert snapshot.read("output_data/results.csv") is None  # annexed: not in git


@pytest.mark.slow
def test_unlocked_files_count_the_same_as_locked_ones(dataset: Dataset) -> None:
    locked = by_path(snapshot_commit(dataset.path, "locked"))
    unlocked = by_path(snapshot_commit(dataset.path, "unlocked"))
    for path in UNLOCKED:
        assert (locked[path].mode, unlocked[path].mode) == (MODE_SYMLINK, MODE_FILE)
        assert (locked[path].size, locked[path].key) == (unlocked[path].size, unlocked[path].key)
    assert sizes(locked.values()) == sizes(unlocked.values())


@pytest.mark.slow
def test_a_key_without_size_is_unknown_not_zero(dataset: Dataset) -> None:
    snapshot = snapshot_commit(dataset.path)
    assert snapshot.find(URL_FILE) == FileEntry(URL_FILE, MODE_SYMLINK, None, URL_KEY)
    total = sizes(snapshot.files)
    assert total.unknown == (URL_FILE,)
    assert total.total == sum(ANNEXED.values()) + sum(e.size or 0 for e in snapshot.files if not e.annexed)


@pytest.mark.slow
def test_a_no_checkout_clone_has_the_same_snapshot(dataset: Dataset) -> None:
    assert [p.name for p in dataset.clone.iterdir()] == [".git"]
    original, clone = snapshot_commit(dataset.path), snapshot_commit(dataset.clone)
    assert clone.files == original.files
    assert clone.commit == original.commit
    assert clone.read("source/analysis.py") == IN_GIT["source/analysis.py"]


@pytest.mark.slow
def test_the_work_tree_after_drop_matches_the_commit(dataset: Dataset) -> None:
    assert (dataset.path / "output_data/results.csv").read_bytes().startswith(b"/annex/objects/MD5E-")
    worktree = snapshot_worktree(dataset.path)
    assert worktree.commit is None
    assert worktree.files == snapshot_commit(dataset.path).files
    assert worktree.read("README.md") == IN_GIT["README.md"]


WEIRD = {"with space.txt": b"a", "ünïcödé/数据.csv": b"bb", "new\nline.txt": b"ccc", "tab\there": b"d"}
FAKE_KEY = "SHA256E-s1048576--" + "ab" * 32 + ".nii"


def test_a_plain_git_repository_has_blob_sizes(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "plain", {**WEIRD, "run.sh": b"#!/bin/sh\n"})
    (repo / "run.sh").chmod(0o755)
    os.symlink("with space.txt", repo / "link")  # a symlink, not annexed
    os.symlink(f"../.git/annex/objects/Xx/Yy/{FAKE_KEY}/OTHER", repo / "near-miss")
    os.symlink(f"../../.git/annex/objects/Xx/Yy/{FAKE_KEY}/{FAKE_KEY}", repo / "locked")  # depth is free
    (repo / "pointer-and-more").write_bytes(f"/annex/objects/{FAKE_KEY}\nmore\n".encode())
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "links")
    snapshot = snapshot_commit(repo)
    entries = by_path(snapshot)
    for name, content in WEIRD.items():
        assert entries[name] == FileEntry(name, MODE_FILE, len(content))
        assert snapshot.read(name) == content
    assert entries["run.sh"].mode == 0o100755
    assert entries["link"] == FileEntry("link", MODE_SYMLINK, len("with space.txt"))
    assert snapshot.read("link") == b"with space.txt"  # what git stores: the target
    assert not entries["near-miss"].annexed and not entries["pointer-and-more"].annexed
    assert entries["locked"] == FileEntry("locked", MODE_SYMLINK, 1048576, FAKE_KEY)
    assert [e.path for e in snapshot.files] == sorted(entries)
    assert snapshot_worktree(repo).files == snapshot.files


def test_a_submodule_is_kept_without_a_size(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "super", {"README.md": b"super\n"})
    sha = run(repo, "git", "rev-parse", "HEAD").strip()
    run(repo, "git", "update-index", "--add", "--cacheinfo", f"160000,{sha},sub")
    run(repo, "git", "commit", "-q", "-m", "a subdataset")
    snapshot = snapshot_commit(repo)
    assert snapshot.find("sub") == FileEntry("sub", MODE_SUBMODULE, None)
    # its data lives in another repository: a subdataset, not a file of unknown size
    assert sizes(snapshot.files) == Sizes(len(b"super\n"), 2, (), ("sub",))
    assert snapshot.subdatasets == ("sub",) and snapshot.files[-1].subdataset
    assert snapshot.totals(range(len(snapshot.files))) == Totals(len(b"super\n"), 0, 1, 1)


def test_a_nested_repository_in_the_work_tree_is_a_subdataset(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "super", {"README.md": b"super\n"})
    git_repo(repo / "inputs", {"raw.csv": b"a,b\n"})  # not yet registered as a submodule
    snapshot = snapshot_worktree(repo)
    assert snapshot.subdatasets == ("inputs",)
    assert sizes(snapshot.files).unknown == ()


def test_the_work_tree_lists_untracked_files_but_not_ignored_ones(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo", {".gitignore": b"*.log\n", "kept.txt": b"kept"})
    (repo / "new.txt").write_bytes(b"untracked")
    (repo / "debug.log").write_bytes(b"ignored")
    (repo / "kept.txt").unlink()  # tracked, deleted from disk: not on disk, not listed
    assert [e.path for e in snapshot_worktree(repo).files] == [".gitignore", "new.txt"]


def test_a_plain_folder_is_walked_without_git_internals(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    (folder / ".git" / "annex").mkdir(parents=True)
    (folder / "input_data").mkdir()
    (folder / "input_data" / "pointer.bin").write_bytes(f"/annex/objects/{FAKE_KEY}\n".encode())
    (folder / "input_data" / "größe.csv").write_bytes(b"1,2\n")
    os.symlink(f"../.git/annex/objects/Xx/Yy/{FAKE_KEY}/{FAKE_KEY}", folder / "input_data" / "locked.nii")
    snapshot = snapshot_worktree(folder)
    assert snapshot.files == (
        FileEntry("input_data/größe.csv", MODE_FILE, 4),
        FileEntry("input_data/locked.nii", MODE_SYMLINK, 1048576, FAKE_KEY),
        FileEntry("input_data/pointer.bin", MODE_FILE, 1048576, FAKE_KEY),
    )
    assert snapshot.read("input_data/größe.csv") == b"1,2\n"


def test_errors_name_the_repository_or_commit(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a git repository"):
        snapshot_commit(tmp_path)
    with pytest.raises(UsageError, match="not a folder"):
        snapshot_commit(tmp_path / "missing")
    repo = git_repo(tmp_path / "repo", {"a.txt": b"a", "sub/b.txt": b"b"})
    with pytest.raises(UsageError, match="sub/ of a repository, not its top"):
        snapshot_commit(repo / "sub")
    with pytest.raises(UsageError, match=r"no commit 'v9\.9'"):
        snapshot_commit(repo, "v9.9")
    with pytest.raises(UsageError, match="no commit"):
        snapshot_commit(repo, "--output=/tmp/x")  # never read as an option


def test_readers_refuse_paths_outside_the_repository(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo", {"a.txt": b"a"})
    (tmp_path / "secret").write_bytes(b"secret")
    os.symlink(tmp_path, repo / "escape")
    for snapshot in (snapshot_commit(repo), snapshot_worktree(repo)):
        assert snapshot.reader("absent.txt") is None
        for path in ("../secret", "/etc/passwd"):
            with pytest.raises(UsageError, match="outside the repository"):
                snapshot.reader(path)
    with pytest.raises(UsageError, match="through a symlink"):
        snapshot_worktree(repo).reader("escape/secret")


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The commands of every process started from now on (they still run)."""
    commands: list[Any] = []
    popen = subprocess.Popen

    def counting(command: Any, *args: Any, **kwargs: Any) -> Any:
        commands.append(command)
        return popen(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counting)
    return commands


def test_git_runs_a_few_times_not_once_per_file(tmp_path: Path, started: list[Any]) -> None:
    repo = git_repo(tmp_path / "repo", {f"d/{n}.txt": b"x" * n for n in range(50)})
    started.clear()
    assert len(snapshot_commit(repo).files) == 50
    assert len(started) <= 5, started


def _commit_links(repo: Path, links: dict[str, str]) -> None:
    for name, target in links.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, repo / name)
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "links")


ESCAPED = "URL--https&c%%example.org%a&aa"  # git-annex's file name for URL--https://example.org/a&a


def _key(n: int) -> str:
    return f"SHA256E-s{1000 + n}--{n:064x}.nii"


def test_links_read_in_several_parts_keep_their_own_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    """Many links are split over cat-file processes; each part is read the fast way or, when
    one of its links has another shape, link by link, and every file keeps its own key."""
    monkeypatch.setattr(git, "_LINKS_PER_PROCESS", 3)
    repo = git_repo(tmp_path / "repo", {"README.md": b"links\n"})
    links = {f"d/common-{n}.nii": f"../.git/annex/objects/Ab/Cd/{_key(n)}/{_key(n)}" for n in range(10)}
    odd = {
        "d/odd/deep.nii": f"../../.git/annex/objects/Ab/Cd/{_key(20)}/{_key(20)}",  # common too
        "d/bare.nii": f"../annex/objects/abc/def/{_key(21)}/{_key(21)}",  # a bare repository's layout
        "d/new\nline": "a target\nwith a newline",
        "d/plain": "README.md",
        "d/escaped.bin": f"../.git/annex/objects/Ab/Cd/{ESCAPED}/{ESCAPED}",
    }
    _commit_links(repo, {**links, **odd})
    started.clear()
    entries = by_path(snapshot_commit(repo))
    assert sum("cat-file" in command for command in started) >= 4  # 15 links in parts of 3 or more
    for n in range(10):
        assert entries[f"d/common-{n}.nii"] == FileEntry(f"d/common-{n}.nii", MODE_SYMLINK, 1000 + n, _key(n))
    assert entries["d/odd/deep.nii"].key == _key(20)
    assert entries["d/bare.nii"] == FileEntry("d/bare.nii", MODE_SYMLINK, 1021, _key(21))
    assert entries["d/new\nline"] == FileEntry("d/new\nline", MODE_SYMLINK, len("a target\nwith a newline"))
    assert entries["d/plain"] == FileEntry("d/plain", MODE_SYMLINK, len("README.md"))
    assert entries["d/escaped.bin"] == FileEntry(
        "d/escaped.bin", MODE_SYMLINK, None, "URL--https://example.org/a&a"
    )


def test_a_missing_object_is_a_file_of_unknown_size(tmp_path: Path) -> None:
    """A damaged clone: git still lists the file, its blob is gone; dgbot keeps it, size unknown."""
    repo = git_repo(tmp_path / "repo", {"kept.txt": b"kept\n", "lost.txt": b"lost\n"})
    _commit_links(repo, {"locked.nii": f".git/annex/objects/Ab/Cd/{_key(1)}/{_key(1)}", "gone": "lost.txt"})
    for name in ("lost.txt", "gone"):
        oid = run(repo, "git", "rev-parse", f"HEAD:{name}").strip()
        (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    snapshot = snapshot_commit(repo)
    entries = by_path(snapshot)
    assert entries["lost.txt"] == FileEntry("lost.txt", MODE_FILE, None)
    assert entries["gone"] == FileEntry("gone", MODE_SYMLINK, None)
    assert entries["locked.nii"].key == _key(1)  # the other link of its part is still read
    assert entries["kept.txt"].size == len(b"kept\n")
    assert sizes(snapshot.files).unknown == ("gone", "lost.txt")
