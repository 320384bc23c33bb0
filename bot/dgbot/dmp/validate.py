"""Validation of a plan file: load, choose its schema, collect every error, build the Plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dgbot.dmp import schema
from dgbot.dmp.load import Loaded, load_bytes, load_document
from dgbot.dmp.madmp import madmp_fields
from dgbot.dmp.messages import suggest
from dgbot.dmp.partial import valid_part
from dgbot.dmp.plan import Plan
from dgbot.dmp.profiles import profile_fields
from dgbot.dmp.semantic import check_plan
from dgbot.dmp.source import Document
from dgbot.records import Finding, Severity, sort_findings
from dgbot.words import _


@dataclass(frozen=True)
class Validation:
    """The outcome of validating one plan file."""

    path: str
    document: Document | None
    choice: schema.SchemaChoice | None
    plan: Plan | None
    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return self.plan is not None and not any(f.severity is Severity.ERROR for f in self.findings)


def _problem(document: Document, rule: str, message: str, key: str | None = None) -> Finding:
    return Finding("dmp.schema", rule, Severity.ERROR, message, document.locate((), key))


def _choose_profile(document: Document) -> tuple[schema.SchemaChoice | None, list[Finding]]:
    name = document.data["schema"]
    if isinstance(name, str) and name in schema.PROFILES:
        return schema.SchemaChoice(schema.profile_schema(name), "profile", f"{name} profile"), []
    shown = f'"{name}"' if isinstance(name, str) else _("that value")
    hint = suggest(name, schema.PROFILES) if isinstance(name, str) else ""
    message = _("unknown plan profile {name}{suggestion}; known profiles: {profiles}").format(
        name=shown, suggestion=hint, profiles=", ".join(schema.PROFILES)
    )
    return None, [Finding("dmp.schema", "profile", Severity.ERROR, message, document.locate(("schema",)))]


def _choose_madmp(document: Document) -> tuple[schema.SchemaChoice, list[Finding]]:
    declared = schema.madmp_version(document.data)
    if declared is not None:
        return schema.SchemaChoice(schema.madmp_schema(declared), "madmp", f"RDA maDMP {declared}"), []
    for version in schema.MADMP_VERSIONS:
        name = schema.madmp_schema(version)
        if schema.is_valid(document.data, name):
            return schema.SchemaChoice(name, "madmp", f"RDA maDMP {version}", explicit=False), []
    newest = schema.MADMP_VERSIONS[0]
    note = Finding(
        "dmp.schema",
        "version",
        Severity.NOTICE,
        _(
            'the plan names no maDMP version in "$schema" and matches none of '
            "{versions}; its errors are shown against the newest, {newest}"
        ).format(versions=", ".join(schema.MADMP_VERSIONS), newest=newest),
        document.locate((), "$schema" if "$schema" in document.data else None),
    )
    return schema.SchemaChoice(schema.madmp_schema(newest), "madmp", f"RDA maDMP {newest}", False), [note]


def choose_schema(document: Document) -> tuple[schema.SchemaChoice | None, list[Finding]]:
    """The schema a document answers to: its `schema` profile or its maDMP version."""
    data = document.data
    if "dmp" in data:
        return _choose_madmp(document)
    if "schema" in data:
        return _choose_profile(document)
    return None, [
        _problem(
            document,
            "kind",
            _(
                'cannot tell what kind of plan this is: a funder-profile plan starts with "schema" '
                '({profiles}); an RDA maDMP has a top-level "dmp"'
            ).format(profiles=", ".join(schema.PROFILES)),
        )
    ]


def _fields(data: Any, choice: schema.SchemaChoice) -> dict[str, Any] | None:
    if choice.form == "madmp":
        return (
            madmp_fields(data, choice.label.rsplit(" ", 1)[-1]) if isinstance(data.get("dmp"), dict) else None
        )
    return profile_fields(data)


def validate_document(document: Document) -> Validation:
    """Validate a loaded document; the Plan is built only when the schema accepts it.

    The rules the schema cannot express run in the same pass, on the valid part of the plan
    when the schema refuses some of its values, so that a researcher sees every error at once.
    """
    choice, findings = choose_schema(document)
    if choice is None:
        return Validation(document.path, document, None, None, sort_findings(findings))
    checked = schema.checked(document, choice.name)
    findings += checked.findings
    accepted = not any(f.severity is Severity.ERROR for f in findings)
    data = document.data if accepted else valid_part(document.data, checked.wrong)
    fields = _fields(data, choice) if isinstance(data, dict) else None
    plan = None
    if fields is not None:
        plan = Plan(source=document.path, sha256=document.sha256, form=choice.form, **fields)
        findings += check_plan(plan, document)
    return Validation(document.path, document, choice, plan if accepted else None, sort_findings(findings))


def _validated(name: str, loaded: Loaded) -> Validation:
    document, problems = loaded
    if document is None:
        return Validation(name, None, None, None, problems)
    return validate_document(document)


def validate_file(path: Path, display: str | None = None, root: Path | None = None) -> Validation:
    """Load and validate a plan file (of the repository `root`); bad input becomes findings, never raises."""
    return _validated(display or str(path), load_document(path, display, root))


def validate_bytes(raw: bytes, name: str) -> Validation:
    """Validate a plan given as bytes (e.g. read at a commit); `name` is its repository path."""
    return _validated(name, load_bytes(raw, name))
