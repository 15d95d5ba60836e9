"""The fixed wording auditpack writes, in the language of the programme it writes for.

Every phrase auditpack itself prints (a form's instructions, a column heading, "Page 1 of 2") is
written in English in the templates and the code, marked for translation: ``_("Statement")`` in
Python (``from .i18n import gettext as _``) and in templates, ``{% trans %}`` blocks for longer
text. The translations are gettext catalogues (``locale/LANG/LC_MESSAGES/auditpack.po``), managed
with Babel and compiled when first used. ``python -m auditpack.i18n`` gathers the marked phrases
into ``locale/auditpack.pot`` and brings each catalogue up to date with it; ``tests/test_i18n.py``
fails while a catalogue misses one.

The language is that of the document being made, set with :func:`speaking` around its rendering:
one Jinja environment serves programmes in several languages, and macros imported without the
render's context still find it. A language with no catalogue is written in English.

Plurals go through ``ngettext`` (Welsh has six forms; "1 responses" must not happen in any language)
and numbers through :func:`number`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2

from . import bilingual

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "auditpack"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("auditpack_language", default="en_GB")
"""The language being written, as Babel names a locale ('cy', 'en_GB')."""
_also: contextvars.ContextVar[str | None] = contextvars.ContextVar("auditpack_also", default=None)
"""The second language of a bilingual document being written, else None (see :mod:`.bilingual`)."""


def languages() -> tuple[str, ...]:
    """The languages auditpack has a catalogue for."""
    return tuple(sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


def catalogue_file(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}")


def is_language_tag(value: str) -> bool:
    """Letters, digits and hyphens in the shape of a BCP 47 tag (cy, en-GB, pt-BR): a tag names folders
    (``site/cy/``) and files (``translations/cy.po``), so it must never be a path."""
    return bool(_TAG.fullmatch(value))


def tag_key(tag: str) -> str:
    """A tag as compared with another: 'en_GB', 'EN-gb' and 'en-GB' name one language."""
    return tag.replace("_", "-").lower()


def base_language(tag: str) -> str:
    """'cy-GB' -> 'cy', 'en_GB' -> 'en': catalogues are by language, not by region."""
    return tag.replace("_", "-").split("-")[0].lower()


@contextlib.contextmanager
def speaking(tag: str, also: str | None = None) -> Iterator[None]:
    """Phrases made inside are in the language of ``tag`` (a programme's ``language``), and with
    ``also``, in that language too: each one a two-language text (see :mod:`.bilingual`)."""
    token = _language.set(locale_name(tag))
    also_token = _also.set(locale_name(also) if also else None)
    try:
        yield
    finally:
        _also.reset(also_token)
        _language.reset(token)


def current() -> str:
    """The locale being written in, as Babel names it: 'en_GB', 'cy'."""
    return _language.get()


@functools.cache
def locale_name(tag: str) -> str:
    """A programme's ``language`` as a locale Babel has data for: its region dropped if Babel does
    not know it, English if Babel knows neither (a typo is the content's problem, not the print's)."""
    from babel import Locale, UnknownLocaleError

    for candidate in (tag.replace("_", "-"), base_language(tag)):
        try:
            return str(Locale.parse(candidate, sep="-"))
        except (ValueError, UnknownLocaleError):
            continue
    return "en_GB"


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language``; English (the phrases as written) where there is none."""
    po = catalogue_file(language)
    if not po.is_file():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po.open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def in_each(say: Callable[[str], str]) -> str:
    """``say(locale)`` for the language being written, or for both of a bilingual document's, as
    one two-language text: for what Babel formats (a date, an 'or' list) rather than a catalogue."""
    first = say(current())
    also = _also.get()
    return first if also is None else bilingual.both(first, say(also))


def _in_each(say):
    """``say(catalogue)`` in the language being written, or in both of a bilingual document's."""
    return in_each(lambda locale: say(translations(base_language(locale))))


def gettext(message: str) -> str:
    return _in_each(lambda catalogue: catalogue.gettext(message))


def ngettext(singular: str, plural: str, count: int) -> str:
    return _in_each(lambda catalogue: catalogue.ngettext(singular, plural, count))


def pgettext(context: str, message: str) -> str:
    return _in_each(lambda catalogue: catalogue.pgettext(context, message))


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return _in_each(lambda catalogue: catalogue.npgettext(context, singular, plural, count))


def direction() -> str:
    """'rtl' for a language written right to left (Arabic, Urdu, Hebrew...), else 'ltr': the ``dir`` of
    the documents and pages made in it."""
    return _direction(current())


def direction_of(tag: str) -> str:
    """The same for a language named by its tag."""
    return _direction(locale_name(tag))


@functools.cache
def _direction(locale: str) -> str:
    from babel import Locale

    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


def language_name(tag: str) -> str:
    """A language's name in itself, for a language switcher: 'Cymraeg', 'English', 'العربية'."""
    from babel import Locale

    language = base_language(locale_name(tag))
    name = Locale.parse(language).get_display_name(language) or tag
    return name[:1].upper() + name[1:]


def N_(message: str) -> str:
    """Marks a phrase for the catalogue where it is written, to be translated where it is used."""
    return message


def number(value: float) -> str:
    """A number as the current language writes it (decimal mark, grouping)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=current())


def one_of(items: list[str]) -> str:
    """'R, A or G' as the current language says it (Welsh: 'R, A neu G')."""
    from babel.lists import format_list

    return in_each(lambda locale: format_list(items, style="or", locale=locale))


def all_of(items: list[str]) -> str:
    """'R, A and G' as the current language says it (Welsh: 'R, A a G')."""
    from babel.lists import format_list

    return in_each(lambda locale: format_list(items, style="standard", locale=locale))


def install(env: jinja2.Environment) -> None:
    """Give a Jinja environment ``_``, ``gettext``, ``ngettext`` and ``{% trans %}`` in the current
    language (new-style: placeholders are ``%(name)s``, filled in after translation and escaped)."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # as extracted (EXTRACT_OPTIONS): a block's lines joined by one space
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext,  # type: ignore[attr-defined]
                                  npgettext=npgettext)


