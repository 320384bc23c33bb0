"""Frozen settings, built once from the environment and a validated `.dgbot.yml` mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from dgbot.records import Severity


@dataclass(frozen=True)
class CheckSettings:
    enabled: bool = True
    severity: Severity | None = None  # None: the check's own default


@dataclass(frozen=True)
class Settings:
    """dgbot's settings for one repository; see schemas/dgbot-config.schema.json."""

    dmp: str | None = None  # plan path relative to the repository; None: dmp.json/yaml/yml
    notebook_folder: str = "workflows"
    on_edit: str = "write_beside"  # what to do with a generated notebook the researcher edited
    checks: Mapping[str, CheckSettings] = field(default_factory=lambda: MappingProxyType({}))
    ignore: tuple[str, ...] = ()
    gpu_runner_tags: tuple[str, ...] = ()
    delivery: str = "pull_request"
    language: str = "en"
    report_dir: str = ".dgbot/report"
    verbose: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from a schema-valid `.dgbot.yml` mapping and the environment."""
        env = environ or {}
        checks = {
            name: CheckSettings(
                spec.get("enabled", True),
                Severity(spec["severity"]) if "severity" in spec else None,
            )
            for name, spec in data.get("checks", {}).items()
        }
        notebooks = data.get("notebooks", {})
        return cls(
            dmp=data.get("dmp"),
            notebook_folder=notebooks.get("folder", "workflows"),
            on_edit=notebooks.get("on_edit", "write_beside"),
            checks=MappingProxyType(checks),
            ignore=tuple(data.get("ignore", ())),
            gpu_runner_tags=tuple(data.get("gpu", {}).get("runner_tags", ())),
            delivery=data.get("delivery", "pull_request"),
            language=env.get("DGBOT_LANGUAGE") or data.get("language", "en"),
            report_dir=data.get("report_dir", ".dgbot/report"),
            verbose=env.get("DGBOT_VERBOSE") == "1",
        )
