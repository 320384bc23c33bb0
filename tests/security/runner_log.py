"""What CI runners and terminals act on in a log, as their parsers read it, for the injection tests.

GitHub (actions/runner `ActionCommand`): `::name props::data` after leading whitespace, and
`##[name props]data` anywhere in a line; a line is what .NET's ReadLine returns (split on LF,
CR). We split on every line break Python knows (LF, CR, VT, FF, FS/GS/RS, NEL, U+2028/9),
which is stricter. GitLab (`Gitlab::Regex.build_trace_section_regex`): a section marker
needs a raw CR and ESC. Terminals: ESC and C1 controls start sequences; bidi controls
reorder what is shown.
"""

from __future__ import annotations

import re

ANNOTATION = re.compile(r"::(error|warning|notice)(?: ([^:]*))?::(.*)")
PROPERTIES = {"file", "line", "col", "title"}
SECTION = re.compile(r"section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]]*\])?\r\x1b\[0K")
# Raw in a log: every control but LF, C1, bidi and line separators, lone surrogates.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_OWN_COLOUR = re.compile(r"\x1b\[\d+m")  # dgbot's own SGR codes in a coloured text report
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})|\\([nrt])")


def command_lines(text: str) -> list[str]:
    """The lines a GitHub runner would try to run as workflow commands."""
    return [line for line in text.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def _unescape(text: str, extra: tuple[str, ...] = ()) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), *zip(extra[::2], extra[1::2], strict=True)):
        text = text.replace(code, char)
    return text.replace("%25", "%")


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """A command line as the runner reads it: only dgbot's own annotation commands pass."""
    match = ANNOTATION.fullmatch(line)
    assert match, f"not one of dgbot's annotations: {line!r}"
    kind, props, data = match.groups()
    fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    assert set(fields) <= PROPERTIES, fields
    return kind, {k: _unescape(v, ("%3A", ":", "%2C", ",")) for k, v in fields.items()}, _unescape(data)


def assert_inert(text: str, *, annotations: bool = False, colour: bool = False) -> list[str]:
    """No raw control, no section marker, no workflow command but (when allowed) dgbot's annotations.

    Returns the annotation lines found.
    """
    assert not SECTION.search(text), text
    shown = _OWN_COLOUR.sub("", text) if colour else text
    raw = RAW.search(shown)
    assert raw is None, f"raw {raw.group()!r} in {text!r}"
    found = command_lines(text)
    if not annotations:
        assert found == [], found
    for line in found:
        parse_annotation(line)
    return found


def unvisible(text: str) -> str:
    """The text `visible` escaped (exact for text that held no backslash)."""

    def char(match: re.Match[str]) -> str:
        hex_code = match.group(1) or match.group(2)
        return chr(int(hex_code, 16)) if hex_code else {"n": "\n", "r": "\r", "t": "\t"}[match.group(3)]

    return _ESCAPE.sub(char, text)


def parse_output_file(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner's SetOutputFileCommand reads it (Linux: lines end at LF)."""
    values, lines = {}, iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line.split("=", 1)
        else:
            assert heredoc > 0, f"not an output line: {line!r}"
            name, delimiter = line.split("<<", 1)
            body = []
            for part in lines:
                if part == delimiter:
                    break
                body.append(part)
            else:
                raise AssertionError(f"no closing delimiter {delimiter!r}")
            value = "\n".join(body)
        assert name not in values, f"output {name} set twice"
        values[name] = value
    return values
