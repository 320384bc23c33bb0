"""A file's format from its name: the suffix that decides it, a label for messages, and the
tokens a plan may call it by (from dgbot's own table, `dgbot.checks.mediatypes`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache

from dgbot.checks.mediatypes import CASE_SENSITIVE, COMPRESSIONS, FORMATS
from dgbot.words import N_, _

_DOUBLE = tuple(ext for ext in FORMATS if ext.count(".") == 2)
# Last extensions that may end a two-part suffix (".nii.gz", ".ome.tif", ".csv.bz2").
_SECOND_HALVES = frozenset({"." + ext.rpartition(".")[2] for ext in _DOUBLE} | set(COMPRESSIONS))
# What an extension looks like: letters and digits. "lh.pbt.sub-01_T1w" has none: its last
# part is a name, and then so are the parts before it.
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")


def suffix_of(name: str) -> str:
    """The extension that decides a format: ".nii.gz", ".csv.gz", ".h5"; "" for none."""
    last = name.rfind(".")
    if last < 0:
        return ""
    if name[0] == ".":  # a hidden file's name: its leading dots are no extension
        return _extension(name)
    # It depends on the last two extensions only: one look-up per distinct pair, not per file.
    second = name.rfind(".", 0, last)
    return _tail_extension(name[second if second >= 0 else last :])


def _extension(name: str) -> str:
    parts = name.lstrip(".").split(".")[1:]
    if not parts or not _EXTENSION.fullmatch(parts[-1]):
        return ""
    if f".{parts[-1]}" in CASE_SENSITIVE:
        return f".{parts[-1]}"
    lower = [part.lower() for part in parts[-2:]]
    if len(lower) == 2 and _EXTENSION.fullmatch(lower[0]):
        pair = f".{lower[0]}.{lower[1]}"
        if pair in FORMATS or f".{lower[1]}" in COMPRESSIONS:
            return pair
    return f".{lower[-1]}"


@cache
def _tail_extension(tail: str) -> str:
    return _extension("x" + tail)


def group_by_suffix(names: Sequence[str], files: Iterable[int]) -> dict[str, list[int]]:
    """The files (indices) of each suffix, grouped by their last extension first.

    A last extension decides the suffix alone unless it may be the second half of one
    (.gz, .tif); those files are grouped again by their last two. A hidden file's name is
    a group of its own ("\\0" and the name: no name holds a NUL).
    """
    by_last: defaultdict[str, list[int]] = defaultdict(list)
    for index in files:
        name = names[index]
        by_last[name[name.rfind(".") :] if name[0] != "." else "\0" + name].append(index)
    grouped: defaultdict[str, list[int]] = defaultdict(list)
    for last, indices in by_last.items():
        if last[0] == "\0":
            grouped[suffix_of(last[1:])].extend(indices)
        elif last[0] != ".":  # no "." in these names: the key is their last letter
            grouped[""].extend(indices)
        elif last.lower() not in _SECOND_HALVES:
            grouped[_tail_extension(last)].extend(indices)
        else:
            by_two: defaultdict[str, list[int]] = defaultdict(list)
            for index in indices:
                name = names[index]
                second = name.rfind(".", 0, len(name) - len(last))
                by_two[name[second:] if second >= 0 else last].append(index)
            for tail, same in by_two.items():
                grouped[_tail_extension(tail)].extend(same)
    return dict(grouped)


# Labels that are not media types, in English (cached with `describe_suffix`); `shown_label` translates them.
_UNKNOWN = N_('"{extension}" (unknown to dgbot)')
_NO_EXTENSION = N_("unknown (no extension)")
_COMPRESSED = N_("{format} ({compression}-compressed)")
_WORDED: dict[str, tuple[str, dict[str, str]]] = {}  # English label -> its template and fields


def _worded(template: str, **fields: str) -> str:
    label = template.format(**fields)
    _WORDED[label] = (template, fields)
    return label


def shown_label(label: str) -> str:
    """A label of `describe_suffix` in the run's language (a media type stays as it is)."""
    if label not in _WORDED:
        return label
    template, fields = _WORDED[label]
    return _(template).format(**{name: shown_label(value) for name, value in fields.items()})


@cache
def describe_suffix(ext: str) -> tuple[str, frozenset[str]]:
    known = FORMATS.get(ext)
    tokens = {ext, ext[1:], ext.lower(), ext[1:].lower()} if ext else set()
    if known is not None:
        return known.media_type, frozenset({known.media_type, *known.names, *known.also, *tokens})
    inner, _dot, outer = ext.rpartition(".")
    compression = COMPRESSIONS.get(f".{outer}") if inner else None
    if compression is not None:  # ".asc.gz": the inner format, compressed
        label, inside = describe_suffix(inner)
        compressed = FORMATS[f".{outer}"]
        if label.startswith(('"', "unknown")):
            label = compression
        else:
            label = _worded(_COMPRESSED, format=label, compression=compressed.names[0])
        return label, frozenset({*inside, compression, *compressed.names, *tokens})
    if not ext:
        return _worded(_NO_EXTENSION), frozenset()
    return _worded(_UNKNOWN, extension=ext), frozenset(tokens)


def describe(name: str) -> tuple[str, frozenset[str]]:
    """A file's format: a label for messages, and every token a plan may call it by."""
    return describe_suffix(suffix_of(name))


def normal_format(declared: str) -> str:
    return declared.split(";")[0].strip().lower().removeprefix(".")


def matches(tokens: frozenset[str], declared: frozenset[str]) -> bool:
    """True when a file's tokens meet a declared format (wildcards like image/* allowed)."""
    if tokens & declared:
        return True
    majors = {d[:-1] for d in declared if d.endswith("/*")}
    return any(t.startswith(m) for t in tokens for m in majors)
