"""dgbot's own words in the run's language: English in the code, translations in locales/<language>.po.

Messages are English `str.format` templates with named fields: `_("… {name} …").format(name=...)`,
`ngettext()` where a count chooses the form, and `N_()` for text kept in a table and translated
where it is shown. Babel finds them all (`pybabel extract -k N_ bot/dgbot`), and tests/test_words.py
checks that each has its Japanese with the same fields. Values from the repository or the plan go
into the fields and are never translated.

The language is set once per run from Settings (`use_language`); English is the default, and the
fallback for a message a catalog lacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING

from dgbot.resources import read_catalog

if TYPE_CHECKING:
    import gettext

ENGLISH = "en"
LANGUAGES = (ENGLISH, "ja")

_language: ContextVar[str] = ContextVar("dgbot_language", default=ENGLISH)


def _known(language: str) -> str:
    return language if language in LANGUAGES else ENGLISH


def use_language(language: str) -> None:
    """Speak `language` for the rest of this run (the current context); an unknown one is English."""
    _language.set(_known(language))


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` inside the `with` block only."""
    token = _language.set(_known(language))
    try:
        yield
    finally:
        _language.reset(token)


def current_language() -> str:
    """The language this run speaks."""
    return _language.get()


@cache
def _translations(language: str) -> gettext.GNUTranslations:
    """The catalog of `language`, compiled from its .po by Babel once per process."""
    # Imported here: English, the message ids themselves, needs neither gettext nor Babel.
    import gettext
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.StringIO(read_catalog(language)), locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they are shown in English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the run's language."""
    language = _language.get()
    if language == ENGLISH or not message:  # gettext would answer the empty id with the header
        return message
    return _translations(language).gettext(message)


def N_(message: str) -> str:
    """Marks `message` for translation where it is defined; `_()` translates it where it is shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of the message that fits `count`, in the run's language."""
    language = _language.get()
    if language == ENGLISH:
        return singular if count == 1 else plural
    return _translations(language).ngettext(singular, plural, count)


def join(items: Iterable[str]) -> str:
    """Items of a list: `a, b, c` (in Japanese `a、b、c`)."""
    return _(", ").join(items)


def clauses(items: Iterable[str]) -> str:
    """Parts of one line that say different things: `a; b` (in Japanese `a / b`)."""
    return _("; ").join(items)
