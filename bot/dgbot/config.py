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
class RunSettings:
    """How `dgbot run` executes notebooks (the `run` block of `.dgbot.yml`)."""

    kernel: str = "python3"
    cell_timeout: float = 600.0  # seconds one cell may take
    timeout: float = 3600.0  # seconds one whole notebook may take
    parallel: int = 2  # notebooks executed at once (one kernel each)
    workdir: str = "notebook"  # "notebook": each runs in its own folder; "repository": at the top
    inputs: tuple[str, ...] = ("input_data",)  # folders whose files provenance lists as inputs

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RunSettings:
        default = cls()
        return cls(
            kernel=data.get("kernel", default.kernel),
            cell_timeout=float(data.get("cell_timeout", default.cell_timeout)),
            timeout=float(data.get("timeout", default.timeout)),
            parallel=int(data.get("parallel", default.parallel)),
            workdir=data.get("workdir", default.workdir),
            inputs=tuple(data.get("inputs", default.inputs)),
        )


NO_RUN = ""  # Settings.own_run of a job that ran no notebooks


@dataclass(frozen=True)
class Settings:
    """dgbot's settings for one repository; see schemas/dgbot-config.schema.json."""

    dmp: str | None = None  # plan path relative to the repository; None: dmp.json/yaml/yml
    notebook_folder: str = "workflows"
    on_edit: str = "write_beside"  # what to do with a generated notebook the researcher edited
    experiment: str = "source/main.ipynb"  # the notebook the workflow notebooks run
    sibling: str | None = None  # DataLad sibling the saving-records notebook pushes to
    experiment_parameters: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    checks: Mapping[str, CheckSettings] = field(default_factory=lambda: MappingProxyType({}))
    ignore: tuple[str, ...] = ()
    gpu_runner_tags: tuple[str, ...] = ()
    delivery: str = "pull_request"
    language: str = "en"
    report_dir: str = ".dgbot/report"
    verbose: bool = False
    run: RunSettings = field(default_factory=RunSettings)
    public: bool | None = None  # whether the forge says the repository is public; None: not known
    secret_files: tuple[str, ...] = ()  # file-name patterns added to the access check's own
    personal_files: tuple[str, ...] = ()
    harmless_files: tuple[str, ...] = ()
    # The run whose provenance alone counts for the reproducibility check: None, any record a run
    # in this work tree wrote (`dgbot check`); a run id, that run's (`dgbot ci`'s own execute
    # stage); NO_RUN, none (the job ran no notebooks, so a record on disk is not this job's).
    own_run: str | None = None
    # `dgbot check` and the bot say when the report folder is committed; a job's own run and the
    # workflow notebooks do not (`dgbot record` commits the folder as the run's record).
    report_committed_notice: bool = False

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
        access = data.get("access", {})
        return cls(
            dmp=data.get("dmp"),
            notebook_folder=notebooks.get("folder", "workflows"),
            on_edit=notebooks.get("on_edit", "write_beside"),
            experiment=notebooks.get("experiment", "source/main.ipynb"),
            sibling=notebooks.get("sibling"),
            experiment_parameters=MappingProxyType(dict(notebooks.get("experiment_parameters", {}))),
            checks=MappingProxyType(checks),
            ignore=tuple(data.get("ignore", ())),
            gpu_runner_tags=tuple(data.get("gpu", {}).get("runner_tags", ())),
            delivery=data.get("delivery", "pull_request"),
            language=env.get("DGBOT_LANGUAGE") or data.get("language", "en"),
            report_dir=env.get("DGBOT_REPORT_DIR") or data.get("report_dir", ".dgbot/report"),
            verbose=env.get("DGBOT_VERBOSE") == "1",
            run=RunSettings.from_mapping(data.get("run", {})),
            public=_visibility(env),
            secret_files=tuple(access.get("secret_files", ())),
            personal_files=tuple(access.get("personal_files", ())),
            harmless_files=tuple(access.get("harmless_files", ())),
        )


# Where CI runners tell a repository's visibility: dgbot's own variable (the GitHub Action
# sets it from the event payload), then GitLab CI's predefined one.
VISIBILITY_VARIABLES = ("DGBOT_REPOSITORY_VISIBILITY", "CI_PROJECT_VISIBILITY")


def _visibility(env: Mapping[str, str]) -> bool | None:
    """True for a public repository, False for private or internal ones, None when nobody says."""
    for name in VISIBILITY_VARIABLES:
        value = env.get(name, "").strip().lower()
        if value:
            return value == "public" if value in ("public", "private", "internal") else None
    return None
