"""Bodies cut to what a forge accepts, with a note that points to the full report."""

from __future__ import annotations

from urllib.parse import quote

from dgbot.forges.base import Limits
from dgbot.words import N_, _

FULL_REPORT = N_("The full report of this run: <{url}>")


def _quoted(report_url: str | None) -> str | None:
    """An http(s) URL with every character that could end an autolink percent-encoded."""
    if report_url and report_url.startswith(("https://", "http://")):
        return quote(report_url, safe="/:?#&=%+@!$,;-._~")
    return None


def full_report(report_url: str | None) -> str:
    """The line put under every body that has a report URL; nothing without one."""
    url = _quoted(report_url)
    return "\n\n" + _(FULL_REPORT).format(url=url) + "\n" if url else ""


def pointer(report_url: str | None) -> str:
    """The note put under a body that was cut."""
    url = _quoted(report_url)
    lead = _("Report cut to fit this forge")
    if url:
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
