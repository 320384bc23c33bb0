"""access: open personal data, restricted data in public repositories, secrets and personal files."""

from __future__ import annotations

from datetime import date

import pytest
from check_helpers import Annexed, dataset, make_plan, make_snapshot, run, summary

from dgbot.checks.access import check_access, restricted
from dgbot.config import Settings
from dgbot.dmp.plan import Access, Tristate
from dgbot.records import Severity

PERSONAL = dataset(0, "Participants", "input_data", access=Access.OPEN, personal_data=Tristate.YES)


def test_open_personal_data_present_is_an_error() -> None:
    (finding,) = run(check_access, make_plan([PERSONAL]), make_snapshot({"input_data/a.csv": "x"}))
    assert summary([finding]) == [("open-personal-data", Severity.ERROR, "dmp.json", "$.datasets[0]")]
    assert finding.message == (
        'dataset "Participants" holds personal data but the plan makes it open access, '
        "and its files are in the repository (input_data/)"
    )


def test_open_personal_data_planned_only_is_a_warning() -> None:
    sensitive = dataset(0, "Health", None, access=Access.OPEN, sensitive_data=Tristate.YES)
    (finding,) = run(check_access, make_plan([sensitive]), make_snapshot({}))
    assert (finding.rule, finding.severity) == ("open-personal-data", Severity.WARNING)
    assert finding.message == 'dataset "Health" holds sensitive data but the plan makes it open access'


def test_closed_personal_data_is_fine() -> None:
    closed = dataset(0, "Participants", "input_data", access=Access.CLOSED, personal_data=Tristate.YES)
    assert run(check_access, make_plan([closed]), make_snapshot({"input_data/a.csv": "x"})) == []


def test_restricted_data_in_a_public_repository() -> None:
    plan = make_plan(
        [
            dataset(0, "Raw", "input_data", access=Access.CLOSED),
            dataset(1, "Shared", "output_data", access=Access.SHARED),
            dataset(2, "Open", "figures", access=Access.OPEN),
        ]
    )
    files = {"input_data/a.csv": "x", "input_data/b.bin": Annexed(10), "output_data/c.bin": Annexed(10)}
    files["figures/f.png"] = "x"
    found = run(check_access, plan, make_snapshot(files), Settings(public=True))
    assert summary(found) == [
        ("restricted-data-public", Severity.ERROR, "input_data", None),
        ("restricted-data-public", Severity.WARNING, "output_data", None),
    ]
    assert found[0].message == (
        'dataset "Raw" is planned for closed access, but this repository is public and input_data/ holds '
        "its data (1 of its 2 files are kept in git)"
    )
    assert found[1].message.endswith("output_data/ holds its data (its files are annexed)")


@pytest.mark.parametrize("public", [None, False])
def test_visibility_unknown_or_private(public: bool | None) -> None:
    plan = make_plan([dataset(0, "Raw", "input_data", access=Access.CLOSED)])
    assert run(check_access, plan, make_snapshot({"input_data/a.csv": "x"}), Settings(public=public)) == []


def test_embargoes() -> None:
    today = date(2026, 11, 1)
    embargoed = dataset(0, "Results", "output_data", access=Access.EMBARGOED, available_from="2027-06-01")
    assert restricted(embargoed, today) == "under embargo until 2027-06-01"
    assert restricted(embargoed, date(2027, 6, 1)) is None
    undated = dataset(0, "Results", "output_data", access=Access.EMBARGOED)
    assert restricted(undated, today) == "under embargo with no end date"
    later = dataset(0, "Results", "output_data", access=Access.OPEN, available_from="2027-06-01T00:00:00Z")
    assert restricted(later, today) == "under embargo until 2027-06-01"
    assert restricted(dataset(0, "Open", "x", access=Access.OPEN), today) is None


def test_secret_files() -> None:
    files = {
        ".env": "TOKEN=x",
        ".env.example": "TOKEN=",
        "keys/id_rsa": "x",
        "keys/id_rsa.pub": "x",
        "certs/server.pem": "x",
        "config/credentials.json": "{}",
        "source/keyboard.py": "x",
    }
    found = run(check_access, make_plan(), make_snapshot(files))
    assert summary(found) == [
        ("secret-file", Severity.ERROR, ".env", None),
        ("secret-file", Severity.ERROR, "certs/server.pem", None),
        ("secret-file", Severity.ERROR, "config/credentials.json", None),
        ("secret-file", Severity.ERROR, "keys/id_rsa", None),
    ]
    assert found[3].message == "keys/id_rsa looks like an SSH private key"


def test_personal_files_are_errors_only_in_public_repositories() -> None:
    files = {"consent/sub-01_consent_form.pdf": Annexed(100)}
    (finding,) = run(check_access, make_plan(), make_snapshot(files))
    assert summary([finding]) == [
        ("personal-data-file", Severity.WARNING, "consent/sub-01_consent_form.pdf", None)
    ]
    assert finding.message == (
        "consent/sub-01_consent_form.pdf looks like a signed consent form, which carries names and signatures"
    )
    (public,) = run(check_access, make_plan(), make_snapshot(files), Settings(public=True))
    assert public.severity is Severity.ERROR


def test_participant_tables_with_identifying_columns() -> None:
    files = {
        "participants.tsv": "participant_id\tName\tE-mail\tage\nsub-01\tHanako\th@example.org\t34\n",
        "input_data/subjects.csv": "id,age,sex\ns1,30,F\n",
        "input_data/participants_old.csv": Annexed(100),  # content not in git: cannot tell
    }
    (finding,) = run(check_access, make_plan(), make_snapshot(files))
    assert summary([finding]) == [("identifying-columns", Severity.WARNING, "participants.tsv", None)]
    assert finding.message == "participants.tsv has columns that identify people (name, e_mail)"


@pytest.mark.parametrize(
    ("environ", "public"),
    [
        ({"DGBOT_REPOSITORY_VISIBILITY": "public"}, True),
        ({"DGBOT_REPOSITORY_VISIBILITY": "PRIVATE"}, False),
        ({"CI_PROJECT_VISIBILITY": "internal"}, False),
        ({"CI_PROJECT_VISIBILITY": "public"}, True),
        ({"DGBOT_REPOSITORY_VISIBILITY": "private", "CI_PROJECT_VISIBILITY": "public"}, False),
        ({"DGBOT_REPOSITORY_VISIBILITY": "sometimes"}, None),
        ({}, None),
    ],
)
def test_visibility_comes_from_the_runner(environ: dict[str, str], public: bool | None) -> None:
    assert Settings.from_mapping({}, environ).public is public


def test_patterns_from_the_settings_add_to_the_defaults() -> None:
    settings = Settings.from_mapping(
        {
            "access": {
                "secret_files": ["*.token"],
                "personal_files": ["*_scan.pdf"],
                "harmless_files": ["demo.key"],
            }
        }
    )
    files = {"a.token": "x", "input_data/id_scan.pdf": "x", "demo.key": "x", "real.key": "x", "b.txt": "x"}
    found = run(check_access, make_plan([]), make_snapshot(files), settings)
    assert summary(found) == [
        ("secret-file", Severity.ERROR, "a.token", None),
        ("personal-data-file", Severity.WARNING, "input_data/id_scan.pdf", None),
        ("secret-file", Severity.ERROR, "real.key", None),
    ]
