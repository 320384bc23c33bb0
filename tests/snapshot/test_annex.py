"""git-annex keys from key strings, symlink targets and pointer files (forms git-annex writes)."""

from __future__ import annotations

import pytest

from dgbot.snapshot.annex import POINTER_MAX_SIZE, AnnexKey, link_key, parse_key, pointer_key

SHA = "SHA256E-s12345--" + "0f" * 32 + ".nii.gz"


@pytest.mark.parametrize(
    ("key", "backend", "size"),
    [
        (SHA, "SHA256E", 12345),
        ("MD5-s0--d41d8cd98f00b204e9800998ecf8427e", "MD5", 0),
        ("URL--https://example.org/data.bin", "URL", None),
        ("URL-s123--https://example.org/a-s99--b", "URL", 123),
        ("VURL--https://example.org/x%20y.bin", "VURL", None),
        ("WORM-s1000000-m1498217233--bigfile.big", "WORM", 1000000),
        ("WORM-s5-m1--name-with--dashes", "WORM", 5),
        ("SHA256E-s100-S50-C2--" + "ab" * 32, "SHA256E", 100),
        ("BLAKE2B256E-s7--" + "cd" * 32 + ".txt", "BLAKE2B256E", 7),
    ],
)
def test_keys_are_parsed(key: str, backend: str, size: int | None) -> None:
    assert parse_key(key) == AnnexKey(key, backend, size)


@pytest.mark.parametrize("text", ["", "SHA256E", "SHA256E-s12", "sha256e-s1--x", "SHA256E-sX--x", "MD5-s1-"])
def test_other_strings_are_not_keys(text: str) -> None:
    assert parse_key(text) is None


@pytest.mark.parametrize(
    "target",
    [
        f".git/annex/objects/Xx/Yy/{SHA}/{SHA}",
        f"../../../.git/annex/objects/mK/4w/{SHA}/{SHA}",
        f"annex/objects/abc/def/{SHA}/{SHA}",  # bare repositories: lower-case hash directories
    ],
)
def test_locked_files_link_to_their_key(target: str) -> None:
    assert link_key(target.encode()) == AnnexKey(SHA, "SHA256E", 12345)


def test_escaped_key_file_names_are_unescaped() -> None:
    target = b".git/annex/objects/Fj/p9/URL--https&c%%example.org%a&a&sb/URL--https&c%%example.org%a&a&sb"
    assert link_key(target) == AnnexKey("URL--https://example.org/a&%b", "URL", None)


@pytest.mark.parametrize(
    "target",
    [
        b"../data/file.nii.gz",  # an ordinary symlink
        f".git/annex/objects/Xx/Yy/{SHA}/OTHER".encode(),  # the two names differ
        f".git/annex/objects/{SHA}/{SHA}".encode(),  # no hash directories
        f".git/annex/objects/Xx/Yy/{SHA}/{SHA}/more".encode(),
        f".git/myannex/objects/Xx/Yy/{SHA}/{SHA}".encode(),
        b".git/annex/objects/Xx/Yy/not-a-key/not-a-key",
    ],
)
def test_other_symlinks_are_not_annexed(target: bytes) -> None:
    assert link_key(target) is None


@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n"])
def test_pointer_files_name_their_key(ending: bytes) -> None:
    assert pointer_key(f"/annex/objects/{SHA}".encode() + ending) == AnnexKey(SHA, "SHA256E", 12345)


@pytest.mark.parametrize(
    "content",
    [
        f"/annex/objects/{SHA}\nappended text\n".encode(),
        f"annex/objects/{SHA}\n".encode(),
        f"../.git/annex/objects/Xx/Yy/{SHA}/{SHA}".encode(),  # a link target is not a pointer
        b"/annex/objects/" + b"A" * POINTER_MAX_SIZE,
        b"hello\n",
    ],
)
def test_other_small_files_are_not_pointers(content: bytes) -> None:
    assert pointer_key(content) is None
