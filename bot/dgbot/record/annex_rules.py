"""The plan's git-annex rules in `.gitattributes`: data folders annexed, everything else in git."""

from __future__ import annotations

from pathlib import Path

from dgbot.fs.managed import END, ensure_block, escape_pattern, with_block

# The prototype's layout: data in these folders goes to the annex; code, notebooks, the plan and the
# provenance stay in git, where a forge can show and diff them.
DATA_FOLDERS = ("input_data", "output_data")
# for_parameters: each parameter folder at the top (param_30C/, ...) has an output_data/ of its own;
# its params/ are small settings and stay in git.
PARAMETER_OUTPUTS = "*/output_data"
BEGIN = "# >>> dgbot: git-annex rules from the data management plan (managed; edits are replaced)"
__all__ = ["BEGIN", "DATA_FOLDERS", "END", "data_folders", "ensure_annex_rules", "rules_block"]


def data_folders(structure: str | None) -> tuple[str, ...]:
    """The folders (gitattributes patterns) whose files the plan's datasetStructure puts in the annex."""
    return (*DATA_FOLDERS, PARAMETER_OUTPUTS) if structure == "for_parameters" else DATA_FOLDERS


def _lines(folders: list[str]) -> list[str]:
    """Code, notebooks and provenance in git (`nothing`), the data folders in the annex (`anything`)."""
    return ["* annex.largefiles=nothing"] + [
        f"{escape_pattern(folder, wildcards=True)}/** annex.largefiles=anything" for folder in folders
    ]


def rules_block(folders: list[str]) -> str:
    """The block as it stands at the end of `.gitattributes`."""
    return with_block("", BEGIN, _lines(folders))


def ensure_annex_rules(root: Path, folders: tuple[str, ...] = DATA_FOLDERS) -> bool:
    """Put the rules block at the end of `.gitattributes` (last rules win); True when the file changed."""
    return ensure_block(root, ".gitattributes", BEGIN, _lines(list(folders)))
