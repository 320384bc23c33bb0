"""The plan's git-annex rules in `.gitattributes`: data folders annexed, everything else in git."""

from __future__ import annotations

from pathlib import Path

from dgbot.fs.read import read_regular
from dgbot.fs.write import write_file

# The prototype's layout: data in these folders goes to the annex; code, notebooks, the plan and the
# provenance stay in git, where a forge can show and diff them.
DATA_FOLDERS = ("input_data", "output_data")
BEGIN = "# >>> dgbot: git-annex rules from the data management plan (managed; edits are replaced)"
END = "# <<< dgbot"
MAX_BYTES = 1024 * 1024  # a .gitattributes of rules; anything larger is not one


def rules_block(folders: list[str]) -> str:
    """Code, notebooks and provenance in git (`nothing`), the data folders in the annex (`anything`)."""
    lines = [BEGIN, "* annex.largefiles=nothing"]
    lines += [f"{_escape(folder)}/** annex.largefiles=anything" for folder in folders]
    return "\n".join([*lines, END]) + "\n"


def _escape(folder: str) -> str:
    """gitattributes patterns end at whitespace; escape it (and the escape character)."""
    return "".join("\\" + c if c in " \t\\" else c for c in folder)


def ensure_annex_rules(root: Path, folders: tuple[str, ...] = DATA_FOLDERS) -> bool:
    """Put the rules block at the end of `.gitattributes` (last rules win); True when the file changed."""
    path = root / ".gitattributes"
    try:  # a symlink (to a file outside, whose text would be copied in) is refused, never read
        old = read_regular(root, ".gitattributes", MAX_BYTES).decode("utf-8")
    except FileNotFoundError:
        old = ""
    kept = old
    if BEGIN in old and END in old.split(BEGIN, 1)[1]:
        head, rest = old.split(BEGIN, 1)
        kept = head + rest.split(END, 1)[1].lstrip("\n")
    if kept and not kept.endswith("\n"):
        kept += "\n"
    new = kept + rules_block(list(folders))
    if new == old:
        return False
    write_file(root, path, new)
    return True
