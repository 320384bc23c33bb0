"""Issue 11, item 1: no entry point writes through a committed symbolic link or outside the repository.

Each test commits links into a real repository (at the report folder, a parent of it, the final
file, or every temporary name dgbot used to write through) aimed at a folder outside that stands
for site-packages, runs dgbot's command, and asserts that folder is exactly as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from dgbot.errors import UnsafePathError
from dgbot.record.annex_rules import ensure_annex_rules
from dgbot.render import REPORT_FILES
from notebooks.nb_helpers import write_notebook

from .hostile_writes import PLANTED, Hostile, commit, dgbot, hostile, leftovers, tree

LINKED = "is a symbolic link (to {}); dgbot never writes through one"
FAST = ("--stages", "validate,drift,check")  # no kernel: the write half is what these tests attack


@pytest.fixture
def attack(tmp_path: Path) -> Hostile:
    return hostile(tmp_path)


def test_ci_refuses_a_report_folder_linked_outside(attack: Hostile) -> None:
    attack.link(".dgbot", "../site-packages")
    called = dgbot("ci", attack.repo, "-q")
    assert called.code == 1
    assert f".dgbot: {LINKED.format('../site-packages')}" in called.err
    assert "Traceback" not in called.err and attack.untouched()


def test_ci_refuses_a_report_dir_whose_parent_is_a_link(attack: Hostile) -> None:
    (attack.repo / ".dgbot.yml").write_text("notebooks:\n  folder: workflows\nreport_dir: reports/ci\n")
    attack.link("reports", "../site-packages")
    called = dgbot("ci", attack.repo, "-q", *FAST)
    assert called.code == 1
    assert f"reports: {LINKED.format('../site-packages')}" in called.err
    assert attack.untouched()


def test_ci_with_a_newline_file_name_and_links_at_every_old_temp_name_writes_no_pth(attack: Hostile) -> None:
    """The reproduction of the issue: raw report lines plus a temp-name link once made a .pth run."""
    payload = "x\nimport sys; sys.stderr.write('pwned')\n.csv"
    (attack.repo / "input_data" / payload).write_text("tone\n")
    for name in REPORT_FILES.values():
        attack.link(f".dgbot/report/.{name}.dgbot-tmp", f"../../../site-packages/dgbot-{name}.pth")
    called = dgbot("ci", attack.repo, "-q", *FAST)
    assert called.code in (0, 1) and "Traceback" not in called.err
    assert attack.untouched()
    report = attack.repo / ".dgbot" / "report"
    written = [report / name for name in REPORT_FILES.values()]
    assert all(path.is_file() and not path.is_symlink() for path in written)
    assert leftovers(attack.repo) == []


def test_ci_refuses_a_report_file_that_is_a_link(attack: Hostile) -> None:
    attack.link(".dgbot/report/junit.xml", f"../../../site-packages/{PLANTED}")
    called = dgbot("ci", attack.repo, "-q", *FAST)
    assert called.code == 1
    assert f".dgbot/report/junit.xml: {LINKED.format(f'../../../site-packages/{PLANTED}')}" in called.err
    assert attack.untouched() and (attack.repo / ".dgbot" / "report" / "junit.xml").is_symlink()


def test_check_output_into_the_repository_refuses_a_linked_folder(
    attack: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    attack.link(".dgbot", "../site-packages")
    monkeypatch.chdir(attack.repo)  # as the CI templates call it: relative paths from the top
    called = dgbot("check", ".", "--format", "junit", "--output", ".dgbot/report/junit.xml")
    assert called.code == 1
    assert f".dgbot: {LINKED.format('../site-packages')}" in called.err
    assert attack.untouched()


def test_check_output_outside_the_repository_is_the_users_choice(attack: Hostile, tmp_path: Path) -> None:
    named = tmp_path / "elsewhere" / "new" / "junit.xml"  # a folder the user named, made as needed
    assert dgbot("check", attack.repo, "--format", "junit", "--output", named).code == 0
    assert "<testsuites" in named.read_text()


def test_madmp_output_refuses_a_linked_folder_and_a_linked_file(attack: Hostile) -> None:
    attack.link("export", "../site-packages")
    attack.link("madmp.json", f"../site-packages/{PLANTED}")
    called = dgbot("madmp", attack.repo, "-o", attack.repo / "export" / "madmp.json")
    assert called.code == 1 and f"export: {LINKED.format('../site-packages')}" in called.err
    called = dgbot("madmp", attack.repo, "-o", attack.repo / "madmp.json")
    assert called.code == 1 and f"madmp.json: {LINKED.format(f'../site-packages/{PLANTED}')}" in called.err
    assert attack.untouched()


def test_generate_writes_its_notebooks_past_links_at_their_old_temp_names(
    attack: Hostile, tmp_path: Path
) -> None:
    scratch = hostile(tmp_path / "scratch").repo
    assert dgbot("generate", "-q", scratch).code == 0
    names = sorted(p.name for p in (scratch / "workflows").iterdir())
    for name in names:
        attack.link(f"workflows/.{name}.dgbot-tmp", f"../../site-packages/{name}.pth")
    assert dgbot("generate", "-q", attack.repo).code == 0
    written = attack.repo / "workflows"
    assert all((written / n).is_file() and not (written / n).is_symlink() for n in names)
    assert attack.untouched() and leftovers(attack.repo) == []


def test_generate_out_refuses_a_linked_parent_in_the_repository(attack: Hostile) -> None:
    attack.link("nb", "../site-packages")
    called = dgbot("generate", attack.repo, "--out", attack.repo / "nb" / "flows")
    assert called.code == 1 and f"nb: {LINKED.format('../site-packages')}" in called.err
    assert attack.untouched()


def test_package_in_place_refuses_a_linked_metadata_file(attack: Hostile) -> None:
    attack.link(".ro-crate-metadata.json.dgbot-tmp", "../site-packages/crate.pth")
    attack.link("ro-crate-metadata.json", f"../site-packages/{PLANTED}")
    called = dgbot("package", attack.repo)
    assert called.code == 1
    assert f"ro-crate-metadata.json: {LINKED.format(f'../site-packages/{PLANTED}')}" in called.err
    assert attack.untouched()


def test_package_in_place_past_a_link_at_the_old_temp_name(attack: Hostile) -> None:
    attack.link(".ro-crate-metadata.json.dgbot-tmp", "../site-packages/crate.pth")
    assert dgbot("package", "-q", attack.repo).code == 0
    assert (attack.repo / "ro-crate-metadata.json").is_file() and attack.untouched()


def test_package_output_refuses_a_linked_parent_and_a_linked_crate_folder(attack: Hostile) -> None:
    (attack.site / "ro-crate-metadata.json").write_text("{}\n")  # looks like a crate dgbot would replace
    attack = Hostile(attack.repo, attack.site, tree(attack.site))
    attack.link("crates", "../site-packages")
    attack.link("crate", "../site-packages")
    called = dgbot("package", attack.repo, "-o", attack.repo / "crates" / "new")
    assert called.code == 1 and f"crates: {LINKED.format('../site-packages')}" in called.err
    called = dgbot("package", attack.repo, "-o", attack.repo / "crate")
    assert called.code == 1 and f"crate: {LINKED.format('../site-packages')}" in called.err
    assert attack.untouched() and leftovers(attack.repo) == []


def _marking_notebook(attack: Hostile) -> Path:
    """The plan's CI notebook, made to leave a mark when it runs."""
    write_notebook(attack.repo / "source" / "main.ipynb", "open('../ran', 'w').write('ran')")
    commit(attack.repo)
    return attack.repo / "ran"


