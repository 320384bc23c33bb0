"""A Plan as an RDA maDMP document (1.1 or 1.2)."""

from __future__ import annotations

import re
from typing import Any

from dgbot.choices import STANDARDS
from dgbot.dmp.plan import Access, Dataset, Plan
from dgbot.errors import PlanError
from dgbot.words import _

SCHEMA_URI = (
    "https://github.com/RDA-DMP-Common/RDA-DMP-Common-Standard/tree/master/examples/JSON/JSON-schema/1.2"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_SPDX_URL = "https://spdx.org/licenses/{}.html"
_ACCESS = {
    Access.OPEN: "open",
    Access.SHARED: "shared",
    Access.CLOSED: "closed",
    Access.EMBARGOED: "open",
}


def _date_time(value: str | None, what: str) -> str:
    if not value:
        said = _("cannot export: the plan has no {field} date").format(field=what)
        raise PlanError(said, json_path=f"$.{what}")
    return f"{value}T00:00:00Z" if _DATE.match(value) else value


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def _license_ref(license: str) -> str:
    return license if re.match(r"^https?://", license) else _SPDX_URL.format(license)


def _contact(plan: Plan) -> dict[str, Any]:
    contact = plan.contact
    if contact is None or not contact.mbox:
        raise PlanError(
            _(
                "cannot export: maDMP needs a contact with an e-mail address; "
                "add contact.name and contact.mbox"
            ),
            json_path="$.contact",
        )
    orcid = _ORCID.search(contact.identifier or "")
    identifier = (
        {"identifier": f"https://orcid.org/{orcid.group(1)}", "type": "orcid"}
        if orcid
        else {"identifier": contact.identifier or contact.mbox, "type": "other"}
    )
    return {"name": contact.name, "mbox": contact.mbox, "contact_id": identifier}


def _distribution(dataset: Dataset, start: str) -> dict[str, Any]:
    access = _ACCESS[dataset.access] if dataset.access is not None else "closed"
    out: dict[str, Any] = {"title": dataset.path or dataset.title, "data_access": access}
    if dataset.planned_size is not None:
        out["byte_size"] = dataset.planned_size
    if dataset.formats:
        out["format"] = list(dataset.formats)
    if dataset.license:
        out["license"] = [
            {
                "license_ref": _license_ref(dataset.license),
                "start_date": dataset.available_from or start,
            }
        ]
    return out


def _dataset(dataset: Dataset, start: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": dataset.title,
        "dataset_id": {"identifier": dataset.path or dataset.title, "type": "other"},
        "personal_data": dataset.personal_data.value,
        "sensitive_data": dataset.sensitive_data.value,
    }
    if dataset.description:
        out["description"] = dataset.description
    if dataset.issued:
        out["issued"] = dataset.issued
    out["distribution"] = [_distribution(dataset, start)]
    return out


def export_madmp(plan: Plan, standard: str = "1.2") -> dict[str, Any]:
    """The plan as a maDMP document of the given version; PlanError when a required fact is missing."""
    if standard not in STANDARDS:
        said = _("unknown maDMP version {standard}; choose one of {standards}")
        raise PlanError(said.format(standard=standard, standards=", ".join(STANDARDS)))
    created = _date_time(plan.created, "created")
    dmp: dict[str, Any] = {
        "title": plan.title,
        "language": plan.language,
        "created": created,
        "modified": _date_time(plan.modified or plan.created, "modified"),
        "ethical_issues_exist": plan.ethical_issues.value,
        "dmp_id": {"identifier": plan.dmp_id or f"urn:sha256:{plan.sha256}", "type": "other"},
        "contact": _contact(plan),
        "dataset": [_dataset(d, _date(plan.created) or created[:10]) for d in plan.datasets],
    }
    if plan.description:
        dmp["description"] = plan.description
    if plan.funder:
        funding = {"funder_id": {"identifier": plan.funder, "type": "other"}}
        dmp["project"] = [{"title": plan.title, "funding": [funding]}]
    document: dict[str, Any] = {"$schema": SCHEMA_URI} if standard == "1.2" else {}
    document["dmp"] = dmp
    return document
