"""Entities of dgbot's RO-Crate: files (annexed ones by key), people, licences, profiles and runs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dgbot.dmp.plan import Plan
from dgbot.errors import UnsafePathError
from dgbot.fs.budget import HashBudget
from dgbot.fs.read import check_regular
from dgbot.record.provenance import key_sha256
from dgbot.snapshot import FileEntry
from dgbot.words import _

_STATUS = {True: "http://schema.org/CompletedActionStatus", False: "http://schema.org/FailedActionStatus"}


def add_file(crate: Any, root: Path, entry: FileEntry, budget: HashBudget) -> Any | None:
    """A File entity: size and SHA-256; an annexed file also by its git-annex key (content not read).

    An annexed file whose content is not in this clone cannot be in the crate's payload, so it gets a
    local identifier (`#annexed/<path>`, RO-Crate 1.2+) instead of its path, which stays in `name`.
    A file in git that is not a regular file inside the repository (a symlink leading out, a FIFO)
    is left out: None, and `budget.skipped` says why.
    """
    properties: dict[str, Any] = {"name": entry.path}
    if entry.size is not None:
        properties["contentSize"] = str(entry.size)
    if entry.key is None:
        try:
            check_regular(root, entry.path, follow=True)
        except (UnsafePathError, OSError) as exc:
            budget.refuse(entry.path, exc)
            said = _("{reason}; it is left out of the crate")
            budget.skipped[entry.path] = said.format(reason=budget.skipped[entry.path])
            return None
    digest = key_sha256(entry.key) if entry.key is not None else budget.sha256(root, entry.path)
    if entry.key is not None:
        properties["identifier"] = entry.key
    if digest:
        properties["sha256"] = digest
    if (root / entry.path).exists():  # a locked annexed file's link dangles without content
        return crate.add_file(None, dest_path=entry.path, properties=properties)
    return _local_file(crate, f"#annexed/{quote(entry.path)}", properties)


def _local_file(crate: Any, identifier: str, properties: dict[str, Any]) -> Any:
    """A File known by a local identifier (not in the payload), still part of the root dataset."""
    from rocrate.model.contextentity import ContextEntity

    entity = crate.add(ContextEntity(crate, identifier, properties={"@type": "File", **properties}))
    crate.root_dataset.append_to("hasPart", entity)
    return entity


def add_person(crate: Any, plan: Plan) -> Any | None:
    """The plan's contact as a Person (the agent of the runs), or None."""
    from rocrate.model.person import Person

    contact = plan.contact
    if contact is None:
        return None
    identifier = contact.identifier if (contact.identifier or "").startswith("http") else "#contact"
    properties = {"name": contact.name, **({"email": contact.mbox} if contact.mbox else {})}
    return crate.add(Person(crate, identifier, properties=properties))


def add_licence(crate: Any, licence: str) -> Any:
    """A licence as a CreativeWork: a URL as given, an SPDX id as its spdx.org URL."""
    from rocrate.model.contextentity import ContextEntity

    url = licence if "://" in licence else f"https://spdx.org/licenses/{licence}"
    return crate.add(ContextEntity(crate, url, properties={"@type": "CreativeWork", "name": licence}))


def add_profile(crate: Any, url: str, name: str, version: str) -> Any:
    from rocrate.model.contextentity import ContextEntity

    properties = {"@type": ["CreativeWork", "Profile"], "name": name, "version": version}
    return crate.add(ContextEntity(crate, url, properties=properties))


def add_action(
    crate: Any, by_path: Mapping[str, Any], record: Mapping[str, Any], notebook: Mapping[str, Any], agent: Any
) -> Any:
    """One CreateAction per executed notebook: instrument, inputs, parameters, results, times, status."""
    from rocrate.model.contextentity import ContextEntity

    name = notebook["notebook"]
    instrument = by_path.get(name) or crate.add_file(
        None, dest_path=f"#code/{quote(name)}", properties={"name": name}
    )
    instrument.properties()["@type"] = ["File", "SoftwareSourceCode"]  # rocrate refuses "@" keys via []
    instrument["programmingLanguage"] = "Jupyter notebook"
    instrument["version"] = (record.get("repository") or {}).get("commit") or notebook["source"]["sha256"]
    run_id = f"{record.get('run_id')}-{len(crate.get_entities())}"
    inputs = [by_path.get(f["path"]) for f in record.get("inputs", ())]
    for key, value in (notebook.get("parameters") or {}).items():
        pv = {"@type": "PropertyValue", "name": key, "value": str(value)}
        inputs.append(crate.add(ContextEntity(crate, f"#param-{run_id}-{key}", properties=pv)))
    chosen = notebook.get("parameter_set")  # for_parameters: what this set's run wrote
    outputs = [f for f in record.get("outputs", ()) if not chosen or f["path"].startswith(f"{chosen}/")]
    results = [by_path.get(f["path"]) for f in outputs]
    if notebook.get("executed"):
        results.insert(0, by_path.get(notebook["executed"]["path"]))
    properties: dict[str, Any] = {
        "@type": "CreateAction",
        "name": f"Execution of {name}" + (f" for the parameter set {chosen}" if chosen else ""),
        "description": f"{name} run by dgbot {record.get('dgbot_version')}, kernel {notebook['kernel']}",
        "startTime": notebook["started"],
        "endTime": notebook["ended"],
        "actionStatus": _STATUS[notebook["status"] == "completed"],
    }
    if notebook["status"] != "completed":
        properties["error"] = notebook.get("message") or notebook["status"]
    action = crate.add_action(instrument, identifier=f"#run-{run_id}", properties=properties)
    action["object"] = [e for e in inputs if e is not None]
    action["result"] = [e for e in results if e is not None]
    if agent is not None:
        action["agent"] = agent
    return action
