"""datacite: a GIN datacite.yml checked as GIN's DOI service checks it, before a DOI is requested.

What the service refuses is an error; what it only reports to its curators is a warning;
keys it silently ignores are a notice. The allowed resource and reference types are GIN's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dgbot.checks.base import check
from dgbot.checks.datacite_rules import (
    CHECK,
    REFERENCE_TYPES,
    check_license,
    check_references,
    finding,
    list_of,
    refused,
    text_of,
    wrong,
)
from dgbot.checks.metadata import DATACITE, Node, Unreadable, read_datacite
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import MODE_SUBMODULE, Snapshot
from dgbot.words import N_, _

RESOURCE_TYPES = ("Dataset", "Software", "DataPaper", "Image", "Text")
MIN_DESCRIPTION = 80  # bytes, as GIN counts; its curators look twice at a shorter abstract
TOP_KEYS = ("authors", "title", "description", "keywords", "license", "funding", "references")
KEYS = {
    "": (*TOP_KEYS, "resourcetype", "templateversion"),
    "authors": ("firstname", "lastname", "affiliation", "id"),
    "references": ("id", "reftype", "citation", "name"),
    "license": ("name", "url"),
}
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")

__all__ = ["REFERENCE_TYPES", "RESOURCE_TYPES", "check_datacite"]


def _required(root: Node) -> Iterator[Finding]:
    problems: list[Finding] = []
    title, description = text_of(root, "title", problems), text_of(root, "description", problems)
    for key, value in (("title", title), ("description", description)):
        if value == "":
            said = _("{path} has no {field}; {refused}").format(path=DATACITE, field=key, refused=refused())
            yield finding(key, Severity.ERROR, said, root.location(key))
    if description and len(description.encode()) < MIN_DESCRIPTION:
        yield finding(
            "short-description",
            Severity.WARNING,
            _(
                "the description has {count} characters; "
                "GIN's curators ask about abstracts shorter than {least}"
            ).format(count=len(description.encode()), least=MIN_DESCRIPTION),
            root.location("description"),
        )
    if not list_of(root, "keywords", problems):
        yield finding(
            "no-keywords",
            Severity.NOTICE,
            _("no keywords: they make the dataset findable"),
            root.location("keywords"),
        )
    yield from problems


def _author_ids(authors: list[Node]) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for number, author in enumerate(authors, 1):
        ident = text_of(author, "id", []) or ""
        lower = ident.lower()
        where = author.location("id")
        if not ident:
            continue
        if not lower.startswith(("orcid", "researcherid")):
            said = (
                _('author {number} has an ORCID without the ORCID: prefix ("{id}")')
                if _ORCID.search(ident)
                else _('author {number} has an id of unknown kind ("{id}")')
            )
            yield finding("author-id", Severity.WARNING, said.format(number=number, id=ident), where)
        elif lower.rstrip(": ") in ("orcid", "researcherid"):
            said = _('author {number} has an empty id ("{id}")').format(number=number, id=ident)
            yield finding("author-id", Severity.WARNING, said, where)
        if lower in seen:
            yield finding(
                "author-id",
                Severity.WARNING,
                _("authors {first} and {number} have the same id {id}").format(
                    first=seen[lower], number=number, id=ident
                ),
                where,
            )
        seen.setdefault(lower, number)


def _authors(root: Node) -> Iterator[Finding]:
    problems: list[Finding] = []
    authors = list_of(root, "authors", problems)
    if not authors and not problems:
        said = _("{path} lists no authors; {refused}").format(path=DATACITE, refused=refused())
        yield finding("no-authors", Severity.ERROR, said, root.location("authors"))
    for number, author in enumerate(authors, 1):
        if author.kind != "mapping":
            problems.append(wrong(author, N_("a mapping with firstname and lastname")))
            continue
        missing = [key for key in ("firstname", "lastname") if text_of(author, key, problems) == ""]
        if missing:
            yield finding(
                "author-name",
                Severity.ERROR,
                _("author {number} has no {fields}; GIN needs both names of every author").format(
                    number=number, fields=_(" and no ").join(missing)
                ),
                author.location(),
            )
    yield from problems
    yield from _author_ids([a for a in authors if a.kind == "mapping"])


def _resourcetype(root: Node) -> Iterator[Finding]:
    problems: list[Finding] = []
    kind = text_of(root, "resourcetype", problems)
    yield from problems
    if kind is None:
        return
    if kind.lower() not in {t.lower() for t in RESOURCE_TYPES}:
        said = (
            _('the resourcetype is "{kind}"; {refused}: use one of {allowed}')
            if kind
            else _("the resourcetype is missing; {refused}: use one of {allowed}")
        )
        yield finding(
            "resourcetype",
            Severity.ERROR,
            said.format(kind=kind, refused=refused(), allowed=", ".join(RESOURCE_TYPES)),
            root.location("resourcetype"),
        )
    elif kind.lower() != "dataset":
        yield finding(
            "resourcetype-not-dataset",
            Severity.WARNING,
            _(
                'the resourcetype is "{kind}"; GIN\'s curators check every resource that is not a Dataset'
            ).format(kind=kind),
            root.location("resourcetype"),
        )


def _unknown_keys(root: Node) -> Iterator[Finding]:
    nodes = [("", root)] + [(key, n) for key in ("authors", "references") for n in list_of(root, key, [])]
    if (license_node := root.child("license")) is not None:
        nodes.append(("license", license_node))
    for kind, node in nodes:
        for key, value in node.entries():
            if key not in KEYS[kind]:
                yield finding(
                    "unknown-key",
                    Severity.NOTICE,
                    _('GIN ignores the key "{key}": what it holds does not reach the DOI metadata').format(
                        key=key
                    ),
                    value.location(),
                )


@check(
    CHECK,
    N_("GIN DOI metadata (datacite.yml)"),
    Severity.ERROR,
    N_(
        "When the repository has a datacite.yml, it is checked by the rules of GIN's DOI service, "
        "so a researcher learns before requesting a DOI what GIN would refuse: a title, a "
        "description, authors with first and last names, a licence with name and URL matching the "
        "LICENSE file, references with a citation and one of GIN's reference types, and one of its "
        "resource types. What GIN only reports to its curators is a warning."
    ),
)
def check_datacite(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """GIN's blocking rules as errors, its curator warnings as warnings."""
    try:
        root = read_datacite(snapshot)
    except Unreadable as exc:
        yield finding("unreadable", Severity.ERROR, f"{exc.message}; {refused()}", exc.location())
        return
    if root is None:
        return
    if root.kind != "mapping":
        yield wrong(root, N_("a mapping of fields (title, authors, ...)"))
        return
    for part in (_required(root), _authors(root), check_license(root, snapshot), check_references(root)):
        yield from part
    yield from _resourcetype(root)
    yield from _unknown_keys(root)
    for entry in snapshot.files:
        if entry.mode == MODE_SUBMODULE:
            yield finding(
                "submodule",
                Severity.WARNING,
                _("{path} is a git submodule; GIN's DOI archive does not include its content").format(
                    path=entry.path
                ),
                Location(path=entry.path),
            )
