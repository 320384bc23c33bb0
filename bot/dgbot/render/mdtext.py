"""Repository text as inert Markdown that still reads well as raw text (e-mail notifications, search).

Forges send issue bodies and comments as raw Markdown in e-mails, and people search them, so
nothing is written as a character reference. Values (paths, JSON paths, quoted values) go in
code spans, whose content GitHub, GitLab, Gitea and Gogs show literally: no emphasis, HTML,
link, image, mention (`@user`) or reference (`#1`, `!1`, `~label`). In prose, each word that
could be Markdown or a reference becomes a code span of its own; plain words stay as they are.
"""

from __future__ import annotations

import re

from dgbot.render.escape import visible

# A word holding Markdown or HTML punctuation, a reference prefix before something, an autolink
# (`://`, `www.`, GitHub's `GH-1`), or a line-start marker: such a word goes in a code span.
_RISKY = re.compile(r"[\\`*_\[\]<>|~$#]|[@!%&](?=\S)|://|(?i:www)\.|(?i:gh)-(?=\d)")
_LEADING = re.compile(r"^(?:[-+=]+|\d{1,9}[.)])$")  # list item, setext underline or rule at a line's start
_QUOTED = re.compile(r'"[^"]*"')
_WORD = re.compile(r"\S+")
_TICKS = re.compile(r"`+")


def code_span(text: object) -> str:
    """`text` as one code span, shown exactly: a fence longer than any backtick run in it."""
    shown = visible(text)
    if not shown:
        return '""'
    fence = "`" * (max((len(run) for run in _TICKS.findall(shown)), default=0) + 1)
    # A span that starts or ends with a backtick or a space is padded: CommonMark strips one space each side.
    pad = " " if shown[0] in "` " or shown[-1] in "` " else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def _pieces(text: str, first: bool) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is code) pairs: each risky word is code, the rest stays prose."""
    pieces: list[tuple[str, bool]] = []
    end = 0
    for match in _WORD.finditer(text):
        token = match.group()
        at_start = first and match.start() == 0
        if _RISKY.search(token) or (at_start and _LEADING.match(token)):
            pieces += [(text[end : match.start()], False), (token, True)]
            end = match.end()
    return [*pieces, (text[end:], False)]


def _joined(pieces: list[tuple[str, bool]]) -> str:
    """The pieces as Markdown: code pieces that touch are one code span (two spans that touch,
    `a``b`, would read as one span with the fences inside it)."""
    out: list[str] = []
    run: list[str] = []
    for piece, code in pieces:
        if code:
            run.append(piece)
            continue
        if piece and run:
            out.append(code_span("".join(run)))
            run = []
        out.append(piece)
    if run:
        out.append(code_span("".join(run)))
    return "".join(out)


def escape_markdown(text: object) -> str:
    """`text` as one line of inert Markdown prose.

    Controls, line breaks and bidi characters are shown escaped (`\\n`, `\\x1b`, as `visible`
    shows them) and other whitespace collapses to single spaces; quoted values (`"100 GB"`) and
    words that could be Markdown, HTML, links or references become code spans.
    """
    flat = " ".join(visible(text).split())
    pieces: list[tuple[str, bool]] = []
    end = 0
    for quoted in _QUOTED.finditer(flat):
        pieces += [*_pieces(flat[end : quoted.start()], first=end == 0), (quoted.group(), True)]
        end = quoted.end()
    return _joined([*pieces, *_pieces(flat[end:], first=end == 0)])
