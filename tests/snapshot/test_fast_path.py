"""The work tree's fast path equals the file-by-file judgement, on every kind of entry and real datasets."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS
from dgbot.snapshot import FileEntry, snapshot_commit, snapshot_worktree
from dgbot.snapshot.model import MODE_EXECUTABLE, MODE_FILE, MODE_SUBMODULE, MODE_SYMLINK
from dgbot.snapshot.worktree import disk_entry

from .conftest import git_repo, run

KEY = "SHA256E-s4096--" + "cd" * 32 + ".nii"
LINK = f".git/annex/objects/Xx/Yy/{KEY}/{KEY}"


def reference(root: Path) -> list[FileEntry]:
    """Every path git lists (tracked, untracked not ignored), each judged on disk by lstat and read."""
    listing = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    paths = {p.decode("utf-8", "surrogateescape").rstrip("/") for p in listing.split(b"\0") if p}
    return [entry for path in sorted(paths) if (entry := disk_entry(root.resolve(), path)) is not None]


def _fed(repo: Path, *command: str, text: str) -> str:
    """Run a git command with `text` on its input; its output."""
    return subprocess.run(
        ["git", *command], cwd=repo, input=text, capture_output=True, text=True, check=True
    ).stdout


def _link(repo: Path, name: str, target: str) -> None:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, repo / name)


@pytest.fixture
def every_kind(tmp_path: Path) -> Path:
    """A git-annex repository holding every kind of entry, then changed on disk in every way."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret\n")
    repo = git_repo(
        tmp_path / "repo",
        {
            ".gitignore": b"*.log\n",
            "plain.txt": b"plain\n",
            "run.sh": b"#!/bin/sh\n",
            "to-modify.txt": b"short\n",
            "to-delete.txt": b"gone soon\n",
            "to-fifo.txt": b"becomes a fifo\n",
            "to-folder.txt": b"becomes a folder\n",
            "to-link.txt": b"becomes a link out\n",
            "to-chmod.txt": b"gets the executable bit\n",
            "pointer.bin": f"/annex/objects/{KEY}\n".encode(),
            "new\nline.txt": b"a name with a newline\n",
        },
    )
    run(repo, "git", "annex", "init", "-q", "test")
    (repo / "annexed.dat").write_bytes(os.urandom(3000))
    run(repo, "git", "annex", "add", "-q", "annexed.dat")  # locked, content present
    for name, target in {
        "data/locked.nii": f"../{LINK}",  # content absent: a dangling link
        "data/deep/er/locked.nii": f"../../../{LINK}",
        "data/odd.nii": f"../annex/objects/abc/def/{KEY}/{KEY}",  # another shape git-annex reads
        "inside-link": "plain.txt",
        "out-link": str(outside / "secret.txt"),
        "dangling": "nowhere",
        "link-to-file.nii": f"{LINK}",
        "link-retarget": "plain.txt",
        "link-to-delete": "plain.txt",
        "nl-target": "a target\nwith a newline",
        "linked-folder/locked.nii": f"../{LINK}",
    }.items():
        _link(repo, name, target)
    (repo / "run.sh").chmod(0o755)
    sha = run(repo, "git", "rev-parse", "HEAD").strip()
    run(repo, "git", "add", "-A")
    run(repo, "git", "update-index", "--add", "--cacheinfo", f"160000,{sha},sub-present")
    run(repo, "git", "update-index", "--add", "--cacheinfo", f"160000,{sha},sub-absent")
    run(repo, "git", "commit", "-q", "-m", "every kind")
    (repo / "sub-present").mkdir()
    # a conflict: both sides of a merge are symlinks, so the index holds the path twice
    blob = _fed(repo, "hash-object", "-w", "--stdin", text=LINK).strip()
    _fed(
        repo,
        "update-index",
        "--index-info",
        text="".join(f"120000 {blob} {n}\tconflicted.nii\n" for n in (2, 3)),
    )
    _link(repo, "conflicted.nii", LINK)
    # now the work tree changes under the index
    (repo / "to-modify.txt").write_bytes(b"much longer than before\n")
    (repo / "to-delete.txt").unlink()
    (repo / "to-fifo.txt").unlink()
    os.mkfifo(repo / "to-fifo.txt")
    (repo / "to-folder.txt").unlink()
    (repo / "to-folder.txt").mkdir()
    (repo / "to-folder.txt" / "inside.txt").write_bytes(b"x")
    (repo / "to-link.txt").unlink()
    os.symlink(outside / "secret.txt", repo / "to-link.txt")
    (repo / "to-chmod.txt").chmod(0o755)
    (repo / "link-to-file.nii").unlink()
    (repo / "link-to-file.nii").write_bytes(f"/annex/objects/{KEY}\n".encode())  # unlocked by hand
    (repo / "link-retarget").unlink()
    os.symlink(str(outside / "secret.txt"), repo / "link-retarget")
    (repo / "link-to-delete").unlink()
    (repo / "linked-folder" / "locked.nii").unlink()
    (repo / "linked-folder").rmdir()
    os.symlink(outside, repo / "linked-folder")  # the folder of a tracked link leaves the repository
    os.symlink(f"../{LINK}", outside / "locked.nii")
    (repo / "untracked.txt").write_bytes(b"new")
    os.symlink(str(outside), repo / "untracked-link-out")
    os.mkfifo(repo / "untracked-fifo")
    (repo / "debug.log").write_bytes(b"ignored")
    git_repo(repo / "nested", {"inner.txt": b"inner"})
    (repo / b"undecodable-\xff.txt".decode("utf-8", "surrogateescape")).write_bytes(b"bytes")
    return repo


