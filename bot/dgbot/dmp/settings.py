"""Reading `.dgbot.yml`: the same safe loader as plans, validated against its schema."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dgbot.config import Settings
from dgbot.dmp import schema
from dgbot.dmp.load import Loaded, load_bytes, load_document
from dgbot.records import Finding, Severity

CONFIG_NAME = ".dgbot.yml"
CONFIG_SCHEMA = "dgbot-config.schema.json"


def load_settings(
    repo: Path, environ: Mapping[str, str] | None = None
) -> tuple[Settings, tuple[Finding, ...]]:
    """Settings of a repository; problems in `.dgbot.yml` come back as findings (defaults used)."""
    path = repo / CONFIG_NAME
    if not os.path.lexists(path):  # a symlink is there, and refused with a finding
        return Settings.from_mapping({}, environ), ()
    return settings_from(load_document(path, CONFIG_NAME, repo), environ)


def settings_from_bytes(
    raw: bytes | None, environ: Mapping[str, str] | None = None
) -> tuple[Settings, tuple[Finding, ...]]:
    """Settings from the bytes of a `.dgbot.yml` (None: the file does not exist)."""
    if raw is None:
        return Settings.from_mapping({}, environ), ()
    return settings_from(load_bytes(raw, CONFIG_NAME), environ)


def settings_from(loaded: Loaded, environ: Mapping[str, str] | None) -> tuple[Settings, tuple[Finding, ...]]:
    """Settings from a loaded `.dgbot.yml`, validated against its schema."""
    document, problems = loaded
    if document is None:
        return Settings.from_mapping({}, environ), _as_config(problems)
    found = schema.errors(document, CONFIG_SCHEMA, check="config")
    if found:
        return Settings.from_mapping({}, environ), tuple(found)
    return Settings.from_mapping(document.data, environ), ()


def _as_config(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(Finding("config", f.rule, Severity.ERROR, f.message, f.location, f.hint) for f in findings)
