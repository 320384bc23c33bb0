"""Repository text made inert for logs, terminals, CI runners and report files: one place for all.

Anything a repository controls (file names, plan values, messages quoting them) may hold
characters a terminal, a log viewer or a CI runner acts on: ESC sequences, carriage returns
that GitLab's section markers need, line breaks that start a new log line, and GitHub's
workflow commands (`::add-mask::x` at a line's start, `##[error]x` anywhere in a line, as
actions/runner's ActionCommand parses them). `visible` shows every such character as its
escape (`\\x1b`, `\\n`, `\\u202e`), so the text stays readable and names the original.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls (line breaks and tabs included), DEL, C1 (NEL among them), the Arabic letter
# mark and the bidi marks, Unicode line and paragraph separators, bidi embeddings, overrides
# and isolates (Trojan Source), lone surrogates (no encoder writes them), and the two
# non-characters XML 1.0 refuses. Everything else prints as itself.
_BIDI = "\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff\ufffe\uffff]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}\ud800-\udfff\ufffe\uffff]|(?<=#)#(?=\\[)")  # json escapes C0
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# GitHub runners read `::name ...::` after leading whitespace, and `##[name ...]` anywhere. Any
# leading colon is escaped, not only a `::`: a value ":" that starts a line followed by our own
# ": warning" would make one (found by hypothesis in the JUnit listing).
_COMMAND = re.compile(r"\A(\s*):|#(?=#\[)")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _uncommand(match: re.Match[str]) -> str:
    return f"{match.group(1)}\\x3a" if match.group(1) is not None else "\\x23"


def visible(text: object) -> str:
    """`text` as one inert line: controls, line breaks, bidi and lone surrogates as escapes.

    Also no GitHub workflow command can form: a leading `:` becomes `\\x3a` and the `#`
    before `#[` becomes `\\x23`. Backslashes stay as they are, so `a\\nb` typed literally
    reads the same as a line break would; which one it was matters less than that neither acts.
    """
    shown = UNSAFE.sub(_escape, str(text))
    return _COMMAND.sub(_uncommand, shown)


def visible_lines(text: str) -> str:
    """Text whose line breaks are its own (a traceback, a library's log): each line `visible`."""
    return "\n".join(visible(line) for line in text.split("\n"))


def json_text(data: Any, *, replace_surrogates: bool = False) -> str:
    """Stable JSON text (indent 2, UTF-8): what `visible` escapes, and `##[`, as `\\u` escapes.

    The data read back is the same; only the text a log or terminal would show changes.
    `replace_surrogates` writes lone surrogates (from a JSON plan's escapes) as U+FFFD, for
    consumers that refuse them (GitLab, GitHub code scanning).
    """
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if replace_surrogates:
        text = _SURROGATE.sub("\ufffd", text)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
