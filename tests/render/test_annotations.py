"""GitHub workflow commands: escaping the runner understands, most severe first, within its limits."""

from __future__ import annotations

import re

from dgbot.records import CheckResult, Finding, Location, Severity, Verdict
from dgbot.render.annotations import escape_data, escape_property, render_annotations

from .conftest import make_failing, make_many

# What the runner does with a command line: split the properties, unescape each part.
_LINE = re.compile(r"^::(error|warning|notice)(?: (.*?))?::(.*)$")


def _unescape(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = _LINE.match(line)
    assert match, line
    kind, props, message = match.groups()
    fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return kind, {k: _unescape(v) for k, v in fields.items()}, _unescape(message)


def test_hostile_text_survives_the_round_trip() -> None:
    text = "100% sure,\r\nline two: a::b, c%0A"
    assert _unescape(escape_data(text)) == text
    assert _unescape(escape_property(text)) == text
    assert (
        "\n" not in escape_data(text)
        and "," not in escape_property(text)
        and ":" not in escape_property(text)
    )


def test_findings_become_located_commands_errors_first() -> None:
    lines = render_annotations(make_failing(), path_of=lambda p: f"sub/{p}")
    parsed = [parse(line) for line in lines]
    kinds = [kind for kind, _, _ in parsed]
    assert kinds == sorted(kinds, key=["error", "warning", "notice"].index)
    kind, props, message = parsed[0]
    assert (kind, props["file"], props["line"], props["col"]) == ("error", "sub/dmp.json", "12", "5")
    assert props["title"] == "dgbot dmp.schema: enum"
    assert message.startswith("$.datasets[0].accessRights: the text ")
    assert message.endswith("\none of: open, restricted, closed")
    unlocated = next(p for k, p, m in parsed if "12.0 GiB" in m)
    assert "file" not in unlocated


def test_at_most_ten_of_each_kind_and_a_note_on_the_rest() -> None:
    verdict = make_many(45)  # 30 errors, 15 warnings
    parsed = [parse(line) for line in render_annotations(verdict)]
    kinds = [kind for kind, _, _ in parsed]
    assert kinds.count("error") == 10 and kinds.count("warning") == 10
    kind, _, message = parsed[-1]
    assert kind == "notice" and message.startswith("25 more findings not shown as annotations")


def test_the_note_itself_counts_among_the_notices() -> None:
    notices = [Finding("c", "r", Severity.NOTICE, f"n{i}", Location("a.txt")) for i in range(12)]
    verdict = Verdict((CheckResult("c", "C", findings=tuple(notices)),), "0.1.0")
    parsed = [parse(line) for line in render_annotations(verdict)]
    assert len(parsed) == 10 and all(kind == "notice" for kind, _, _ in parsed)
    assert parsed[-1][2].startswith("3 more findings not shown")
