"""A block of lines dgbot manages at the end of a repository's text file (`.gitattributes`, `.gitignore`).

The researcher's own lines are kept as they are; dgbot's block, between its two marker lines, is
replaced as a whole and kept last (in both files the last matching line wins).
"""

from __future__ import annotations

from pathlib import Path

from dgbot.fs.read import read_regular
from dgbot.fs.write import write_file

MAX_BYTES = 1024 * 1024  # a file of rules; anything larger is not one
END = "# <<< dgbot"


def with_block(old: str, begin: str, lines: list[str]) -> str:
    """`old` without dgbot's block (wherever it was), then the block with `lines` at the end."""
    kept = old
    if begin in old and END in old.split(begin, 1)[1]:
        head, rest = old.split(begin, 1)
        kept = head + rest.split(END, 1)[1].lstrip("\n")
    if kept and not kept.endswith("\n"):
        kept += "\n"
    return kept + "\n".join([begin, *lines, END]) + "\n"


def ensure_block(root: Path, name: str, begin: str, lines: list[str]) -> bool:
    """Put dgbot's block at the end of the file `name` at the top of `root`; True when the file changed."""
    try:  # a symlink (to a file outside, whose text would be copied in) is refused, never read
        old = read_regular(root, name, MAX_BYTES).decode("utf-8")
    except FileNotFoundError:
        old = ""
    new = with_block(old, begin, lines)
    if new == old:
        return False
    write_file(root, root / name, new)
    return True


def escape_pattern(path: str, wildcards: bool = False) -> str:
    """A path as a gitattributes/gitignore pattern: whitespace, `\\` (and unless asked, `*?[`) escaped."""
    special = " \t\\" if wildcards else " \t\\*?[!#"
    return "".join("\\" + c if c in special else c for c in path)
