"""license: the plan's licences, LICENSE, datacite.yml and the RO-Crate agree."""

from __future__ import annotations

import json

from check_helpers import Annexed, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks.license import check_license
from dgbot.records import Severity

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
