"""GIN's DOI rules for datacite.yml's links outward (references, the licence and the LICENSE
file), and the field readers every datacite rule shares: a wrong type is GIN refusing the file."""

from __future__ import annotations

from collections.abc import Iterator

from dgbot import spdx
from dgbot.checks.metadata import DATACITE, Node
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import Snapshot
from dgbot.words import N_, _

CHECK = "datacite"
REFERENCE_TYPES = ("IsSupplementTo", "IsDescribedBy", "IsReferencedBy", "IsVariantFormOf")
REFUSED = N_("GIN's DOI service refuses it")  # ends messages: "…; {refused}"
_KINDS = {"mapping": N_("a mapping"), "list": N_("a list"), "text": N_("text"), "nothing": N_("nothing")}


def refused() -> str:
    """What GIN does with a file that breaks one of its blocking rules, in the run's language."""
    return _(REFUSED)


def finding(rule: str, severity: Severity, message: str, where: Location, hint: str | None = None) -> Finding:
    return Finding(CHECK, rule, severity, message, where, hint)


def wrong(node: Node, expected: str) -> Finding:
    """A field of the wrong type; `expected` is English, marked with N_() by the caller."""
    kind = _(_KINDS[node.kind]) if node.kind in _KINDS else node.kind
    said = _("{path} must be {expected}, not {kind}; {refused}").format(
        path=node.location().json_path, expected=_(expected), kind=kind, refused=refused()
    )
    return finding("wrong-type", Severity.ERROR, said, node.location())


def text_of(parent: Node, key: str, problems: list[Finding]) -> str | None:
    """The text of a field ("" when missing, not stripped: GIN compares it as it is).

    None when a list or mapping stands there: a wrong-type problem, so no "missing" one too.
    """
    node = parent.child(key)
    text = node.text() if node is not None else ""
    if node is not None and text is None:
        problems.append(wrong(node, N_("text")))
    return text


def list_of(parent: Node, key: str, problems: list[Finding]) -> list[Node]:
    node = parent.child(key)
    if node is not None and node.kind not in ("list", "nothing"):
        problems.append(wrong(node, N_("a list")))
    return node.items() if node is not None else []


def check_references(root: Node) -> Iterator[Finding]:
    problems: list[Finding] = []
    allowed = {t.lower() for t in REFERENCE_TYPES}
    for number, ref in enumerate(list_of(root, "references", problems), 1):
        if ref.kind != "mapping":
            problems.append(wrong(ref, N_("a mapping with id, reftype and citation")))
            continue
        reftype, citation = text_of(ref, "reftype", problems), text_of(ref, "citation", problems)
        name, ident = text_of(ref, "name", problems) or "", text_of(ref, "id", problems) or ""
        cited = None if citation is None else citation or name
        if reftype == "" or cited == "":
            lacks = _(" and ").join(
                _(w) for w, v in ((N_("a reftype"), reftype), (N_("a citation"), cited)) if v == ""
            )
            said = _("reference {number} has no {fields}; {refused}").format(
                number=number, fields=lacks, refused=refused()
            )
            yield finding("reference", Severity.ERROR, said, ref.location())
        elif reftype is None:
            pass  # reported as a wrong type
        elif reftype.lower() not in allowed:
            yield finding(
                "reftype",
                Severity.ERROR,
                _(
                    'reference {number} has the reftype "{reftype}", '
                    "which GIN's DOI service does not accept; "
                    "use one of {allowed}"
                ).format(number=number, reftype=reftype, allowed=", ".join(REFERENCE_TYPES)),
                ref.location("reftype"),
            )
        elif reftype.lower() != "issupplementto":
            yield finding(
                "reftype-not-supplement",
                Severity.WARNING,
                _(
                    'reference {number} has the reftype "{reftype}"; '
                    "GIN's curators check every reference that "
                    "is not IsSupplementTo"
                ).format(number=number, reftype=reftype),
                ref.location("reftype"),
            )
        if name:
            yield finding(
                "reference-name",
                Severity.WARNING,
                _("reference {number} uses the old field name; GIN asks for citation").format(number=number),
                ref.location("name"),
            )
        kind, colon, _value = ident.partition(":")
        if not colon or not kind.strip():
            yield finding(
                "reference-id",
                Severity.WARNING,
                _(
                    "reference {number} has no id of the form type:value "
                    "(doi:…, url:…, arxiv:…, pmid:…), so it "
                    "is left out of the DOI metadata"
                ).format(number=number),
                ref.location("id"),
            )
    yield from problems


def check_license(root: Node, snapshot: Snapshot) -> Iterator[Finding]:
    problems: list[Finding] = []
    node = root.child("license")
    if node is not None and node.kind != "mapping":
        yield wrong(node, N_("a mapping with name and url"))
        return
    name = text_of(node, "name", problems) if node is not None else ""
    url = text_of(node, "url", problems) if node is not None else ""
    yield from problems
    missing = [w for w, v in (("name", name), ("url", url)) if v == ""]
    if missing:
        where = node.location() if node is not None else root.location("license")
        said = _("the licence has no {fields}; {refused}").format(
            fields=_(" and no ").join(missing), refused=refused()
        )
        yield finding("license", Severity.ERROR, said, where)
    yield from _license_match(node or root, name or "", url or "", snapshot)


def _license_match(node: Node, name: str, url: str, snapshot: Snapshot) -> Iterator[Finding]:
    by_url = spdx.from_url(url) if url else None
    by_name = spdx.from_name(name) if name else None
    unknown = (
        (
            url,
            by_url,
            "url",
            _('dgbot does not recognise the licence URL "{value}"; GIN\'s curators check it by hand'),
        ),
        (
            name,
            by_name,
            "name",
            _('dgbot does not recognise the licence name "{value}"; GIN\'s curators check it by hand'),
        ),
    )
    for value, found, key, said in unknown:
        if value and found is None:
            yield finding(
                "license-unrecognised", Severity.WARNING, said.format(value=value), node.location(key)
            )
    if by_url and by_name and not spdx.same(by_url, by_name):
        yield finding(
            "license-name-url",
            Severity.WARNING,
            _("the licence name means {by_name} but its URL {by_url}").format(by_name=by_name, by_url=by_url),
            node.location(),
        )
    if snapshot.find("LICENSE") is None:
        others = [p for p in ("LICENSE.md", "LICENSE.txt", "LICENCE") if snapshot.find(p) is not None]
        said = (
            _(
                "the repository has no LICENSE file "
                "({other} does not count: GIN reads only LICENSE); {refused}"
            )
            if others
            else _("the repository has no LICENSE file; {refused}")
        )
        yield finding(
            "license-file",
            Severity.ERROR,
            said.format(other=others[0] if others else "", refused=refused()),
            Location(path="LICENSE"),
            hint=_("add the full text of the licence named in datacite.yml as LICENSE"),
        )
        return
    raw = snapshot.read("LICENSE")
    held = spdx.from_text(raw.decode("utf-8", errors="replace")) if raw is not None else None
    if held is None:
        yield finding(
            "license-unrecognised",
            Severity.WARNING,
            _("dgbot cannot tell which licence LICENSE holds; GIN's curators check it by hand"),
            Location(path="LICENSE"),
        )
    declared = by_url or by_name
    if held and declared and not spdx.same(held, declared):
        yield finding(
            "license-mismatch",
            Severity.ERROR,
            _("{path} names the licence {declared}, but LICENSE holds {held}; {refused}").format(
                path=DATACITE, declared=declared, held=held, refused=refused()
            ),
            node.location(),
        )
