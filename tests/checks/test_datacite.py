"""datacite: GIN's DOI rules for datacite.yml, blocking ones as errors, curator warnings as warnings."""

from __future__ import annotations

import pytest
from check_helpers import Annexed, Submodule, make_plan, make_snapshot, run, summary

from dgbot.checks.datacite import REFERENCE_TYPES, RESOURCE_TYPES, check_datacite
from dgbot.records import Finding, Severity

LICENSE = "Creative Commons Attribution 4.0 International Public License\n"
VALID = """\
authors:
  - firstname: "Hanako"
    lastname: "Example"
    id: "ORCID:0000-0002-1825-0097"
title: "Pupil responses to auditory oddball tones"
description: |
  Pupil diameter recorded while participants hear standard and deviant tones,
  with the stimulus schedule and the analysis code.
keywords:
  - pupillometry
license:
  name: "Creative Commons Attribution 4.0 International Public License"
  url: "https://creativecommons.org/licenses/by/4.0/"
references:
  - id: "doi:10.1234/example"
    reftype: "IsSupplementTo"
    citation: "Example H (2026) Pupil responses. J Examples 1:1"
resourcetype: Dataset
templateversion: 1.2
"""


def check(text: str | bytes, **files: str | bytes | Annexed | Submodule) -> list[Finding]:
    contents = {"datacite.yml": text, "LICENSE": LICENSE, **files}
    return run(check_datacite, make_plan(), make_snapshot(contents))


def only(findings: list[Finding], severity: Severity) -> list[tuple[str, str | None, int | None]]:
    return [(f.rule, f.location.json_path, f.location.line) for f in findings if f.severity is severity]


def test_allowed_lists_are_gins() -> None:
    assert RESOURCE_TYPES == ("Dataset", "Software", "DataPaper", "Image", "Text")
    assert REFERENCE_TYPES == ("IsSupplementTo", "IsDescribedBy", "IsReferencedBy", "IsVariantFormOf")


def test_valid_file_and_no_file() -> None:
    assert check(VALID) == []
    assert run(check_datacite, make_plan(), make_snapshot({"LICENSE": LICENSE})) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "json_path", "line"),
    [
        ('title: "Pupil responses to auditory oddball tones"', 'title: ""', "title", "$.title", 5),
        ('  - firstname: "Hanako"\n', '  - firstname: ""\n', "author-name", "$.authors[0]", 2),
        ('    lastname: "Example"\n', "", "author-name", "$.authors[0]", 2),
        ('  url: "https://creativecommons.org/licenses/by/4.0/"\n', "", "license", "$.license", 12),
        ('    reftype: "IsSupplementTo"\n', "", "reference", "$.references[0]", 15),
        (
            '    citation: "Example H (2026) Pupil responses. J Examples 1:1"\n',
            "",
            "reference",
            "$.references[0]",
            15,
        ),
        ('reftype: "IsSupplementTo"', 'reftype: "IsDerivedFrom"', "reftype", "$.references[0].reftype", 16),
        ("resourcetype: Dataset", "resourcetype: Poster", "resourcetype", "$.resourcetype", 18),
        ("resourcetype: Dataset\n", "", "resourcetype", "$.resourcetype", 1),
        ("keywords:\n  - pupillometry", "keywords: pupillometry", "wrong-type", "$.keywords", 9),
        ('title: "Pupil responses to auditory oddball tones"', "title: [a, b]", "wrong-type", "$.title", 5),
    ],
)
def test_what_gin_refuses(old: str, new: str, rule: str, json_path: str, line: int) -> None:
    assert old in VALID
    found = check(VALID.replace(old, new))
    assert (rule, json_path, line) in only(found, Severity.ERROR)
    assert all(f.location.path == "datacite.yml" for f in found)


def test_messages_say_what_gin_does() -> None:
    (finding,) = check(VALID.replace('reftype: "IsSupplementTo"', 'reftype: "IsDerivedFrom"'))
    assert finding.message == (
        'reference 1 has the reftype "IsDerivedFrom", which GIN\'s DOI service does not accept; '
        "use one of IsSupplementTo, IsDescribedBy, IsReferencedBy, IsVariantFormOf"
    )
    (missing,) = check(VALID.replace('    lastname: "Example"\n', ""))
    assert missing.message == "author 1 has no lastname; GIN needs both names of every author"


def test_values_are_compared_case_insensitively_like_gin() -> None:
    text = VALID.replace("resourcetype: Dataset", "resourcetype: dataset").replace(
        "IsSupplementTo", "issupplementto"
    )
    assert check(text) == []


def test_missing_required_fields_together() -> None:
    found = check("templateversion: 1.2\n")
    assert only(found, Severity.ERROR) == [
        ("title", "$.title", 1),
        ("description", "$.description", 1),
        ("no-authors", "$.authors", 1),
        ("license", "$.license", 1),
        ("resourcetype", "$.resourcetype", 1),
    ]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            "title: [unclosed\n",
            "datacite.yml is not valid YAML: expected ',' or ']', but got '<stream end>'",
            2,
        ),
        (b"title: \xff\n", "datacite.yml is not valid UTF-8 (byte 0xff at 7)", None),
        ("# only a comment\n", "datacite.yml is empty", 1),
        ("a: 1\n---\nb: 2\n", "datacite.yml is not valid YAML: but found another document", 2),
    ],
)
def test_broken_file_is_one_located_finding(text: str | bytes, message: str, line: int | None) -> None:
    (finding,) = check(text)
    assert (finding.rule, finding.severity, finding.location.path) == (
        "unreadable",
        Severity.ERROR,
        "datacite.yml",
    )
    assert finding.message == f"{message}; GIN's DOI service refuses it"
    assert finding.location.line == line


