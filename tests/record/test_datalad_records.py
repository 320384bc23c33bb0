"""`dgbot record` pieces: annex rules, refusals, the rerun command, DataLad's results as records."""

from __future__ import annotations

import io
import json
import shlex
from pathlib import Path

import pytest

from dgbot.cli import main
from dgbot.errors import UnsafePathError
from dgbot.fs import ignore
from dgbot.record.annex_rules import BEGIN, END, data_folders, ensure_annex_rules
from dgbot.record.console import terminal_progress
from dgbot.record.datalad import QUIET, as_result, refusal, rerun_command
from record.conftest import run

PLAN = {
    "schema": "basic",
    "workflowIdentifier": "basic",
    "contentSize": "1GB",
    "datasetStructure": "with_code",
    "title": "A small plan",
    "reproducibility": {"notebooks": ["workflows/missing.ipynb"]},
}


def test_annex_rules_are_appended_once_and_replaced_in_place(tmp_path: Path) -> None:
    (tmp_path / ".gitattributes").write_text("* annex.backend=MD5E")
    assert ensure_annex_rules(tmp_path, ("input_data", "my data")) is True
    first = (tmp_path / ".gitattributes").read_text()
    assert first.startswith("* annex.backend=MD5E\n" + BEGIN + "\n* annex.largefiles=nothing\n")
    assert "my\\ data/** annex.largefiles=anything\n" in first and first.endswith(END + "\n")
    assert ensure_annex_rules(tmp_path, ("input_data", "my data")) is False
    with (tmp_path / ".gitattributes").open("a") as rules:
        rules.write("*.csv annex.largefiles=nothing\n")  # would override ours: the block moves last
    assert ensure_annex_rules(tmp_path) is True
    text = (tmp_path / ".gitattributes").read_text()
    assert text.count(BEGIN) == 1 and text.endswith("output_data/** annex.largefiles=anything\n" + END + "\n")
    assert "*.csv annex.largefiles=nothing\n" + BEGIN in text


def test_for_parameters_annexes_each_parameter_folders_outputs(tmp_path: Path) -> None:
    assert data_folders("with_code") == ("input_data", "output_data")
    assert ensure_annex_rules(tmp_path, data_folders("for_parameters")) is True
    rules = (tmp_path / ".gitattributes").read_text()
    last = "\noutput_data/** annex.largefiles=anything\n*/output_data/** annex.largefiles=anything\n"
    assert rules.endswith(last + END + "\n")


def test_the_report_folder_goes_into_dgbots_block_of_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc")
    assert ignore.ensure_ignored_reports(tmp_path, ".dgbot/report") is True
    text = (tmp_path / ".gitignore").read_text()
    assert text == f"*.pyc\n{ignore.BEGIN}\n/.dgbot/report/\n{END}\n"
    assert ignore.ensure_ignored_reports(tmp_path, ".dgbot/report/") is False  # already there: unchanged
    with (tmp_path / ".gitignore").open("a") as rules:
        rules.write("!/.dgbot/report/\n")  # would take it back: the block moves last again
    assert ignore.ensure_ignored_reports(tmp_path, "out/[my] reports") is True
    text = (tmp_path / ".gitignore").read_text()
    assert text.count(ignore.BEGIN) == 1 and text.endswith("/out/\\[my]\\ reports/\n" + END + "\n")
    assert ignore.ensure_ignored_reports(tmp_path, str(tmp_path.parent / "elsewhere")) is False  # outside


def test_a_linked_gitignore_is_never_read_or_written(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").write_text("theirs\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".gitignore").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePathError, match="symbolic link"):
        ignore.ensure_ignored_reports(tmp_path / "repo", ".dgbot/report")
    assert (tmp_path / "elsewhere").read_text() == "theirs\n"


GOOD = {"status": "success", "repository": {"commit": "a" * 40, "dirty": False}}


@pytest.mark.parametrize(
    ("record", "head", "why"),
    [
        ({**GOOD, "status": "failure"}, "a" * 40, "the last run failed"),
        ({**GOOD, "repository": {"commit": "a" * 40, "dirty": True}}, "a" * 40, "uncommitted changes"),
        (GOOD, "b" * 40, f"the last run was on commit {'a' * 40}, not on HEAD ({'b' * 40})"),
    ],
)
def test_a_run_that_cannot_be_repeated_is_refused(record: dict[str, object], head: str, why: str) -> None:
    refused = refusal(record, head, ".dgbot/report/provenance.json")
    assert refused is not None and why in refused.message and refused.rule == "not-repeatable"


def test_a_repeatable_run_is_not_refused() -> None:
    assert refusal(GOOD, "a" * 40, "p") is None


