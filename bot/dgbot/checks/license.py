"""license: the plan's licences, the LICENSE file, datacite.yml and the RO-Crate name the same licence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dgbot import spdx
from dgbot.checks.base import check
from dgbot.checks.metadata import BIDS_DESCRIPTION, Unreadable, bids_license, read_datacite, ro_crate_licenses
from dgbot.checks.scope import dataset_location, dataset_name
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import Snapshot
from dgbot.words import N_, _

CHECK = "license"
LICENSE_FILES = tuple(
    f"{stem}{suffix}" for stem in ("LICENSE", "LICENCE", "COPYING") for suffix in ("", ".md", ".txt")
)


@dataclass(frozen=True)
class Source:
    """One place in the repository that states a licence."""

    rule: str  # the rule broken when it disagrees
    says: str  # "LICENSE holds MIT", for messages
    ids: tuple[str, ...]  # SPDX ids recognised there
    location: Location


def _listed(ids: tuple[str, ...]) -> str:
    return _(" and ").join(dict.fromkeys(ids))


def _plan(plan: Plan) -> Iterator[Finding | Source]:
    known: list[str] = []
    first: Location | None = None
    for dataset in plan.datasets:
        if not dataset.license:
            continue
        found = spdx.from_reference(dataset.license)
        if found is None:
            suggestion = spdx.suggest(dataset.license)
            yield Finding(
                CHECK,
                "unknown-plan-license",
                Severity.NOTICE,
                _(
                    'dgbot does not recognise the licence "{licence}" of {dataset}, '
                    "so it cannot compare it with the repository's licence files"
                ).format(licence=dataset.license, dataset=dataset_name(dataset)),
                dataset_location(plan, dataset),
                hint=_('did you mean "{suggestion}"?').format(suggestion=suggestion)
                if suggestion
                else _(
                    "write an SPDX id such as CC-BY-4.0, or the licence's creativecommons.org/spdx.org URL"
                ),
            )
            continue
        if not spdx.known(found) and (suggestion := spdx.suggest(dataset.license, cutoff=0.8)):
            yield Finding(
                CHECK,
                "unknown-plan-license",
                Severity.NOTICE,
                _(
                    'the licence "{licence}" of {dataset} is not an SPDX id dgbot knows, '
                    "so it is compared with the repository's licence files as written"
                ).format(licence=dataset.license, dataset=dataset_name(dataset)),
                dataset_location(plan, dataset),
                hint=_('did you mean "{suggestion}"?').format(suggestion=suggestion),
            )
        known.append(found)
        first = first or dataset_location(plan, dataset)
    if first is not None:
        says = _("the plan licenses its datasets under {licences}").format(licences=_listed(tuple(known)))
        yield Source("plan-differs", says, tuple(known), first)
    elif plan.datasets and not any(d.license for d in plan.datasets):
        yield Finding(
            CHECK,
            "no-plan-license",
            Severity.NOTICE,
            _(
                "the plan gives no licence for any dataset, so the repository's licence files are only "
                "compared with each other"
            ),
            Location(path=plan.source, json_path=plan.datasets[0].json_path),
        )


def _file(plan: Plan, snapshot: Snapshot) -> Iterator[Finding | Source]:
    path = next((name for name in LICENSE_FILES if snapshot.find(name) is not None), None)
    if path is None:
        if any(d.license for d in plan.datasets):
            yield Finding(
                CHECK,
                "missing-file",
                Severity.WARNING,
                _("the plan gives a licence, but the repository has no LICENSE file with its text"),
                Location(path="LICENSE"),
                hint=_("add the full licence text as LICENSE at the top of the repository"),
            )
        return
    raw = snapshot.read(path)
    found = spdx.from_text(raw.decode("utf-8", errors="replace")) if raw is not None else None
    if found is None:
        yield Finding(
            CHECK,
            "unidentified-file",
            Severity.WARNING,
            (
                _("dgbot cannot tell which licence {path} holds (it is annexed, so its text is not in git)")
                if raw is None
                else _("dgbot cannot tell which licence {path} holds")
            ).format(path=path),
            Location(path=path),
            hint=_(
                "start it with the licence's name (e.g. Creative Commons Attribution 4.0 International) "
                "or an SPDX-License-Identifier line"
            ),
        )
        return
    says = _("{path} holds {licences}").format(path=path, licences=found)
    yield Source("file-differs", says, (found,), Location(path=path))


def _datacite(snapshot: Snapshot) -> Iterator[Source]:
    try:
        root = read_datacite(snapshot)
    except Unreadable:
        return  # the datacite check reports it
    node = root.child("license") if root is not None else None
    if node is None:
        return
    url, name = node.child("url"), node.child("name")
    found = spdx.from_url(url.text() or "") if url is not None else None
    found = found or (spdx.from_name(name.text() or "") if name is not None else None)
    if found is not None:
        says = _("{path} names {licences}").format(path="datacite.yml", licences=found)
        yield Source("datacite-differs", says, (found,), node.location())


def _bids(snapshot: Snapshot) -> Iterator[Finding | Source]:
    """A BIDS dataset's licence: `License` in dataset_description.json (an SPDX id since BIDS 1.7)."""
    try:
        found = bids_license(snapshot)
    except Unreadable as exc:
        yield Finding(CHECK, "bids-unreadable", Severity.WARNING, exc.message, exc.location())
        return
    if found is None:
        return
    value, where = found
    known = spdx.from_reference(value)
    if known is None:
        yield Finding(
            CHECK,
            "unknown-bids-license",
            Severity.NOTICE,
            _('dgbot does not recognise the licence "{licence}" in {path}').format(
                licence=value, path=BIDS_DESCRIPTION
            ),
            where,
            hint=_("BIDS asks for an SPDX id, such as CC0-1.0 or PDDL-1.0"),
        )
        return
    says = _("{path} names {licences}").format(path=BIDS_DESCRIPTION, licences=known)
    yield Source("bids-differs", says, (known,), where)


