"""Bodies cut to what a forge accepts, with a note that points to the full report."""

from __future__ import annotations

from urllib.parse import quote

from dgbot.forges.base import Limits
from dgbot.words import _


def pointer(report_url: str | None, *, cut: bool = True) -> str:
    """The note put under a body that was cut (`cut`), or under a whole one that links its report."""
    lead = _("Report cut to fit this forge") if cut else _("Full report")
    if report_url and report_url.startswith(("https://", "http://")):
        url = quote(report_url, safe="/:?#&=%+@!$,;-._~")
        return f"\n\n**{lead}**: " + _("the full report is at <{url}>.").format(url=url) + "\n"
    return f"\n\n**{lead}**: " + _("the full report is in the verdict JSON of this run.") + "\n"


def _size(text: str, limits: Limits) -> bool:
    if len(text) > limits.body_chars:
        return False
    return limits.body_bytes is None or len(text.encode("utf-8", "surrogatepass")) <= limits.body_bytes


def fit(body: str, limits: Limits, report_url: str | None = None, *, reserve: int = 0) -> str:
    """`body` unchanged when it fits in the limits less `reserve` characters, else cut at a line."""
    room = Limits(
        limits.body_chars - reserve, None if limits.body_bytes is None else limits.body_bytes - reserve
    )
    if _size(body, room):
        return body
    note = pointer(report_url)
    head = body[: max(0, room.body_chars - len(note))]
    if room.body_bytes is not None:  # the database counts bytes: cut the UTF-8 text, not a character
        room_bytes = max(0, room.body_bytes - len(note.encode()))
        head = head.encode("utf-8", "surrogatepass")[:room_bytes].decode("utf-8", "ignore")
    newline = head.rfind("\n")
    if newline > len(head) // 2:
        head = head[: newline + 1]
    return head.rstrip() + note
