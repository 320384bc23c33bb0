"""Plans written for the NII prototype's schemas validate unchanged (reference §4).

The plans in tests/dmp/prototype/ hold exactly the fields the reference lists per profile,
with Japanese values and nothing dgbot adds (no accessRights, no plannedSize, no licence).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dgbot.cli import main
from dgbot.dmp import validate_bytes, validate_file
from dgbot.dmp.plan import Access
from dgbot.records import Severity

HERE = Path(__file__).parent / "prototype"
PLANS = sorted(HERE.glob("*.json"))
GB = 1024**3

# The field lists of the reference (nii-prototype.md §4), to show the plans hold nothing else.
WORKFLOW = {"schema", "workflowIdentifier", "contentSize", "datasetStructure", "useDocker"}
PERSON = {"belongTo", "post", "name"}
STAFF = {
    *PERSON,
    "e-Rad",
    "canPublished",
    "postType",
    "financialResource",
    "employmentStatus",
    "roles",
    "remarks",
}
PROJECT = {"fiscalYear", "title", "problemName", "representative"}
FIELDS: dict[str, dict[str, set[str]]] = {
    "basic": {"$": WORKFLOW},
    "amed": {
        "$": WORKFLOW | {"createDate", "project", "required", "researches", "forPublication", "researchers"},
        "project": PROJECT,
        "required": {"hasRegistNecessity", "noRegistReason"},
        "researches": {"description", "data"},
        "researches.data[]": {
            "title",
            "releasePolicy",
            "concealReason",
            "repositoryType",
            "repositoryName",
            "dataAmount",
        },
        "forPublication": {"hasOfferPolicy", "policyName"},
        "researchers.staff[]": STAFF,
    },
    "jst": {
        "$": WORKFLOW
        | {"createDate", "amedNumber", "project", "researchers", "forPublication", "researches"},
        "forPublication": {"hasUsed", "unwriteReason"},
        "researches[]": {
            *(
                "title",
                "type",
                "description",
                "releasePolicy",
                "concealReason",
                "hasOfferPolicy",
                "policyName",
            ),
            *("repositoryType", "repositoryName", "dataAmount", "dataSchema", "processingPolicy"),
            *("isRegistered", "registeredInfo"),
        },
        "researchers.staff[]": STAFF,
    },
    "meti": {
        "$": WORKFLOW
        | {"dmpType", "agreementTitle", "agreementDate", "submitDate", "corporateName", "researches"},
        "researches[]": {
            *("index", "title", "description", "manager", "dataType", "releaseLevel", "concealReason"),
            *("concealPeriod", "acquirer", "acquireMethod", "remarks"),
        },
    },
    "moonshot": {
        "$": WORKFLOW
        | {
            *(
                "funder",
                "eRadProjectID",
                "projectName",
                "dataNo",
                "dataTitle",
                "dataPublished",
                "dataDescription",
            ),
            *("researchField", "dataType", "dataPolicy", "fileSize", "accessRights", "availableDate"),
            *("repositoryInformation", "repositoryURL", "creatorName", "hostingInstitution", "dataManager"),
            *("eRadManagerIdentifer", "eRadCreatorIdentifer", "dataManagerContact"),
        },
        "dataManagerContact": {"affiliation", "TEL", "eMail"},
    },
}


def _at(doc: Any, where: str) -> list[Any]:
    """The mappings at a dotted path; "x[]" means every item of the list x."""
    nodes = [doc]
    for part in where.split(".") if where != "$" else []:
        name, many = part.removesuffix("[]"), part.endswith("[]")
        nodes = [n[name] for n in nodes]
        if many:
            nodes = [item for n in nodes for item in n]
    return nodes


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_the_plan_holds_only_the_prototypes_fields(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == path.stem
    for where, fields in FIELDS[path.stem].items():
        for node in _at(doc, where):
            assert set(node) == fields, (where, set(node) ^ fields)


def test_there_is_one_plan_per_profile() -> None:
    assert [p.stem for p in PLANS] == sorted(FIELDS)


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_dgbot_validate_accepts_the_plan_unchanged(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith(f"valid: {path}")
    assert "error:" not in out and "warning:" not in out


def test_amed_access_from_release_policy_and_amounts_in_words() -> None:
    validation = validate_file(HERE / "amed.json", "amed.json")
    assert validation.plan is not None
    genome, table = validation.plan.datasets
    assert (genome.access, genome.planned_size, genome.planned_size_at) == (
        Access.CLOSED,
        50 * GB,
        "$.researches.data[0].dataAmount",
    )
    assert (table.access, table.planned_size) == (Access.OPEN, 1 * GB)  # 1GB程度
    notices = [(f.rule, f.location.json_path, f.message) for f in validation.findings]
    assert notices == [
        (
            "access-from-form",
            "$.researches.data[0].releasePolicy",
            'dgbot takes the access level "closed" from releasePolicy "非公開"',
        ),
        (
            "access-from-form",
            "$.researches.data[1].releasePolicy",
            'dgbot takes the access level "open" from releasePolicy "公開"',
        ),
    ]
    assert all(f.severity is Severity.NOTICE for f in validation.findings)


def test_an_amount_dgbot_cannot_read_is_a_notice_at_its_line() -> None:
    validation = validate_file(HERE / "jst.json", "jst.json")
    assert validation.valid and validation.plan is not None
    assert [d.planned_size for d in validation.plan.datasets] == [50 * GB, None]  # "50 GB", "数百GB"
    (amount,) = [f for f in validation.findings if f.rule == "advisory"]
    assert (amount.severity, str(amount.location)) == (
        Severity.NOTICE,
        "jst.json:64:21 $.researches[1].dataAmount",
    )
    assert amount.message.startswith('dgbot cannot read the text "数百GB" as an amount')


def test_meti_access_from_release_level() -> None:
    validation = validate_file(HERE / "meti.json", "meti.json")
    assert validation.plan is not None
    assert [d.access for d in validation.plan.datasets] == [Access.OPEN, Access.SHARED]
    assert [f.location.json_path for f in validation.findings] == [
        "$.researches[0].releaseLevel",
        "$.researches[1].releaseLevel",
    ]


def test_moonshot_with_the_prototypes_spelling_of_e_rad_identifiers() -> None:
    validation = validate_file(HERE / "moonshot.json", "moonshot.json")
    assert validation.valid and validation.plan is not None
    (data,) = validation.plan.datasets
    assert (data.title, data.access, data.planned_size) == (
        "ロボットの把持動作データ",
        Access.SHARED,
        100 * GB,
    )


def _amed(**entry: Any) -> bytes:
    doc = json.loads((HERE / "amed.json").read_text(encoding="utf-8"))
    doc["researches"]["data"][0].update(entry)
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def test_a_free_text_amount_over_the_limit_is_an_error_at_the_amount() -> None:
    raw = _amed(dataAmount="約200GB")
    validation = validate_bytes(raw, "dmp.json")
    (over,) = [f for f in validation.findings if f.severity is Severity.ERROR]
    assert (over.rule, over.location.json_path) == ("dataset-over-limit", "$.researches.data[0].dataAmount")
    line = next(i for i, text in enumerate(raw.decode().splitlines(), 1) if "約200GB" in text)
    assert over.location.line == line
    assert "plans 200 GB, more than the plan's limit of 100GB" in over.message


@pytest.mark.parametrize(
    ("policy", "access"),
    [
        ("制限公開", Access.SHARED),
        ("非共有", Access.CLOSED),
        ("公開（論文発表後）", Access.OPEN),
        ("公開期間猶予", Access.EMBARGOED),
        ("非公開。", Access.CLOSED),
    ],
)
def test_release_policy_words(policy: str, access: Access) -> None:
    validation = validate_bytes(_amed(releasePolicy=policy), "dmp.json")
    assert validation.plan is not None
    assert validation.plan.datasets[0].access is access


def test_a_release_policy_in_a_sentence_is_not_guessed() -> None:
    """ "公開する" inside a sentence may mean an embargo: dgbot says it cannot tell."""
    validation = validate_bytes(_amed(releasePolicy="論文受理から1年後に公開する。"), "dmp.json")
    assert validation.valid and validation.plan is not None
    assert validation.plan.datasets[0].access is None
    unknown = [f for f in validation.findings if f.rule == "access-unknown"]
    assert [(f.severity, f.location.json_path) for f in unknown] == [
        (Severity.NOTICE, "$.researches.data[0].releasePolicy")
    ]


def test_written_access_rights_win_and_a_contradiction_is_a_warning() -> None:
    validation = validate_bytes(
        _amed(accessRights="Unrestricted Open Sharing", availabilityStarts="2025-04-01"), "dmp.json"
    )
    assert validation.valid and validation.plan is not None
    assert validation.plan.datasets[0].access is Access.OPEN  # releasePolicy says 非公開
    (warning,) = [f for f in validation.findings if f.severity is Severity.WARNING]
    assert (warning.rule, warning.location.json_path) == (
        "access-contradicted",
        "$.researches.data[0].accessRights",
    )
    assert warning.message == 'accessRights says open, but releasePolicy "非公開" says closed'


def test_derived_open_access_feeds_the_personal_data_rule() -> None:
    validation = validate_bytes(
        _amed(releasePolicy="公開", personalData="yes", gotInformedConsent="yes"), "dmp.json"
    )
    assert [f.rule for f in validation.findings if f.severity is Severity.WARNING] == ["open-personal-data"]


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("e-Rad", "1234", "advisory"),
        ("fiscalYear", 2023.5, "advisory"),
    ],
)
def test_what_dgbot_adds_to_the_forms_is_a_notice(field: str, value: Any, rule: str) -> None:
    doc = json.loads((HERE / "amed.json").read_text(encoding="utf-8"))
    if field == "e-Rad":
        doc["researchers"]["staff"][0]["e-Rad"] = value
    else:
        doc["project"]["fiscalYear"] = value
    validation = validate_bytes(json.dumps(doc).encode(), "dmp.json")
    assert validation.valid
    assert rule in [f.rule for f in validation.findings if f.severity is Severity.NOTICE]


def test_the_prototypes_types_still_hold() -> None:
    """Accepted as it was, not more: a text where the prototype wants true or false is an error."""
    doc = json.loads((HERE / "amed.json").read_text(encoding="utf-8"))
    doc["researchers"]["staff"][0]["canPublished"] = "はい"
    validation = validate_bytes(json.dumps(doc).encode(), "dmp.json")
    assert not validation.valid
    assert [f.location.json_path for f in validation.findings if f.severity is Severity.ERROR] == [
        "$.researchers.staff[0].canPublished"
    ]
