"""Markdown for issues and job summaries: summary first, folded details, nothing injectable."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt  # CommonMark + GFM tables (installed with import-linter's rich)

from dgbot.records import Status, Verdict
from dgbot.render import escape_markdown, render_markdown
from dgbot.render.escape import visible
from dgbot.render.mdtext import code_span

HOSTILE_CASES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- hidden --> <details open>",
    "@here @channel @octo-org/maintainers ping @user_1",
    "[x](javascript:alert(1)) [y]: https://evil.example ![i](https://evil.example/p.png)",
    "<https://evil.example> https://evil.example/path www.evil.example ftp://x.example",
    "mail me: someone@example.org",
    "| a | b |\n|---|---|\n| c | d |",
    "`code` ``double`` ```fence```",
    "**bold** __bold__ *em* _em_ ~~strike~~ $x^2$",
    "# heading\n## second\n> quote\n- item\n1. item\n---\n===",
    "fixes #12, GH-34, owner/repo#5, !7, %v1.0, ~bug, &epic, $snippet",
    "&lt;script&gt; &#60;b&#62; &amp;",
    "back\\slash \\[not a link\\](x)",
    "    indented code block",
    "line\u2028separator\u2029paragraph\x85next\x0bvt\x0cff",
    "nul\x00 esc\x1b[31m bidi\u202eevil\u2066 lone\ud800surrogate",
    "-",
    "12) ordered",
    "",
]


def _html(markdown: str) -> str:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    rendered: str = md.render(markdown)
    return rendered


_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)


def _unreferenced(text: str) -> None:
    """No mention, issue/MR reference or autolink can form in rendered text outside code spans."""
    outside = html.unescape(_CODE.sub(" ", text))
    assert not re.search(r"[@#!%~$&][A-Za-z0-9_-]", outside), outside
    assert "://" not in outside and not re.search(r"(?i)www\.|gh-\d", outside), outside


def _links(markdown: str) -> list[str]:
    md = MarkdownIt("commonmark", {"html": True})
    tokens = [t for block in md.parse(markdown) for t in [block, *(block.children or [])]]
    return [str(t.attrGet("href")) for t in tokens if t.type == "link_open"]


def _plain(rendered: str) -> str:
    """The text a reader sees: tags dropped, references decoded."""
    return html.unescape(re.sub(r"</?(?:p|code)>", "", rendered))


def _only_paragraph_and_code(rendered: str) -> None:
    tags = re.findall(r"</?[a-z]+", rendered)
    assert set(tags) <= {"<p", "</p", "<code", "</code"}, rendered
    assert tags.count("<p") == 1


@pytest.mark.parametrize("text", HOSTILE_CASES)
def test_escaped_text_renders_as_the_same_plain_text(text: str) -> None:
    escaped = escape_markdown(text)
    assert "\n" not in escaped
    assert set(re.findall(r"&#?\w+;", escaped)) <= set(re.findall(r"&#?\w+;", text))  # none of ours
    rendered = _html(f"text: {escaped}")
    _only_paragraph_and_code(rendered)
    expected = " ".join(visible(text).split())  # line breaks and controls shown as escapes
    assert _plain(rendered).strip() == f"text: {expected}".strip()
    _unreferenced(rendered)


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("required folder input_data/ is missing", "required folder `input_data/` is missing"),
        ('the text "100 GB" is not allowed here', 'the text `"100 GB"` is not allowed here'),
        ("costs $5 for a_b [x]", "costs `$5` for `a_b` `[x]`"),
        ("ping @octo and fix #12", "ping `@octo` and fix `#12`"),
        ("a `tick` and ``two``", "a `` `tick` `` and ``` ``two`` ```"),
        ("12) ordered", "`12)` ordered"),
        ("plain words, stay plain.", "plain words, stay plain."),
        ('""\x1f', '`""\\x1f`'),  # two values that touch are one code span (found by hypothesis)
    ],
)
def test_raw_text_reads_as_written_values_in_code_spans(text: str, raw: str) -> None:
    assert escape_markdown(text) == raw


@pytest.mark.parametrize("value", ["a`b", "``x", "x`", " lead", "trail ", "`", "a ``` b", "_x_"])
def test_a_code_span_shows_any_value_exactly(value: str) -> None:
    rendered = _html(code_span(value))
    assert rendered.startswith("<p><code>") and rendered.endswith("</code></p>\n")
    assert html.unescape(rendered[9:-12]) == value


@given(st.text())
def test_any_text_is_inert(text: str) -> None:
    escaped = escape_markdown(text)
    assert "\n" not in escaped and "\r" not in escaped
    rendered = _html(f"- {escaped}\n")  # as a list item, the way findings are shown
    assert re.fullmatch(r"<ul>\n<li>.*</li>\n</ul>\n", rendered, re.DOTALL), rendered
    inner = rendered[9:-12]
    assert set(re.findall(r"</?[a-z]+", inner)) <= {"<code", "</code"}, inner
    assert _plain(inner) == " ".join(visible(text).split())
    _unreferenced(inner)


@given(st.text(alphabet=st.sampled_from('-+=*_#>|`~0123456789.) \t\n<![]:/w@"')))
def test_escaped_text_starting_a_line_stays_in_the_paragraph(text: str) -> None:
    escaped = escape_markdown(text)
    rendered = _html(f"para\n{escaped}\n")  # after a paragraph line: setext, lists, rules, code
    assert rendered.rstrip("\n").startswith("<p>para") and rendered.count("<p>") == 1, rendered
    assert set(re.findall(r"</?[a-z]+", rendered)) <= {"<p", "</p", "<code", "</code"}, rendered
    alone = _html(f"{escaped}\n")
    assert alone == "" or set(re.findall(r"</?[a-z]+", alone)) <= {"<p", "</p", "<code", "</code"}, alone


def test_summary_comes_first_with_counts_plan_and_commit(failing: Verdict) -> None:
    text = render_markdown(failing)
    first = text.split("\n\n")[:2]
    assert first[0] == "### dgbot verdict: Error"  # a check could not run: not a pass, not a plain fail
    assert first[1].startswith("6 checks, 4 errors, 1 warning · plan `dmp.json` (basic) · commit `0123456`")


def test_failing_checks_first_then_warnings_then_the_rest_folded(failing: Verdict) -> None:
    text = render_markdown(failing)
    headings = [line for line in text.splitlines() if line.startswith("#### ")]
    assert headings == [
        "#### Failed: Data Management Plan (`dmp`) · 2 errors",
        "#### Failed: Data volume (`volume`) · 1 error",
        "#### Failed: Folder structure (`structure`) · 1 error",
        "#### Could not run: Licence (`license`)",
        "#### Passed with warnings: Access and personal data (`access`) · 1 warning",
    ]
    assert text.count("<details>") == text.count("</details>") == 1
    folded = text.split("<details>", 1)[1]
    assert "<summary>1 check: 1 skipped</summary>" in folded
    assert "- skipped · GIN datacite.yml (`datacite`) · no datacite.yml in the repository" in folded
    assert "dgbot could not run this check: KeyError: 'spdx'" in text
    assert "The plan's licence, LICENSE, datacite.yml and RO-Crate agree." in text  # descriptions shown


def test_passed_checks_are_one_folded_list(passing: Verdict) -> None:
    text = render_markdown(passing)
    assert "#### " not in text and text.count("<details>") == 1
    assert "<summary>3 checks: 3 passed</summary>" in text
    assert (
        "- passed · Data Management Plan (`dmp`) · 1 notice\n  - **notice** · `dmp.json` · the plan" in text
    )
    assert "- passed · Folder structure (`structure`) · no findings" in text


def test_no_character_references_in_the_raw_text(any_verdict: Verdict, hostile: str) -> None:
    text = render_markdown(any_verdict).replace(hostile, "")  # the hostile value holds "&lt;" itself
    assert not re.search(r"&#?\w+;", text), text


def test_the_whole_report_renders_only_our_markup(failing: Verdict, hostile: str) -> None:
    url = "https://forge.example/o/r/blob/0123456/{path}#L{line}"
    text = render_markdown(failing, file_url=lambda path, line: url.format(path=path, line=line))
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = [t for block in md.parse(text) for t in [block, *(block.children or [])]]
    raw_html = [t.content for t in tokens if t.type in ("html_block", "html_inline")]
    assert len(raw_html) == 2  # the fold's opening and closing
    assert all("<" not in re.sub(r"</?details>|</?summary>", "", h) for h in raw_html)
    links = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    assert links and all(str(href).startswith("https://forge.example/o/r/blob/0123456/") for href in links)
    assert not [t for t in tokens if t.type == "image"]
    rendered = md.render(text)
    assert "<script" not in rendered and "<img" not in rendered
    assert f"<code>&quot;{html.escape(hostile, quote=False)}&quot;</code>" in rendered  # shown, as code
    _unreferenced(re.sub(r'href="[^"]*"', "", rendered).replace("https://forge.example", ""))


def test_locations_link_to_the_file_at_the_commit(failing: Verdict) -> None:
    seen: list[tuple[str, int | None]] = []

    def file_url(path: str, line: int | None) -> str:
        seen.append((path, line))
        return f"https://forge.example/blob/{failing.commit}/{path}" + (f"#L{line}" if line else "")

    text = render_markdown(failing, file_url=file_url)
    assert ("dmp.json", 12) in seen and ("input_data/被験者 名簿.csv", 3) in seen
    assert f"[`dmp.json:12:5`](https://forge.example/blob/{failing.commit}/dmp.json#L12)" in text
    assert "(https://forge.example/blob/" + f"{failing.commit}/input_data/%E8%A2%AB" in text  # quoted
    assert not _links(render_markdown(failing))  # without file_url: no links


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,x", "//evil.example", "dmp.json"])
def test_a_file_url_that_is_not_http_is_not_linked(failing: Verdict, bad: str) -> None:
    text = render_markdown(failing, file_url=lambda path, line: bad)
    assert not _links(text) and "`dmp.json:12:5`" in text


def test_a_file_url_cannot_break_out_of_its_link(failing: Verdict) -> None:
    text = render_markdown(failing, file_url=lambda path, line: "https://x.example/a b)<c>[d](e)\n")
    assert "(https://x.example/a%20b%29%3Cc%3E%5Bd%5D%28e%29%0A)" in text


def test_findings_show_severity_message_and_hint(failing: Verdict) -> None:
    text = render_markdown(failing)
    assert "- **error** · `dmp.json:12:5` `$.datasets[0].accessRights` · the text" in text
    assert "\n  - hint: one of: open, restricted, closed\n" in text
    assert "- **error** · the data take 12.0 GiB, over the plan's limit of 10 GiB\n" in text  # no file
    assert "「被験者名簿.csv」は個人情報を含む可能性があります — Daten über Probanden" in text


def test_passing_and_error_verdicts_say_so(passing: Verdict, failing: Verdict) -> None:
    assert render_markdown(passing).startswith(
        "### dgbot verdict: Passed\n\n3 checks, 1 notice · plan `dmp.json`"
    )
    crashed_only = Verdict(tuple(c for c in failing.checks if c.status is Status.ERROR), "0.1.0")
    text = render_markdown(crashed_only)
    assert text.startswith("### dgbot verdict: Error\n\n1 check, no findings · dgbot 0.1.0\n")
    assert "could not finish every check, so this verdict is not a pass" in text


@pytest.mark.parametrize("limit", [65_536, 20_000, 5_000])
def test_long_reports_are_cut_with_a_count_of_what_was_left_out(
    many: Callable[..., Verdict], limit: int
) -> None:
    verdict = many(3_000)
    text = render_markdown(verdict, limit=limit)
    assert len(text) <= limit
    shown = text.count("\n- **")
    match = re.search(r"\*\*(\d+) more findings not shown\*\*", text)
    assert match and shown + int(match.group(1)) == 3_000
    assert text.count("<details>") == text.count("</details>")
    assert text.startswith("### dgbot verdict: Failed") and "&#" not in text


def test_a_short_report_is_not_cut(failing: Verdict) -> None:
    assert "not shown" not in render_markdown(failing)


def test_one_huge_message_does_not_crowd_out_the_others(many: Callable[..., Verdict]) -> None:
    verdict = many(4, message="<" * 100_000 + "{i}")
    text = render_markdown(verdict)
    assert len(text) < 60_000 and text.count("\n- **") == 4 and "not shown" not in text


def test_a_step_summary_may_be_longer(many: Callable[..., Verdict]) -> None:
    from dgbot.render import STEP_SUMMARY_LIMIT

    text = render_markdown(many(3_000), limit=STEP_SUMMARY_LIMIT)
    assert 65_536 < len(text) <= STEP_SUMMARY_LIMIT and len(text.encode()) <= 1_048_576


def _url(path: str, line: int | None) -> str:
    return f"https://f.example/{path}#L{line}"


def test_same_verdict_same_bytes(any_verdict: Verdict) -> None:
    assert render_markdown(any_verdict, file_url=_url) == render_markdown(any_verdict, file_url=_url)
