"""Publishing a verdict onto the in-memory forge: statuses per context, the issue's life, the comment."""

from __future__ import annotations

from dataclasses import replace

from dgbot.forges.base import Limits
from dgbot.forges.publish import Target, issue_marker, publish, status_verdicts, wanted_statuses
from dgbot.records import CheckResult, Finding, Severity, Verdict
from fakeforge import FakeForge
from forges import verdicts

TARGET = Target(verdicts.SHA, "main", report_url="https://ci.example.org/jobs/7")


def _latest(forge: FakeForge) -> dict[str, str]:
    return {s.context: s.state for s in forge.statuses[verdicts.SHA]}  # oldest first: the latest wins


def test_contexts_dmp_and_checks_and_reproducibility_only_when_it_ran() -> None:
    assert [c for c, _ in status_verdicts(verdicts.failing())] == ["dgbot/dmp", "dgbot/checks"]
    ran = [c for c, _ in status_verdicts(verdicts.failing(repro=True))]
    assert ran == ["dgbot/dmp", "dgbot/checks", "dgbot/reproducibility"]
    assert "dgbot/reproducibility" not in [c for c, _ in status_verdicts(verdicts.passing())]  # skipped there


def test_each_context_reports_its_own_checks() -> None:
    states = {s.context: s for s in wanted_statuses(verdicts.failing(repro=True), "https://ci.example.org/1")}
    assert states["dgbot/dmp"].state == "failure" and "dmp failed" in states["dgbot/dmp"].description
    assert states["dgbot/checks"].state == "failure" and "volume failed" in states["dgbot/checks"].description
    assert states["dgbot/reproducibility"].state == "success"
    assert {s.target_url for s in states.values()} == {"https://ci.example.org/1"}


def test_a_300_character_description_is_cut_to_140() -> None:
    long_id = "a" + "b" * 299
    check = CheckResult(long_id, "Long", (Finding(long_id, "r", Severity.ERROR, "broken"),))
    verdict = replace(verdicts.failing(), checks=(check,))
    status = {s.context: s for s in wanted_statuses(verdict, None)}["dgbot/checks"]
    assert len(status.description) == 140 and status.description.endswith("…")


def test_fail_fail_pass_opens_keeps_then_closes_one_issue() -> None:
    forge = FakeForge()
    first = publish(forge, verdicts.failing(), TARGET)
    assert (first.issue_action, len(first.statuses)) == ("opened", 2)
    second = publish(forge, verdicts.failing(), TARGET)
    assert (second.issue_action, second.statuses) == ("unchanged", ())
    assert [call for call in forge.calls if call[0] != "set_status"] == [("create_issue", 1)]
    third = publish(forge, verdicts.passing(), TARGET)
    assert third.issue_action == "closed"
    assert _latest(forge) == {"dgbot/dmp": "success", "dgbot/checks": "success"}
    (issue,) = forge.issues
    assert not issue.open and issue.labels == {"dgbot", "dgbot:passed"}
    assert issue_marker("main") in issue.body and "main" in issue.title


def test_failing_again_reopens_and_a_pass_with_no_issue_opens_none() -> None:
    forge = FakeForge()
    assert publish(forge, verdicts.passing(), TARGET).issue_action == "none"
    assert forge.issues == []
    publish(forge, verdicts.failing(), TARGET)
    publish(forge, verdicts.passing(), TARGET)
    assert publish(forge, verdicts.failing(), TARGET).issue_action == "reopened"
    assert forge.issues[0].open and "dgbot:failed" in forge.issues[0].labels


def test_a_changed_failure_updates_the_body_and_keeps_the_researchers_labels() -> None:
    forge = FakeForge()
    publish(forge, verdicts.failing(), TARGET)
    forge.issues[0] = replace(forge.issues[0], labels=forge.issues[0].labels | {"needs-steward"})
    other = replace(verdicts.failing(), checks=verdicts.failing().checks[:1])
    assert publish(forge, other, TARGET).issue_action == "updated"
    assert forge.issues[0].labels == {"dgbot", "dgbot:failed", "needs-steward"}


def test_each_branch_has_its_own_issue() -> None:
    forge = FakeForge()
    publish(forge, verdicts.failing(), TARGET)
    publish(forge, verdicts.failing(), replace(TARGET, branch="feature/x-->y"))
    assert len(forge.issues) == 2
    assert "-->y" not in forge.issues[1].body.split("\n")[0]  # the marker cannot be closed early


def test_a_duplicate_issue_is_closed_and_unmarked() -> None:
    forge = FakeForge()
    publish(forge, verdicts.failing(), TARGET)
    forge.issues.append(replace(forge.issues[0], number=2))  # a create whose answer was lost
    publish(forge, verdicts.failing(), TARGET)
    assert [i.open for i in forge.issues] == [True, False]
    assert issue_marker("main") not in forge.issues[1].body and "#1" in forge.issues[1].body


def test_one_pull_request_comment_upserted() -> None:
    forge = FakeForge()
    target = replace(TARGET, pull_request=5)
    forge.comments[5] = [forge.create_comment(5, "a reviewer's comment")]
    publish(forge, verdicts.failing(), target)
    publish(forge, verdicts.failing(), target)
    publish(forge, verdicts.passing(), target)
    bodies = [c.body for c in forge.comments[5]]
    assert len(bodies) == 2 and bodies[0] == "a reviewer's comment"
    assert "Passed" in bodies[1]
    assert [c[0] for c in forge.calls].count("edit_comment") == 1


def test_without_statuses_the_labels_carry_the_state() -> None:
    forge = FakeForge(limits=Limits(body_chars=65_535, statuses=False))
    outcome = publish(forge, verdicts.failing(), TARGET)
    assert outcome.statuses == () and forge.statuses == {}
    assert "dgbot:failed" in forge.issues[0].labels


def test_a_report_longer_than_the_forge_takes_points_to_the_full_report() -> None:
    forge = FakeForge(limits=Limits(body_chars=20_000))
    publish(forge, verdicts.many_findings(2_000), TARGET)
    body = forge.issues[0].body
    assert len(body) <= 20_000
    assert "https://ci.example.org/jobs/7" in body and "not shown" in body


def test_an_error_verdict_is_never_a_pass() -> None:
    crashed = CheckResult("volume", "Data volume", crashed="OSError: disk")
    verdict = Verdict((crashed,), "0.1.0", commit=verdicts.SHA)
    forge = FakeForge()
    publish(forge, verdict, TARGET)
    assert _latest(forge)["dgbot/checks"] == "error"
    assert forge.issues[0].open and "dgbot:error" in forge.issues[0].labels
