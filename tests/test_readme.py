"""README.md says what dgbot does today: each command's section agrees with its --help, and each
console example, run on the bundled examples in a temporary copy, prints what the README shows."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, copy_example
from dgbot.cli import build_parser
from dgbot.clihelp import COMMANDS, EXIT_CODES

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
DGBOT = Path(sys.executable).with_name("dgbot")
COMMON = {"-h", "--help", "-v", "--verbose", "-q", "--quiet"}
SLOW_COMMANDS = ("ci", "run")  # they execute notebooks on a real kernel


def _sections() -> dict[str, tuple[str, str]]:
    """Command name -> (the heading's usage, the section's text), from `### \\`dgbot NAME ...\\``."""
    found = {}
    for match in re.finditer(r"^### `(dgbot (\w+)[^`]*)`\n(.*?)(?=^##)", README, re.M | re.S):
        found[match.group(2)] = (match.group(1), match.group(3))
    return found


SECTIONS = _sections()


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_has_a_readme_section() -> None:
    assert sorted(SECTIONS) == sorted(_subparsers()) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_readme_heading_is_the_usage_of_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([name, "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    usage, section = SECTIONS[name]
    assert shown.startswith(f"usage: {usage}\n")
    assert " ".join(COMMANDS[name].description.split()[:6]) in " ".join(shown.split())
    assert EXIT_CODES in shown and "\nexample:\n" in shown
    for example in COMMANDS[name].examples:
        assert f"  {example}\n" in shown
        assert example in section, f"the README section of {name} does not show {example!r}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_usage_names_every_option_as_the_parser_takes_it(name: str) -> None:
    usage = SECTIONS[name][0]
    parser = _subparsers()[name]
    known = set()
    for action in parser._actions:
        known.update(action.option_strings)
        if action.option_strings and not set(action.option_strings) & COMMON:
            named = [
                o for o in action.option_strings if re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", usage)
            ]
            assert named, f"{name}: {action.option_strings} missing from {usage!r}"
            after = usage.split(named[0], 1)[1]
            if action.metavar:
                assert after.startswith(f" {action.metavar}"), (name, named[0], action.metavar)
            elif action.choices:
                shown = re.match(r" ([\w.|-]+)", after)
                assert shown and set(shown.group(1).split("|")) == set(action.choices), (name, named[0])
        elif not action.option_strings and action.dest != "help":
            assert str(action.metavar) in usage, (name, action.metavar)
        default = action.default
        if default not in (None, False, [], argparse.SUPPRESS) and action.dest not in (
            "help",
            "verbose",
            "quiet",
        ):
            assert "default" in (action.help or ""), f"{name} {action.dest}: the help names no default"
    for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", usage):
        assert option in known, f"{name}: {usage!r} names {option}, which the command does not take"


def _console_examples() -> list[tuple[str, str]]:
    """(command, output it shows) for every `$ ` line of the README's console blocks."""
    examples = []
    for block in re.findall(r"^```console\n(.*?)^```", README, re.M | re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = part.partition("\n")
            examples.append((command, output))
    return examples


def _marked(command: str) -> object:
    slow = command.split()[1] in SLOW_COMMANDS
    return pytest.param(command, marks=[pytest.mark.slow] if slow else [], id=command)


def _same(output: str) -> str:
    """Output without what changes from run to run: times, and the copy's place."""
    return re.sub(r"\(\d+\.\d+ s\)", "(N s)", output)


@pytest.fixture(scope="module")
def examples_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone's layout: examples/ (without run products) in a git repository of its own."""
    root = tmp_path_factory.mktemp("clone")
    copy_example(REPO_ROOT / "examples", root / "examples")
    (root / ".gitignore").write_text((REPO_ROOT / ".gitignore").read_text())  # .dgbot/ is ignored there
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "examples"]):
        subprocess.run([*git, *command], cwd=root, check=True, capture_output=True)
    return root


@pytest.mark.parametrize("command", [_marked(command) for command, _ in _console_examples()])
def test_each_console_example_prints_what_the_readme_shows(command: str, examples_copy: Path) -> None:
    shown = dict(_console_examples())[command]
    argv = shlex.split(command)
    assert argv[0] == "dgbot"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB", "CI", "DGBOT_"))}
    done = subprocess.run(
        [str(DGBOT), *argv[1:]],
        cwd=examples_copy,
        env=env | {"NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    assert _same(done.stdout) == _same(shown), done.stdout


def test_a_skipped_corpus_test_says_where_the_corpus_comes_from(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DGBOT_REQUIRE_CORPUS", "PYTEST_ADDOPTS")}
    env["DGBOT_CORPUS"] = str(tmp_path / "absent")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "-m", "corpus"]
    done = subprocess.run(
        [*command, str(REPO_ROOT / "tests" / "dmp" / "test_madmp_schemas.py")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reasons = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert reasons and "passed" not in done.stdout.splitlines()[-1]
    for line in reasons:
        assert f"third-party corpus not found at {tmp_path / 'absent'}" in line
        assert "../shared/corpus" in line and "SOURCES.md" in line and "set DGBOT_CORPUS" in line