EXTRACT_FROM = [("**/templates/**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")]
"""Where the marked phrases are: the packaged templates and the code (``N_`` marks one for later)."""
EXTRACT_OPTIONS = {"**/templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true",
                                          "trim_blocks": "true", "lstrip_blocks": "true"}}


def extract():
    """Every phrase marked for translation in the package, as a Babel catalogue (the ``.pot``)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    catalogue = Catalog(project="auditpack", domain=DOMAIN, charset="utf-8", fuzzy=False)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    package = Path(__file__).parent
    for filename, lineno, message, comments, context in extract_from_dir(
            package, EXTRACT_FROM, EXTRACT_OPTIONS, keywords=keywords, strip_comment_tags=True):
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def update_catalogues() -> None:
    """Write ``locale/auditpack.pot`` from the marked phrases and bring every catalogue up to date
    with it: new phrases added untranslated, phrases no longer marked dropped, changed ones fuzzy."""
    from babel.messages.pofile import read_po, write_po

    template = extract()
    with (LOCALE / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, template, width=100, omit_header=False, include_lineno=False, sort_output=True)
    for language in languages():
        po = catalogue_file(language)
        with po.open("rb") as source:
            catalogue = read_po(source, locale=language, domain=DOMAIN)
        catalogue.update(template, update_header_comment=False, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        with po.open("wb") as out:
            write_po(out, catalogue, width=100, include_lineno=False, sort_output=True)


def add_catalogue(language: str) -> Path:
    """An empty catalogue for ``language``, with its plural rules, for a translator to fill."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    po = catalogue_file(language)
    if po.exists():
        raise SystemExit(f"{po} exists already")
    po.parent.mkdir(parents=True)
    with po.open("wb") as out:
        write_po(out, Catalog(locale=language, domain=DOMAIN, project="auditpack", charset="utf-8", fuzzy=False))
    update_catalogues()
    return po


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["add"] and len(sys.argv) == 3:
        print(f"wrote {add_catalogue(sys.argv[2])}")
    else:
        update_catalogues()
