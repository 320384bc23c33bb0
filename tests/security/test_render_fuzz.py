"""Hostile file names and plan values through every renderer: nothing a runner or terminal acts on.

Verdicts are built from text a repository controls (messages, paths, JSON paths, hints,
check titles, the plan's facts), made of workflow commands, GitLab section markers, ESC
sequences, percent escapes, XML-illegal characters, lone surrogates, Unicode line breaks,
bidi controls and very long runs of them. Every report format, the annotations, the job
summary and the step outputs must come out inert, parse, and still name the original.
"""

from __future__ import annotations

import io
import json
import operator
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from junitparser import JUnitXml

from dgbot.ci.actions import report_to_actions
from dgbot.records import CheckResult, Finding, Location, Severity, Status, Verdict
from dgbot.render import REPORTS, render_annotations, render_json, render_report, render_text
from dgbot.render.annotations import MESSAGE_LIMIT
from dgbot.render.escape import json_text, visible
from dgbot.render.sarif import sarif_text
from dgbot.render.status import describe_verdict

from .runner_log import assert_inert, parse_annotation, parse_output_file, unvisible

PARTS = [
    "::",
    "\n::error::owned",
    "\r::warning file=x::forged",
    "  ::add-mask::secret",
    "\t::stop-commands::tok",
    "::set-output name=verdict::success",
    "##[error]v1 anywhere",
    "###[add-mask]x",
    "\r",
    "\n",
    "\r\n",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x1b[2J\x1b[H",
    "\x9b31m",
    "%",
    "%0A",
    "%25",
    ",",
    ":",
    "=",
    "section_start:1700000000:owned\r\x1b[0K",
    "section_end:1700000000:owned\r\x1b[0K",
    "\x00",
    "\x0b",
    "\x0c",
    "\x7f",
    "\x85",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udc80",
    "]]><![CDATA[",
    "<x/>&amp;",
    "\u2028::error::ls",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200f",
    "\\",
    "@here #1",
]
PART = st.sampled_from(PARTS)
HOSTILE = st.one_of(
    PART,
    st.lists(st.one_of(PART, st.text(max_size=4)), min_size=1, max_size=8).map("".join),
    st.text(max_size=30),
    st.builds(operator.mul, PART, st.integers(200, 2_000)),  # very long values
)
MAYBE = st.none() | HOSTILE
IDS = st.sampled_from(["dmp.schema", "structure", "formats", "volume"]) | HOSTILE

LOCATIONS = st.builds(
    Location,
    path=MAYBE,
    line=st.none() | st.integers(1, 10**6),
    column=st.none() | st.integers(1, 999),
    json_path=MAYBE,
)
FINDINGS = st.builds(
    Finding,
    check=IDS,
    rule=IDS,
    severity=st.sampled_from(Severity),
    message=HOSTILE,
    location=LOCATIONS,
    hint=MAYBE,
)
CHECKS = st.builds(
    CheckResult,
    id=IDS,
    title=HOSTILE,
    findings=st.lists(FINDINGS, max_size=4).map(tuple),
    skipped=st.none() | st.none() | HOSTILE,
    crashed=st.none() | st.none() | HOSTILE,
    description=HOSTILE,
)
PLANS = st.none() | st.fixed_dictionaries({"path": HOSTILE, "sha256": HOSTILE, "schema": HOSTILE})
VERDICTS = st.builds(
    Verdict,
    checks=st.lists(CHECKS, min_size=1, max_size=3).map(tuple),
    dgbot_version=st.just("0.1.0"),
    repository=MAYBE,
    commit=MAYBE,
    plan=PLANS,
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def _parsed(fmt: str, text: str) -> object:
    """Every report parses in its own format (XML with the stdlib and junitparser)."""
    if fmt == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        JUnitXml.fromstring(text.encode("utf-8"))
        return root
    if fmt in ("text", "markdown"):
        return text
    return json.loads(text)


@FUZZ
@given(VERDICTS)
def test_every_report_is_inert_and_parses(verdict: Verdict) -> None:
    for fmt in REPORTS:
        text = render_report(verdict, fmt)
        assert_inert(text)
        _parsed(fmt, text)
    assert_inert(render_text(verdict, colour=True), colour=True)


@FUZZ
@given(VERDICTS)
def test_reports_still_name_the_original(verdict: Verdict) -> None:
    # The verdict JSON holds exactly the data (as JSON holds it: two lone surrogates make a pair).
    assert json.loads(render_json(verdict)) == json.loads(json.dumps(verdict.to_dict()))
    text = render_text(verdict)
    junit = ET.fromstring(render_report(verdict, "junit").encode("utf-8"))
    listed = "".join(node.text or "" for node in junit.iter() if node.tag in ("failure", "system-out"))
    sarif = json.loads(render_report(verdict, "sarif"))["runs"][0]["results"]
    messages = [r["message"]["text"] for r in sarif]
    for check in verdict.checks:
        for finding in check.findings:
            if check.status in (Status.SUCCESS, Status.FAILURE) or finding.severity is not Severity.ERROR:
                assert visible(finding.message) in listed  # JUnit lists a failed check's errors only
    for finding in verdict.findings:
        assert visible(finding.message) in text
        assert visible(finding.location) in text
        end = "" if finding.message.endswith((".", "!", "?")) else "."
        hint = f"{end} Hint: {finding.hint}" if finding.hint else ""
        assert sarif_text(finding.message + hint if finding.message else hint.lstrip(". ")) in messages


def _annotated(finding: Finding) -> str:
    """The message an annotation carries, as the runner decodes it: visible text, dgbot's line break."""
    loc = finding.location
    message = visible(f"{loc.json_path}: {finding.message}" if loc.json_path else finding.message)
    return (message + (f"\n{visible(finding.hint)}" if finding.hint else ""))[:MESSAGE_LIMIT]


@FUZZ
@given(VERDICTS, HOSTILE, MAYBE)
def test_annotations_summary_and_outputs_are_what_the_runner_expects(
    verdict: Verdict, report_dir: str, workspace: str | None
) -> None:
    summary = describe_verdict(verdict)
    outputs = {"verdict": verdict.status.value, "report-dir": report_dir, "summary": summary}
    stream = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        files = {"GITHUB_OUTPUT": Path(folder, "output"), "GITHUB_STEP_SUMMARY": Path(folder, "summary")}
        env = {name: str(path) for name, path in files.items()}
        report_to_actions(verdict, Path(folder), Path(folder) if workspace else None, outputs, env, stream)
        written = {name: path.read_bytes().decode("utf-8") for name, path in files.items()}  # CRs as written
    printed = assert_inert(stream.getvalue(), annotations=True)
    assert printed == stream.getvalue().splitlines() == render_annotations(verdict)  # one line each
    expected = {_annotated(finding) for finding in verdict.findings}
    for line in printed:
        _, props, data = parse_annotation(line)
        assert data in expected or props == {"title": "dgbot"}  # or the note on those left out
    assert_inert(written["GITHUB_STEP_SUMMARY"])
    encoded = {k: v.encode("utf-8", "backslashreplace").decode("utf-8") for k, v in outputs.items()}
    assert parse_output_file(written["GITHUB_OUTPUT"]) == encoded


@settings(max_examples=300, deadline=None)
@given(st.lists(PART | st.text(), max_size=6).map("".join))
def test_visible_is_one_inert_line_that_names_the_original(text: str) -> None:
    shown = visible(text)
    assert_inert(shown)
    assert len(shown.splitlines()) <= 1
    if "\\" not in text:
        assert unvisible(shown) == text
    assert json.loads(json_text(text)) == json.loads(json.dumps(text))  # as JSON holds it
    assert_inert(json_text(text))


def test_a_location_of_one_colon_cannot_start_a_workflow_command_in_the_junit_listing() -> None:
    # found by hypothesis: json_path ":" shown as "<where>: warning: ..." began a line with "::"
    finding = Finding("dmp.schema", "r", Severity.WARNING, "::", Location(json_path=":"))
    check = CheckResult("dmp.schema", "t", findings=(finding, finding))  # the second starts a line
    for fmt in REPORTS:
        assert_inert(render_report(Verdict((check,), "0"), fmt))
    assert_inert(render_text(Verdict((check,), "0"), colour=True), colour=True)
