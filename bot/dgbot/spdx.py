"""Licences as SPDX ids, from URLs, names and licence files (often a title or short notice):
by a name near the top of a file (earliest, most specific wins), else by phrases of a text."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

HEAD = 1500  # characters at the top of a licence file where its name is looked for


@dataclass(frozen=True)
class Licence:
    spdx: str
    names: tuple[str, ...]  # normalised phrases that name it (see normalise)
    text: tuple[str, ...] = ()  # normalised phrases that all occur in its full text


def _cc(code: str, words: str, version: str) -> Licence:
    short = "cc " + code.replace("-", " ")
    names = (f"attribution {words} {version}".replace("  ", " "), f"{short} {version}")
    unversioned = (short,) if version == "4.0" else ()  # "CC BY" means 4.0, as GIN reads it
    return Licence(f"CC-{code.upper()}-{version}", names + unversioned)


_CC_FAMILIES = (
    ("by", "", ""),
    ("by-sa", "sharealike", "sharealike"),
    ("by-nd", "noderivatives", "noderivs"),
    ("by-nc", "noncommercial", "noncommercial"),
    ("by-nc-sa", "noncommercial sharealike", "noncommercial sharealike"),
    ("by-nc-nd", "noncommercial noderivatives", "noncommercial noderivs"),
)

LICENCES: tuple[Licence, ...] = (
    *(_cc(code, words4, "4.0") for code, words4, _ in _CC_FAMILIES),
    *(_cc(code, words3, "3.0") for code, _, words3 in _CC_FAMILIES),
    Licence("CC0-1.0", ("cc0 1.0", "cc0", "creative commons zero")),
    Licence("MIT", ("mit license",), ("permission is hereby granted free of charge to any person",)),
    Licence(
        "Apache-2.0", ("apache license version 2.0", "apache license 2.0", "apache 2.0", "apache license")
    ),
    Licence(
        "BSD-3-Clause",
        ("bsd 3 clause", "3 clause bsd", "new bsd license", "modified bsd license"),
        ("redistribution and use in source and binary forms", "neither the name of"),
    ),
    Licence(
        "BSD-2-Clause",
        ("bsd 2 clause", "2 clause bsd", "simplified bsd license"),
        ("redistribution and use in source and binary forms",),
    ),
    Licence("ISC", ("isc license",), ("permission to use copy modify and or distribute this software",)),
    Licence(
        "GPL-3.0",
        (
            "gnu general public license version 3",
            "gnu general public license v3",
            "gnu general public license v3.0",
            "gpl 3.0",
            "gplv3",
        ),
    ),
    Licence(
        "GPL-2.0",
        (
            "gnu general public license version 2",
            "gnu general public license v2",
            "gnu general public license v2.0",
            "gpl 2.0",
            "gplv2",
        ),
    ),
    Licence("LGPL-3.0", ("gnu lesser general public license version 3", "lgpl 3.0", "lgplv3")),
    Licence("LGPL-2.1", ("gnu lesser general public license version 2.1", "lgpl 2.1")),
    Licence("AGPL-3.0", ("gnu affero general public license version 3", "agpl 3.0", "agplv3")),
    Licence("MPL-2.0", ("mozilla public license version 2.0", "mozilla public license 2.0", "mpl 2.0")),
    Licence("ODbL-1.0", ("open database license", "odbl")),
    Licence("PDDL-1.0", ("public domain dedication and license", "pddl")),
    Licence("ODC-By-1.0", ("open data commons attribution license", "odc by")),
    Licence(
        "Unlicense",
        ("the unlicense", "unlicense"),
        ("this is free and unencumbered software released into the public domain",),
    ),
)
_BY_ID = {lic.spdx.lower(): lic.spdx for lic in LICENCES}
_SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+)")
_VARIANT = re.compile(r"(-only|-or-later|\+)$", re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower case words and version numbers between single spaces, padded: " cc by 4.0 "."""
    text = text.lower().replace("licence", "license")
    text = re.sub(r"[^a-z0-9.]+", " ", text)
    text = re.sub(r"(?<![0-9])\.|\.(?![0-9])", " ", text)
    return " " + " ".join(text.split()) + " "


def family(spdx: str) -> str:
    """An id without -only/-or-later, lower case: what a licence text can tell apart."""
    return _VARIANT.sub("", spdx).lower()


def canonical(spdx: str) -> str:
    """A known id in its usual spelling (gpl-3.0-or-later -> GPL-3.0), others as written."""
    return _BY_ID.get(family(spdx), spdx)


