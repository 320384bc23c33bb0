"""Bodies cut to what a forge accepts, with a note that points to the full report."""

from __future__ import annotations

from urllib.parse import quote

from dgbot.forges.base import Limits

FULL_REPORT = "\n\nThe full report of this run: <{url}>\n"


def _quoted(report_url: str | None) -> str | None:
    """An http(s) URL with every character that could end an autolink percent-encoded."""
    if report_url and report_url.startswith(("https://", "http://")):
        return quote(report_url, safe="/:?#&=%+@!$,;-._~")
    return None


def full_report(report_url: str | None) -> str:
    """The line put under every body that has a report URL; nothing without one."""
    url = _quoted(report_url)
    return FULL_REPORT.format(url=url) if url else ""


def pointer(report_url: str | None) -> str:
    """The note put under a body that was cut."""
    url = _quoted(report_url)
    if url:
        return f"\n\n**Report cut to fit this forge**: the full report is at <{url}>.\n"
    return "\n\n**Report cut to fit this forge**: the full report is in the verdict JSON of this run.\n"


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