def test_not_a_mapping_and_annexed() -> None:
    (listed,) = check("- title\n")
    assert (listed.rule, listed.location.json_path) == ("wrong-type", "$")
    (annexed,) = check(Annexed(100))
    assert annexed.rule == "unreadable"


def test_license_file_rules() -> None:
    (missing,) = run(
        check_datacite, make_plan(), make_snapshot({"datacite.yml": VALID, "LICENSE.md": LICENSE})
    )
    assert summary([missing]) == [("license-file", Severity.ERROR, "LICENSE", None)]
    assert missing.message == (
        "the repository has no LICENSE file (LICENSE.md does not count: GIN reads only LICENSE); "
        "GIN's DOI service refuses it"
    )
    (mismatch,) = check(VALID, LICENSE="MIT License\n")
    assert summary([mismatch]) == [("license-mismatch", Severity.ERROR, "datacite.yml", "$.license")]
    assert mismatch.message == (
        "datacite.yml names the licence CC-BY-4.0, but LICENSE holds MIT; GIN's DOI service refuses it"
    )


def test_license_warnings() -> None:
    text = VALID.replace("https://creativecommons.org/licenses/by/4.0/", "https://example.org/terms")
    found = check(text, LICENSE="Our own terms\n")
    assert only(found, Severity.WARNING) == [
        ("license-unrecognised", "$.license.url", 13),
        ("license-unrecognised", None, None),
    ]
    other = VALID.replace("licenses/by/4.0/", "licenses/by-sa/4.0/")
    assert ("license-name-url", "$.license", 12) in only(check(other), Severity.WARNING)


def test_curator_warnings() -> None:
    text = (
        VALID.replace('id: "ORCID:0000-0002-1825-0097"', 'id: "0000-0002-1825-0097"')
        .replace('reftype: "IsSupplementTo"', 'reftype: "IsReferencedBy"')
        .replace("    citation:", "    name:")
        .replace('id: "doi:10.1234/example"', 'id: "10.1234/example"')
        .replace("resourcetype: Dataset", "resourcetype: Software")
        .replace(
            "description: |\n  Pupil diameter recorded while participants hear standard and deviant tones,\n",
            "description: |\n",
        )
    )
    found = check(text, **{"code/lib": Submodule()})
    assert only(found, Severity.ERROR) == []
    assert [(rule, path) for rule, path, _ in only(found, Severity.WARNING)] == [
        ("short-description", "$.description"),
        ("author-id", "$.authors[0].id"),
        ("reftype-not-supplement", "$.references[0].reftype"),
        ("reference-name", "$.references[0].name"),
        ("reference-id", "$.references[0].id"),
        ("resourcetype-not-dataset", "$.resourcetype"),
        ("submodule", None),
    ]
    assert found[1].message == 'author 1 has an ORCID without the ORCID: prefix ("0000-0002-1825-0097")'


def test_author_ids_empty_and_duplicated() -> None:
    text = VALID.replace(
        '    id: "ORCID:0000-0002-1825-0097"\n',
        '    id: "ORCID:"\n  - firstname: A\n    lastname: B\n    id: "orcid:"\n',
    )
    messages = [f.message for f in check(text)]
    assert messages == [
        'author 1 has an empty id ("ORCID:")',
        'author 2 has an empty id ("orcid:")',
        "authors 1 and 2 have the same id orcid:",
    ]


def test_keys_gin_ignores_and_no_keywords() -> None:
    text = VALID.replace("keywords:\n  - pupillometry\n", "rights: CC BY\n").replace(
        '    lastname: "Example"\n', '    lastname: "Example"\n    role: "curation"\n'
    )
    assert [(f.rule, f.severity, f.location.json_path) for f in check(text)] == [
        ("no-keywords", Severity.NOTICE, "$.keywords"),
        ("unknown-key", Severity.NOTICE, "$.rights"),
        ("unknown-key", Severity.NOTICE, "$.authors[0].role"),
    ]


def test_a_wrong_type_is_not_also_a_missing_value() -> None:
    text = VALID.replace('title: "Pupil responses to auditory oddball tones"', "title: [a, b]").replace(
        'reftype: "IsSupplementTo"', "reftype: {a: b}"
    )
    assert only(check(text), Severity.ERROR) == [
        ("wrong-type", "$.title", 5),
        ("wrong-type", "$.references[0].reftype", 16),
    ]


def test_deep_nesting_and_aliases_are_safe() -> None:
    (deep,) = check("[" * 5000 + "]" * 5000)
    assert (deep.rule, deep.message) == (
        "unreadable",
        "datacite.yml is not valid YAML: RecursionError; GIN's DOI service refuses it",
    )
    levels = "".join(
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
        for a, b in zip("abcdefg", "bcdefgh", strict=True)
    )
    bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + levels + VALID.replace("title: ", "title_: ")
    errors = only(check(bomb + "title: *h\n"), Severity.ERROR)  # 8**8 values if expanded: it is not
    assert [(rule, path) for rule, path, _ in errors] == [("wrong-type", "$.title")]