def test_every_kind_of_entry_is_judged_as_file_by_file(every_kind: Path) -> None:
    fast = snapshot_worktree(every_kind).files
    assert list(fast) == reference(every_kind)
    entries = {entry.path: entry for entry in fast}
    # what the judgement is, so the comparison above cannot pass by both being wrong the same way
    assert entries["data/locked.nii"] == FileEntry("data/locked.nii", MODE_SYMLINK, 4096, KEY)
    assert entries["data/odd.nii"].key == KEY
    assert entries["annexed.dat"].size == 3000 and entries["annexed.dat"].annexed
    assert entries["out-link"] == FileEntry(
        "out-link", MODE_SYMLINK, len(str(every_kind.parent / "outside/secret.txt"))
    )
    assert entries["to-link.txt"].mode == MODE_SYMLINK and not entries["to-link.txt"].annexed
    assert entries["link-retarget"].size == len(str(every_kind.parent / "outside/secret.txt"))
    assert entries["link-to-file.nii"] == FileEntry("link-to-file.nii", MODE_FILE, 4096, KEY)
    assert entries["to-modify.txt"].size == len(b"much longer than before\n")
    assert entries["to-chmod.txt"].mode == MODE_EXECUTABLE
    assert entries["nl-target"].size == len("a target\nwith a newline") and not entries["nl-target"].annexed
    assert entries["sub-present"] == FileEntry("sub-present", MODE_SUBMODULE, None)
    assert entries["nested"].mode == MODE_SUBMODULE
    assert entries["to-folder.txt"].mode == MODE_SUBMODULE  # a folder where git has a file
    assert [e.path for e in fast].count("conflicted.nii") == 1
    for gone in (
        "to-delete.txt",
        "link-to-delete",
        "to-fifo.txt",
        "untracked-fifo",
        "sub-absent",
        "debug.log",
    ):
        assert gone not in entries
    # the link beyond a folder that now leaves the repository is judged as lstat sees it, as before
    assert entries["linked-folder/locked.nii"].key == KEY


def test_a_fresh_checkout_has_the_snapshot_of_its_commit(every_kind: Path, tmp_path: Path) -> None:
    run(tmp_path, "git", "clone", "-q", str(every_kind), "checkout")
    checkout = tmp_path / "checkout"
    assert snapshot_worktree(checkout).files == snapshot_commit(checkout).files


BUNDLES = ["studyforrest-data-phase2", "openneuro-ds005551"]


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("name", BUNDLES)
def test_real_datasets_match_file_by_file_and_their_commit(name: str, tmp_path: Path) -> None:
    bundle = CORPUS / "datasets" / f"{name}.bundle"
    run(tmp_path, "git", "clone", "-q", str(bundle), "dataset")
    dataset = tmp_path / "dataset"
    fast = snapshot_worktree(dataset).files
    assert list(fast) == reference(dataset)
    assert fast == snapshot_commit(dataset).files
    assert sum(entry.annexed for entry in fast) in (2389, 7372)  # SOURCES.md's own counts
    # then the work tree changes: links become files and links out, files go
    links = [e.path for e in fast if e.annexed][:50]
    for path in links[:20]:
        (dataset / path).unlink()
        (dataset / path).write_bytes(b"replaced")
    for path in links[20:40]:
        (dataset / path).unlink()
        os.symlink("/etc/passwd", dataset / path)
    for path in links[40:]:
        (dataset / path).unlink()
    assert list(snapshot_worktree(dataset).files) == reference(dataset)
