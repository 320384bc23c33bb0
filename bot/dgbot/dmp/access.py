"""Access levels from what funder forms write: accessRights labels, and where a plan of the NII
prototype's forms has none, its releasePolicy words (AMED, JST) or release level (METI)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from dgbot.dmp.paths import parse_path
from dgbot.dmp.plan import Access, Plan
from dgbot.dmp.source import Document
from dgbot.records import Finding, Severity
from dgbot.words import _

CHECK = "dmp.semantic"

# Every funder vocabulary onto the Plan's access levels; Moonshot labels are looked up by
# the English part in parentheses, "公開 (open access)" -> "open access".
LABELS: dict[str, Access] = {
    **{access.value: access for access in Access},
    "Unshared": Access.CLOSED,
    "Restricted Closed Sharing": Access.SHARED,
    "Restricted Open Sharing": Access.SHARED,
    "Unrestricted Open Sharing": Access.OPEN,
    "open access": Access.OPEN,
    "restricted access": Access.SHARED,
    "embargoed access": Access.EMBARGOED,
    "metadata only access": Access.CLOSED,
}
# The words of the prototype's forms, alone or before an explanation in brackets: 公開（論文発表後）.
# Only whole words count: "論文受理から1年後に公開する" is not read (it is an embargo, not 公開).
WORDS: dict[str, Access] = {
    "公開": Access.OPEN,
    "非制限公開": Access.OPEN,
    "制限公開": Access.SHARED,
    "制限共有": Access.SHARED,
    "限定公開": Access.SHARED,
    "共有": Access.SHARED,
    "非公開": Access.CLOSED,
    "非共有": Access.CLOSED,
    "非共有・非公開": Access.CLOSED,
    "公開猶予": Access.EMBARGOED,
    "公開期間猶予": Access.EMBARGOED,
    "エンバーゴ": Access.EMBARGOED,
}
LEVELS = {1: Access.OPEN, 2: Access.EMBARGOED, 3: Access.SHARED, 4: Access.CLOSED}  # METI releaseLevel
_PARENTHESIZED = re.compile(r"\(([^()]*)\)\s*$")


def from_label(label: Any) -> Access | None:
    """The access level of an accessRights value of any profile."""
    if not isinstance(label, str):
        return None
    match = _PARENTHESIZED.search(label)
    return LABELS.get(match.group(1) if match else label)


def from_form(said: Any) -> Access | None:
    """The access level a releasePolicy text or a releaseLevel number says, if dgbot can tell."""
    if isinstance(said, int) and not isinstance(said, bool):
        return LEVELS.get(said)
    if not isinstance(said, str):
        return None
    text = unicodedata.normalize("NFKC", said).strip().rstrip("。.")
    head = text.split("(", 1)[0].strip()
    return WORDS.get(text) or WORDS.get(head) or from_label(text)


def dataset_access(entry: Mapping[str, Any], label_key: str, form_key: str | None) -> Access | None:
    """accessRights when given, else what the form's own field says."""
    if label_key in entry:
        return from_label(entry[label_key])
    return from_form(entry.get(form_key)) if form_key else None


def _entry(data: Any, json_path: str) -> Mapping[str, Any] | None:
    for part in parse_path(json_path):
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, Mapping):
            data = data.get(part)
        else:
            return None
    return data if isinstance(data, Mapping) else None


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def access_notes(plan: Plan, document: Document) -> Iterator[Finding]:
    """What dgbot read from releasePolicy/releaseLevel, could not read, or found contradicted."""
    for dataset in plan.datasets:
        key = dataset.access_from
        entry = _entry(document.data, dataset.json_path) if key else None
        if key is None or entry is None or key not in entry:
            continue
        said = entry[key]
        parts = parse_path(dataset.json_path)
        words = from_form(said)
        if "accessRights" in entry:
            if words is not None and dataset.access is not None and words is not dataset.access:
                yield Finding(
                    CHECK,
                    "access-contradicted",
                    Severity.WARNING,
                    _("accessRights says {access}, but {key} {value} says {said}").format(
                        access=dataset.access.value, key=key, value=_shown(said), said=words.value
                    ),
                    document.locate(parts, "accessRights"),
                    hint=_("make accessRights and {key} agree").format(key=key),
                )
        elif words is not None:
            yield Finding(
                CHECK,
                "access-from-form",
                Severity.NOTICE,
                _('dgbot takes the access level "{access}" from {key} {value}').format(
                    access=words.value, key=key, value=_shown(said)
                ),
                document.locate((*parts, key)),
                hint=_("write accessRights in this entry to state the access level yourself"),
            )
        else:
            yield Finding(
                CHECK,
                "access-unknown",
                Severity.NOTICE,
                _(
                    "dgbot cannot tell the access level from {key} {value}, so it does not check "
                    "who may see these data"
                ).format(key=key, value=_shown(said)),
                document.locate((*parts, key)),
                hint=_("write accessRights in this entry (see the profile's schema for its values)")
                if isinstance(said, int)
                else _(
                    "write accessRights in this entry (see the profile's schema for its values), "
                    "or write {key} as one word: 公開, 共有, 非公開 or 公開猶予"
                ).format(key=key),
            )