def _ro_crate(snapshot: Snapshot) -> Iterator[Finding | Source]:
    try:
        crate = ro_crate_licenses(snapshot)
    except Unreadable as exc:
        yield Finding(CHECK, "ro-crate-unreadable", Severity.WARNING, exc.message, exc.location())
        return
    if crate is None:
        return
    path, licences = crate
    known = []
    for value, where in licences:
        found = spdx.from_reference(value)
        if found is None:
            yield Finding(
                CHECK,
                "unknown-ro-crate-license",
                Severity.NOTICE,
                _('dgbot does not recognise the licence "{licence}" in {path}').format(
                    licence=value, path=path
                ),
                Location(path=path, json_path=where),
            )
        else:
            known.append(found)
    if known:
        says = _("{path} names {licences}").format(path=path, licences=_listed(tuple(known)))
        yield Source("ro-crate-differs", says, tuple(known), Location(path=path, json_path=licences[0][1]))


def _differs(source: Source, reference: Source) -> Finding:
    return Finding(
        CHECK,
        source.rule,
        Severity.ERROR,
        _("{this}, but {that}").format(this=source.says, that=reference.says),
        source.location,
        hint=_("correct one of the two so that both name the same licence"),
    )


@check(
    CHECK,
    N_("Licence"),
    Severity.ERROR,
    N_(
        "The licences the plan gives its datasets (SPDX ids or licence URLs), the LICENSE file "
        "(recognised by the licence's name or distinctive phrases of its text), and where present "
        "GIN's datacite.yml, a BIDS dataset_description.json (its License) and an RO-Crate's "
        "ro-crate-metadata.json must name the same licence. "
        "The plan is the reference; without a licence in the plan, the LICENSE file is."
    ),
)
def check_license(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Every place that states a licence against the first that does (the plan, else LICENSE)."""
    sources: list[Source] = []
    gathered = (_plan(plan), _file(plan, snapshot), _datacite(snapshot), _bids(snapshot), _ro_crate(snapshot))
    for gather in gathered:
        for item in gather:
            if isinstance(item, Source):
                sources.append(item)
            else:
                yield item
    if not sources:
        return
    reference, *others = sources
    for source in others:
        if not any(spdx.same(mine, theirs) for mine in source.ids for theirs in reference.ids):
            yield _differs(source, reference)
