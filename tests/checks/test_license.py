"""license: the plan's licences, LICENSE, datacite.yml and the RO-Crate agree."""

from __future__ import annotations

import json
from pathlib import Path

from check_helpers import Annexed, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks.license import check_license
from dgbot.records import Severity
from dgbot.snapshot import snapshot_worktree

CC_BY = "Creative Commons Attribution 4.0 International Public License\n\nShare and adapt with credit.\n"
MIT = "MIT License\n\nCopyright (c) 2026 Example\n\nPermission is hereby granted, free of charge, ...\n"
PLAN = make_plan([dataset(0, "Data", "input_data", license="CC-BY-4.0")])
DATACITE = 'title: "T"\nlicense:\n  name: "{name}"\n  url: "{url}"\n'


def crate(license_value: object, extra: list[object] | None = None) -> str:
    graph: list[object] = [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"}},
        {"@id": "./", "@type": "Dataset", "license": license_value},
        *(extra or []),
    ]
    return json.dumps({"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph})


def test_all_agree() -> None:
    files = {
        "LICENSE": CC_BY,
        "datacite.yml": DATACITE.format(name="CC BY 4.0", url="https://creativecommons.org/licenses/by/4.0/"),
        "ro-crate-metadata.json": crate({"@id": "https://creativecommons.org/licenses/by/4.0/"}),
    }
    assert run(check_license, PLAN, make_snapshot(files)) == []


def test_license_file_differs_from_the_plan() -> None:
    (finding,) = run(check_license, PLAN, make_snapshot({"LICENSE": MIT}))
    assert summary([finding]) == [("file-differs", Severity.ERROR, "LICENSE", None)]
    assert finding.message == "LICENSE holds MIT, but the plan licenses its datasets under CC-BY-4.0"


def test_plan_licence_as_url_and_several_licences() -> None:
    plan = make_plan(
        [
            dataset(0, "Data", "input_data", license="https://creativecommons.org/licenses/by/4.0/"),
            dataset(1, "Code", "source", license="MIT"),
        ]
    )
    assert run(check_license, plan, make_snapshot({"LICENSE.md": MIT})) == []


def test_missing_license_file() -> None:
    (finding,) = run(check_license, PLAN, make_snapshot({"input_data/a.csv": "x"}))
    assert summary([finding]) == [("missing-file", Severity.WARNING, "LICENSE", None)]


def test_license_file_dgbot_cannot_read() -> None:
    found = run(check_license, PLAN, make_snapshot({"COPYING": "All rights reserved.\n"}))
    assert summary(found) == [("unidentified-file", Severity.WARNING, "COPYING", None)]
    assert found[0].message == "dgbot cannot tell which licence COPYING holds"
    annexed = run(check_license, PLAN, make_snapshot({"LICENSE": Annexed(1000)}))
    assert annexed[0].message.endswith("(it is annexed, so its text is not in git)")


def test_datacite_differs() -> None:
    files = {
        "LICENSE": CC_BY,
        "datacite.yml": DATACITE.format(name="CC0", url="https://creativecommons.org/publicdomain/zero/1.0/"),
    }
    (finding,) = run(check_license, PLAN, make_snapshot(files))
    assert summary([finding]) == [("datacite-differs", Severity.ERROR, "datacite.yml", "$.license")]
    assert finding.location.line == 3
    assert finding.message == "datacite.yml names CC0-1.0, but the plan licenses its datasets under CC-BY-4.0"


def test_ro_crate_differs_through_a_licence_entity() -> None:
    licence = {"@id": "#licence", "@type": "CreativeWork", "identifier": "https://spdx.org/licenses/MIT"}
    files = {"LICENSE": CC_BY, "ro-crate-metadata.json": crate({"@id": "#licence"}, [licence])}
    (finding,) = run(check_license, PLAN, make_snapshot(files))
    assert summary([finding]) == [
        ("ro-crate-differs", Severity.ERROR, "ro-crate-metadata.json", "$['@graph'][1].license")
    ]
    assert (
        finding.message
        == "ro-crate-metadata.json names MIT, but the plan licenses its datasets under CC-BY-4.0"
    )


def test_broken_ro_crate_is_one_finding() -> None:
    found = run(check_license, PLAN, make_snapshot({"LICENSE": CC_BY, "ro-crate-metadata.json": "{oops"}))
    assert summary(found) == [("ro-crate-unreadable", Severity.WARNING, "ro-crate-metadata.json", None)]


def test_unknown_licences_are_notices() -> None:
    plan = make_plan([dataset(0, "Data", "input_data", license="https://example.org/terms")])
    files = {"LICENSE": CC_BY, "ro-crate-metadata.json": crate(["Our own terms"])}
    found = run(check_license, plan, make_snapshot(files))
    assert summary(found) == [
        ("unknown-plan-license", Severity.NOTICE, "dmp.json", "$.datasets[0]"),
        ("unknown-ro-crate-license", Severity.NOTICE, "ro-crate-metadata.json", "$['@graph'][1].license[0]"),
    ]


def test_without_a_plan_licence_the_license_file_is_the_reference() -> None:
    plan = make_plan([dataset(0, "Data", "input_data")])
    files = {"LICENSE": MIT, "datacite.yml": DATACITE.format(name="CC BY 4.0", url="")}
    found = run(check_license, plan, make_snapshot(files))
    assert summary(found) == [
        ("no-plan-license", Severity.NOTICE, "dmp.json", "$.datasets[0]"),
        ("datacite-differs", Severity.ERROR, "datacite.yml", "$.license"),
    ]
    assert found[1].message == "datacite.yml names CC-BY-4.0, but LICENSE holds MIT"


def test_broken_datacite_is_left_to_the_datacite_check() -> None:
    assert run(check_license, PLAN, make_snapshot({"LICENSE": CC_BY, "datacite.yml": "a: [\n"})) == []


def _description(license_value: object) -> str:
    return json.dumps({"Name": "A BIDS dataset", "BIDSVersion": "1.6.0", "License": license_value}, indent=4)


def test_a_bids_licence_in_its_short_form_agrees_with_the_plan() -> None:
    plan = make_plan([dataset(0, "BIDS", ".", license="CC0-1.0")])
    files = {
        "LICENSE": "Creative Commons Legal Code\n\nCC0 1.0 Universal\n",
        "dataset_description.json": _description("CC0"),  # as OpenNeuro's ds005551 writes it
    }
    assert run(check_license, plan, make_snapshot(files)) == []


def test_a_bids_licence_that_differs_is_located_in_dataset_description() -> None:
    files = {"LICENSE": CC_BY, "dataset_description.json": _description("PDDL")}
    (finding,) = run(check_license, PLAN, make_snapshot(files))
    assert summary([finding]) == [("bids-differs", Severity.ERROR, "dataset_description.json", "$.License")]
    assert finding.location.line == 4
    assert finding.message == (
        "dataset_description.json names PDDL-1.0, but the plan licenses its datasets under CC-BY-4.0"
    )


def test_without_a_plan_licence_bids_is_compared_with_license() -> None:
    plan = make_plan([dataset(0, "BIDS", ".")])
    files = {"LICENSE": CC_BY, "dataset_description.json": _description("CC-BY-4.0")}
    assert [f.rule for f in run(check_license, plan, make_snapshot(files))] == ["no-plan-license"]


def test_an_unknown_bids_licence_is_a_notice() -> None:
    files = {"LICENSE": CC_BY, "dataset_description.json": _description("see the website")}
    (finding,) = run(check_license, PLAN, make_snapshot(files))
    assert summary([finding]) == [
        ("unknown-bids-license", Severity.NOTICE, "dataset_description.json", "$.License")
    ]
    assert (
        finding.message
        == 'dgbot does not recognise the licence "see the website" in dataset_description.json'
    )


def test_a_broken_dataset_description_is_a_located_warning() -> None:
    cases = {
        '{\n  "Name": "x",\n  "License": CC0\n}': ("is not valid JSON: Expecting value", 3),
        '["CC0"]': ("is not a JSON object", 1),
        '{"License": ["CC0"]}': ("License is list, not text", 1),
        "\xff": ("is not valid UTF-8", None),
    }
    for text, (says, line) in cases.items():
        raw = text.encode("latin-1") if text == "\xff" else text.encode()
        (finding,) = run(
            check_license, PLAN, make_snapshot({"LICENSE": CC_BY, "dataset_description.json": raw})
        )
        assert summary([finding]) == [("bids-unreadable", Severity.WARNING, "dataset_description.json", None)]
        assert says in finding.message and finding.location.line == line, text


def test_a_dataset_description_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(_description("MIT"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "LICENSE").write_text(CC_BY)
    (repo / "dataset_description.json").symlink_to(secret)  # repository content is hostile
    (finding,) = run(check_license, PLAN, snapshot_worktree(repo))
    assert finding.rule == "bids-unreadable"  # the link's target path is no JSON, and never read
    assert "MIT" not in finding.message