def test_the_rerun_command_repeats_notebooks_and_parameters_and_is_quoted() -> None:
    record = {
        "parameters": {"alpha": 0.5, "label": "a b; rm -rf /"},
        "notebooks": [{"notebook": "work flows/x.ipynb"}],
    }
    command = rerun_command(record)
    assert shlex.split(command) == [
        "dgbot",
        "run",
        ".",
        "-p",
        "alpha=0.5",
        "-p",
        'label="a b; rm -rf /"',
        "work flows/x.ipynb",
    ]


def test_datalad_messages_with_arguments_become_text() -> None:
    result = as_result(
        {"action": "push", "status": "error", "path": "/x", "message": ("Unknown target %s", "gin")}
    )
    assert (result.action, result.status, result.message, result.failed) == (
        "push",
        "error",
        "Unknown target gin",
        True,
    )
    assert not as_result({"action": "save", "status": "notneeded"}).failed


@pytest.mark.slow
def test_a_real_datalad_failure_arrives_as_a_result_record(tmp_path: Path, git_env: None) -> None:
    from datalad.api import Dataset

    run(tmp_path, "datalad", "-l", "error", "create", "ds")
    results = [as_result(r) for r in Dataset(str(tmp_path / "ds")).push(to="nowhere", **QUIET)]
    failed = [r for r in results if r.failed]
    assert [(r.action, r.status) for r in failed] == [("publish", "error")], results
    assert failed[0].message == "Unknown push target 'nowhere'. No targets configured in dataset."


def repository(tmp_path: Path) -> Path:
    run(tmp_path, "git", "init", "-q", "repo")
    (tmp_path / "repo" / "dmp.json").write_text(json.dumps(PLAN))
    return tmp_path / "repo"


def test_record_without_a_run_is_a_usage_error(
    tmp_path: Path, git_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["record", str(repository(tmp_path))]) == 2
    assert "no run to record" in capsys.readouterr().err


def test_run_of_a_notebook_the_plan_names_but_lacks_fails(
    tmp_path: Path, git_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(repository(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert (
        "missing   dmp.json $.reproducibility.notebooks[0]: "
        "the plan marks the notebook 'workflows/missing.ipynb'" in out
    )


@pytest.mark.parametrize("name", ["../outside.ipynb", "/etc/passwd", "nope.ipynb", "dmp.json"])
def test_run_of_a_named_notebook_outside_or_absent_is_a_usage_error(
    tmp_path: Path, git_env: None, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert main(["run", str(repository(tmp_path)), name]) == 2
    assert f"no notebook {name!r}" in capsys.readouterr().err


def test_bad_parameters_are_a_usage_error(
    tmp_path: Path, git_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(repository(tmp_path)), "-p", "1x=2"]) == 2
    assert "-p takes NAME=VALUE" in capsys.readouterr().err


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_status_line_on_a_terminal_lines_with_v_and_quiet_in_ci() -> None:
    terminal = Tty()
    show = terminal_progress(terminal, verbose=False, environ={})
    assert show is not None
    show("a.ipynb", 0, 3)
    show("b.ipynb", 1, 2)
    assert terminal.getvalue().endswith("\r\x1b[Ka.ipynb 1/3 | b.ipynb 2/2")
    assert terminal_progress(Tty(), verbose=False, environ={"CI": "true"}) is None
    assert terminal_progress(io.StringIO(), verbose=False, environ={}) is None
    log = io.StringIO()
    verbose = terminal_progress(log, verbose=True, environ={"CI": "true"})
    assert verbose is not None
    verbose("a.ipynb", 2, 3)
    assert log.getvalue() == "a.ipynb: cell 3/3\n"


@pytest.mark.slow
def test_the_ci_execute_stage_reports_a_failing_notebook_as_a_finding(tmp_path: Path, git_env: None) -> None:
    from dgbot.ci.execute import execute_stage
    from dgbot.pipeline import validate_path
    from notebooks.nb_helpers import write_notebook

    repo = repository(tmp_path)
    write_notebook(repo / "workflows" / "missing.ipynb", "1 / 0")
    report = repo / "ci-report"
    checked = validate_path(repo)
    assert checked.validation is not None and checked.validation.plan is not None
    executed = execute_stage(repo, report, checked.validation.plan, checked.settings, {})
    result = executed.result
    assert executed.run_id == json.loads((report / "provenance.json").read_text())["run_id"]
    assert result.id == "execute" and result.status.value == "failure"
    (finding,) = result.findings
    assert finding.message == "cell 1 raised ZeroDivisionError: division by zero"
    assert (report / "provenance.json").is_file() and (report / "notebooks/workflows/missing.ipynb").is_file()
