"""dgbot's own words: every message the code marks has its Japanese, with the same fields."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from conftest import REPO_ROOT
from dgbot import words
from dgbot.cli import main
from dgbot.render.status import describe_counts
from dgbot.resources import read_catalog
from dgbot.words import _, ngettext, speaking, use_language

PACKAGE = REPO_ROOT / "bot" / "dgbot"
MARKERS = ("_", "N_", "ngettext")
KEPT = ("Issue: {action}", "reftype", "citation")  # Japanese as it is written: names of things


def _extracted() -> dict[str, tuple[str, ...]]:
    """What Babel finds in the package: message id -> its forms (one, or singular and plural)."""
    found: dict[str, tuple[str, ...]] = {}
    for _name, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS
    ):
        forms = message if isinstance(message, tuple) else (message,)
        found[forms[0]] = forms
    return found


def _catalog() -> dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]]:
    """locales/ja.po: message id -> (its forms, its translations, whether it is fuzzy)."""
    parsed = read_po(read_catalog("ja").splitlines(keepends=True), locale="ja", abort_invalid=True)
    entries = {}
    for message in parsed:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        entries[ids[0]] = (ids, texts, message.fuzzy)
    return entries


def _fields(text: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_message_in_the_code_has_its_japanese_with_the_same_fields() -> None:
    extracted, catalog = _extracted(), _catalog()
    assert len(extracted) > 50  # the extraction found the package's messages
    missing = sorted(set(extracted) - set(catalog))
    assert missing == [], "messages without Japanese (run pybabel, see bot/dgbot/words.py)"
    stale = sorted(set(catalog) - set(extracted))
    assert stale == [], "translations of messages the code no longer has"
    for key, forms in extracted.items():
        ids, texts, fuzzy = catalog[key]
        assert ids == forms, f"{key!r}: the plural form differs from the code's"
        assert not fuzzy and all(texts), f"{key!r} has no finished translation"
        wanted = set().union(*map(_fields, forms))
        for text in texts:
            assert _fields(text) == wanted, f"{key!r}: {text!r} has fields {_fields(text)}, not {wanted}"


def test_the_japanese_is_japanese() -> None:
    """A translation left in English would pass the field check: each has Japanese unless it is markup."""
    for key, (_ids, texts, _fuzzy) in _catalog().items():
        if key in (", ", "; ", " and no "):  # separators
            assert texts[0] != key
            continue
        assert all(_japanese(t) or t in KEPT or not _words(t) for t in texts), key


def _words(text: str) -> bool:
    """Whether a template has words besides its fields (`{count}: {about}` has none)."""
    return any(c.isalpha() for literal, *_rest in string.Formatter().parse(text) for c in literal)


def _japanese(text: str) -> bool:
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def _marked_calls() -> list[tuple[Path, str, ast.Call]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
                calls.append((path, node.func.id, node))
    return calls


def test_every_marked_message_is_a_literal_babel_can_see() -> None:
    """Babel skips `_(f"...")` or `_("a" + b)` silently: such a message would never be translated.

    `_(TABLE[key])`, `_(check.title)` and `_(name)` translate text marked with N_() where it is defined.
    """
    calls = _marked_calls()
    assert len(calls) > 50
    for path, marker, call in calls:
        where = f"{path.relative_to(REPO_ROOT)}:{call.lineno}"
        if path.name == "words.py":
            continue
        if marker == "_" and isinstance(call.args[0], ast.Name | ast.Attribute | ast.Subscript):
            continue
        count = 2 if marker == "ngettext" else 1
        literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args[:count]]
        assert len(literal) == count and all(literal), f"{where}: a message must be a string literal"


def test_english_is_the_default_and_the_fallback() -> None:
    assert _("Passed") == "Passed" and describe_counts({"error": 2, "warning": 1}) == "2 errors, 1 warning"
    with speaking("ja"):
        assert _("Passed") == "合格"
        assert describe_counts({"error": 2, "warning": 1}) == "エラー 2 件、警告 1 件"
        assert ngettext("{count} check", "{count} checks", 1).format(count=1) == "検査 1 件"
        assert _("a message no catalog has") == "a message no catalog has"
        assert _("") == ""  # not the catalog's header
    with speaking("fr"):  # not a language dgbot speaks: English
        assert words.current_language() == "en" and _("Passed") == "Passed"
    assert _("Passed") == "Passed"


def test_a_command_speaks_its_language_only_while_it_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = REPO_ROOT / "examples" / "plans" / "jst.yaml"
    monkeypatch.setenv("DGBOT_LANGUAGE", "ja")
    assert main(["validate", str(plan)]) == 0
    assert capsys.readouterr().out.startswith("合格: ")
    assert words.current_language() == "en"  # the command's language ended with it
    monkeypatch.delenv("DGBOT_LANGUAGE")
    assert main(["validate", str(plan)]) == 0
    assert capsys.readouterr().out.startswith("valid: ")
    use_language("ja")  # a run sets it for the rest of its context (conftest restores English)
    assert words.current_language() == "ja"
