"""The licence check suggests the SPDX id a plan's licence most likely means."""

from __future__ import annotations

import pytest
from check_helpers import dataset, make_plan, make_snapshot, run

from dgbot import spdx
from dgbot.checks.license import check_license
from dgbot.records import Severity

CC_BY = "Creative Commons Attribution 4.0 International Public License\n\nShare and adapt with credit.\n"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("CC BY 4.0", "CC-BY-4.0"),
        ("Apache 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("cc-by-4.0", "CC-BY-4.0"),
        ("CC-BY-4", "CC-BY-4.0"),
        ("Apache2", "Apache-2.0"),
        ("CC-BY-4.0", None),  # already the id
        ("All rights reserved", None),
    ],
)
def test_suggest(written: str, meant: str | None) -> None:
    assert spdx.suggest(written) == meant


def test_an_unknown_id_close_to_a_known_one_is_a_notice_with_the_suggestion() -> None:
    plan = make_plan([dataset(0, "Data", "input_data", license="Apache-2")])
    found = run(check_license, plan, make_snapshot({"LICENSE": CC_BY}))
    notice = [f for f in found if f.rule == "unknown-plan-license"]
    assert [(f.severity, f.hint) for f in notice] == [(Severity.NOTICE, 'did you mean "Apache-2.0"?')]
    assert notice[0].location.json_path == "$.datasets[0]"


def test_an_unrecognised_licence_gets_the_closest_id_as_its_hint() -> None:
    plan = make_plan([dataset(0, "Data", "input_data", license="https://example.org/apache")])
    (finding,) = run(check_license, plan, make_snapshot({"LICENSE": CC_BY}))
    assert (finding.rule, finding.severity) == ("unknown-plan-license", Severity.NOTICE)
    assert (
        finding.hint
        == "write an SPDX id such as CC-BY-4.0, or the licence's creativecommons.org/spdx.org URL"
    )
    plan = make_plan([dataset(0, "Data", "input_data", license="Apache")])
    (finding,) = run(check_license, plan, make_snapshot({"LICENSE": CC_BY}))
    assert finding.hint == 'did you mean "Apache-2.0"?'


def test_a_known_id_or_a_real_but_unlisted_one_gets_no_suggestion() -> None:
    for written in ("CC-BY-4.0", "EUPL-1.2"):
        plan = make_plan([dataset(0, "Data", "input_data", license=written)])
        found = run(check_license, plan, make_snapshot({}))
        assert [f.rule for f in found if f.rule == "unknown-plan-license"] == [], written