def test_run_refuses_a_linked_report_folder_before_any_notebook_runs(attack: Hostile) -> None:
    ran = _marking_notebook(attack)
    attack.link(".dgbot", "../site-packages")
    called = dgbot("run", attack.repo)
    assert called.code == 1 and f".dgbot: {LINKED.format('../site-packages')}" in called.err
    assert not ran.exists() and attack.untouched()


@pytest.mark.slow
def test_run_refuses_a_linked_folder_of_executed_notebooks(attack: Hostile) -> None:
    _marking_notebook(attack)
    attack.link(".dgbot/report/notebooks", "../../../site-packages")
    called = dgbot("run", attack.repo)
    assert called.code == 1
    assert f".dgbot/report/notebooks: {LINKED.format('../../../site-packages')}" in called.err
    assert attack.untouched()


@pytest.mark.slow
def test_run_writes_past_links_at_the_old_temp_names(attack: Hostile) -> None:
    ran = _marking_notebook(attack)
    report = ".dgbot/report"
    attack.link(f"{report}/.provenance.json.dgbot-tmp", "../../../site-packages/provenance.pth")
    attack.link(f"{report}/notebooks/source/.main.dgbot-tmp.ipynb", "../../../../../site-packages/nb.pth")
    attack.link(f"{report}/notebooks/source/.main.ipynb.dgbot-write", "../../../../../site-packages/nb2.pth")
    called = dgbot("run", attack.repo)
    assert called.code == 0, called.out + called.err
    assert ran.read_text() == "ran" and attack.untouched()
    assert (attack.repo / report / "provenance.json").is_file()
    assert (attack.repo / report / "notebooks" / "source" / "main.ipynb").is_file()
    assert leftovers(attack.repo) == []


