"""Issue 11, item 1: the one write primitive, `dgbot.fs.write`, against links, `..` and failures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dgbot.errors import UnsafePathError, UsageError
from dgbot.fs.write import boundary, copy_file, make_folder, remove_file, staged_folder, write_file

from .hostile_writes import tree


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "root").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "planted.pth").write_text("mine\n")
    return tmp_path / "root"


def _outside(root: Path) -> dict[str, str]:
    return tree(root.parent / "outside")


def test_text_and_bytes_are_written_whole_and_no_temporary_is_left(root: Path) -> None:
    write_file(root, root / "a" / "b" / "text.txt", "caf\u00e9 \ud800\n")  # a lone surrogate: escaped
    write_file(root, root / "a" / "bytes.bin", b"\x00\xff")
    assert (root / "a" / "b" / "text.txt").read_bytes() == "caf\u00e9 \\ud800\n".encode()
    assert (root / "a" / "bytes.bin").read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in root.rglob("*")) == ["a", "b", "bytes.bin", "text.txt"]


def test_a_link_at_the_old_temporary_name_is_not_followed(root: Path) -> None:
    before = _outside(root)
    (root / ".report.txt.dgbot-tmp").symlink_to("../outside/report.pth")
    write_file(root, root / "report.txt", "report\n")
    assert (root / "report.txt").read_text() == "report\n" and _outside(root) == before
    assert sorted(p.name for p in root.iterdir()) == [".report.txt.dgbot-tmp", "report.txt"]


@pytest.mark.parametrize("linked", ["a", "a/b"])
def test_a_linked_parent_folder_is_refused_and_named(root: Path, linked: str) -> None:
    before = _outside(root)
    (root / linked).parent.mkdir(parents=True, exist_ok=True)
    (root / linked).symlink_to(root.parent / "outside")
    message = f"{linked}: is a symbolic link (to {root.parent / 'outside'}); dgbot never writes through one"
    with pytest.raises(UnsafePathError, match=re.escape(message)) as refused:
        write_file(root, root / "a" / "b" / "c" / "report.txt", "x")
    assert refused.value.path == linked and refused.value.exit_code == 1
    assert _outside(root) == before


def test_a_link_to_a_folder_inside_the_root_is_refused_too(root: Path) -> None:
    (root / "real").mkdir()
    (root / "alias").symlink_to("real")
    with pytest.raises(UnsafePathError, match="alias: is a symbolic link"):
        make_folder(root, root / "alias" / "reports")
    assert list((root / "real").iterdir()) == []


def test_a_final_target_that_is_a_link_is_refused_not_replaced(root: Path) -> None:
    before = _outside(root)
    (root / "junit.xml").symlink_to("../outside/planted.pth")
    message = "junit.xml: is a symbolic link (to ../outside/planted.pth)"
    with pytest.raises(UnsafePathError, match=re.escape(message)):
        write_file(root, root / "junit.xml", "<testsuites/>")
    assert (root / "junit.xml").is_symlink() and _outside(root) == before


def test_a_folder_or_a_file_in_the_way_is_refused(root: Path) -> None:
    (root / "folder").mkdir()
    (root / "file").write_text("")
    with pytest.raises(UnsafePathError, match="folder: is not a regular file"):
        write_file(root, root / "folder", "x")
    with pytest.raises(UnsafePathError, match="file: is not a folder"):
        write_file(root, root / "file" / "inner.txt", "x")


def test_dot_dot_out_of_the_root_is_refused(root: Path) -> None:
    with pytest.raises(UnsafePathError, match="leads outside"):
        write_file(root, root / ".." / "outside" / "escape.pth", "x")
    assert not (root.parent / "outside" / "escape.pth").exists()


def test_a_folder_the_user_named_outside_the_repository_is_allowed(root: Path) -> None:
    named = root.parent / "outside" / "reports" / "new"
    assert boundary(named, root) == named and boundary(root / "x", root) == root
    write_file(boundary(named, root), named / "junit.xml", "<testsuites/>")
    assert (named / "junit.xml").read_text() == "<testsuites/>"


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(root: Path) -> None:
    (root / "report.txt").write_text("old\n")
    script = textwrap.dedent(
        """
        import resource, signal, sys
        from pathlib import Path
        from dgbot.errors import UsageError
        from dgbot.fs.write import write_file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file too large fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            write_file(Path(sys.argv[1]), Path(sys.argv[1]) / "report.txt", "x" * 100_000)
        except UsageError as exc:
            print(exc)
        """
    )
    command = [sys.executable, "-c", script, str(root)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert f"cannot write {root / 'report.txt'}: File too large" in done.stdout
    assert (root / "report.txt").read_text() == "old\n" and os.listdir(root) == ["report.txt"]


def test_a_failing_copy_removes_its_temporary(root: Path) -> None:
    (root / "folder").mkdir()
    with pytest.raises(UsageError, match="cannot write"):
        copy_file(root, root / "copy.bin", root / "folder")  # reading a folder fails after the open
    assert os.listdir(root) == ["folder"]


def test_remove_through_a_linked_folder_is_refused_and_a_link_itself_is_removed(root: Path) -> None:
    (root / "flows").symlink_to("../outside")
    with pytest.raises(UnsafePathError, match="flows: is a symbolic link"):
        remove_file(root, root / "flows" / "planted.pth")
    (root / "old.ipynb").symlink_to("../outside/planted.pth")
    remove_file(root, root / "old.ipynb")
    assert not (root / "old.ipynb").is_symlink() and (root.parent / "outside" / "planted.pth").exists()


def test_a_staged_folder_replaces_only_a_folder_dgbot_wrote(root: Path) -> None:
    crate = root / "crate"
    with staged_folder(root, crate, "meta.json") as staging:
        write_file(staging, staging / "meta.json", "{}")
    assert os.listdir(root) == ["crate"] and (crate / "meta.json").read_text() == "{}"

    def fail_halfway() -> None:
        with staged_folder(root, crate, "meta.json") as staging:
            write_file(staging, staging / "meta.json", "new")
            raise RuntimeError("failed halfway")

    with pytest.raises(RuntimeError):
        fail_halfway()
    assert os.listdir(root) == ["crate"] and (crate / "meta.json").read_text() == "{}"
    (root / "data").mkdir()
    refused = staged_folder(root, root / "data", "meta.json")
    with pytest.raises(UsageError, match="is not a folder dgbot wrote"), refused:
        pass
    assert sorted(os.listdir(root)) == ["crate", "data"]