def same(first: str, second: str) -> bool:
    return family(canonical(first)) == family(canonical(second))


def _by_name(normal: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for lic in LICENCES:
        for name in lic.names:
            at = normal.find(f" {name} ")
            if at >= 0 and (best is None or (at, -len(name)) < best[:2]):
                best = (at, -len(name), lic.spdx)
    return best[2] if best else None


def from_name(name: str) -> str | None:
    """The SPDX id of a licence name or id ("CC BY-SA 4.0", "Apache License, Version 2.0")."""
    text = name.strip()
    if text.lower() in _BY_ID or family(text) in _BY_ID:
        return canonical(text)
    found = _by_name(normalise(text))
    if found is None and _SPDX_ID.match(text) and any(c.isdigit() for c in text):
        return text  # an SPDX-like id dgbot does not know: compared as written
    return found


_URL_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "creativecommons.org",
        re.compile(r"^licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)(?:/([a-z]{2})(?=/|$))?"),
        "cc",
    ),
    ("creativecommons.org", re.compile(r"^publicdomain/zero/1\.0"), "CC0-1.0"),
    ("spdx.org", re.compile(r"^licenses/([a-z0-9.+-]+?)(?:\.html|\.json)?$"), "id"),
    ("opensource.org", re.compile(r"^licenses?/([a-z0-9.+-]+?)(?:-license)?(?:\.php|\.html)?$"), "id"),
    ("choosealicense.com", re.compile(r"^licenses/([a-z0-9.+-]+)"), "id"),
    ("apache.org", re.compile(r"^licenses/license-2\.0"), "Apache-2.0"),
    ("gnu.org", re.compile(r"^licenses/(?:old-licenses/)?(a|l)?gpl(?:-(\d\.\d))?"), "gnu"),
    ("opendatacommons.org", re.compile(r"^licenses/(odbl|pddl|by)"), "odc"),
    ("mozilla.org", re.compile(r"^mpl/2\.0"), "MPL-2.0"),
    ("unlicense.org", re.compile(r""), "Unlicense"),
)
_ODC = {"odbl": "ODbL-1.0", "pddl": "PDDL-1.0", "by": "ODC-By-1.0"}


def _from_match(kind: str, match: re.Match[str]) -> str | None:
    if kind == "cc":
        port = f"-{match.group(3).upper()}" if match.group(3) else ""
        return f"CC-{match.group(1).upper()}-{match.group(2)}{port}"
    if kind == "id":
        return from_name(match.group(1))
    if kind == "gnu":
        prefix = (match.group(1) or "").upper()
        return canonical(f"{prefix}GPL-{match.group(2) or '3.0'}")
    if kind == "odc":
        return _ODC[match.group(1)]
    return kind


def from_url(url: str) -> str | None:
    """The SPDX id of a licence web address (creativecommons.org, spdx.org, opensource.org, ...)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.strip("/").lower()
    for domain, pattern, kind in _URL_RULES:
        if host == domain or host.endswith("." + domain):
            match = pattern.match(path)
            if match is not None:
                return _from_match(kind, match)
    return None


def from_reference(value: str) -> str | None:
    """A plan's licence as written (an SPDX id or a URL) as an SPDX id."""
    return from_url(value) if re.match(r"^https?://", value.strip()) else from_name(value)


def from_text(text: str) -> str | None:
    """The SPDX id of a licence file's text, or None when dgbot cannot tell."""
    declared = _SPDX_LINE.search(text)
    if declared is not None:
        return canonical(declared.group(1))
    found = _by_name(normalise(text[:HEAD]))
    if found is not None:
        return found
    whole = normalise(text)
    for lic in LICENCES:
        if lic.text and all(f" {phrase} " in whole for phrase in lic.text):
            return lic.spdx
    return None


def known(spdx: str) -> bool:
    """Whether dgbot knows this SPDX id (in any variant or case)."""
    return family(spdx) in _BY_ID


def suggest(text: str, cutoff: float = 0.6) -> str | None:
    """The known SPDX id a licence written otherwise most likely means: "CC BY 4.0" -> "CC-BY-4.0"."""
    written = text.strip()
    found = from_name(written)
    if found is not None and known(found):
        return found if found != written else None
    close = difflib.get_close_matches(written.lower(), list(_BY_ID), n=1, cutoff=cutoff)
    return _BY_ID[close[0]] if close else None