def test_record_annex_rules_refuse_a_linked_gitattributes(attack: Hostile) -> None:
    attack.link(".gitattributes", f"../site-packages/{PLANTED}")
    message = ".gitattributes is a symbolic link; dgbot never reads through one"  # refused at the read
    with pytest.raises(UnsafePathError, match=re.escape(message)):
        ensure_annex_rules(attack.repo)
    assert attack.untouched()


def test_record_annex_rules_past_a_link_at_the_old_temp_name(attack: Hostile) -> None:
    attack.link(".gitattributes.dgbot-tmp", "../site-packages/rules.pth")
    assert ensure_annex_rules(attack.repo)
    assert "annex.largefiles" in (attack.repo / ".gitattributes").read_text() and attack.untouched()


def test_no_write_code_outside_dgbot_fs() -> None:
    """Every file dgbot writes goes through dgbot.fs.write: no other module renames, makes or writes."""
    from conftest import REPO_ROOT

    words = re.compile(
        r"os\.replace\(|os\.rename\(|\.write_text\(|\.write_bytes\(|\.mkdir\(|os\.makedirs\(|\.unlink\("
        r"|shutil\.(copy|move|rmtree)|tempfile\.mkdtemp\(|nbformat\.write\("
    )
    package = REPO_ROOT / "bot" / "dgbot"
    # The kernel's cgroup lives in the kernel's cgroup file system (/sys/fs/cgroup), never in a repository.
    kernel_only = {Path("notebooks/contain.py")}
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        if path.parent.name != "fs" and path.relative_to(package) not in kernel_only
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if words.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "setting", ["report_dir: .git/hooks", "notebooks:\n  folder: sub/.GIT", "run:\n  inputs: [.git]"]
)
def test_no_setting_points_dgbot_into_git_s_own_folder(tmp_path: Path, setting: str) -> None:
    """.git holds hooks and configuration git runs: no folder from .dgbot.yml may lead into it."""
    from dgbot.cli import main

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "dmp.json").write_text((REPO_ROOT / "examples" / "repo" / "dmp.json").read_text())
    (repo / ".dgbot.yml").write_text(setting + "\n")
    assert main(["validate", str(repo)]) == 1
