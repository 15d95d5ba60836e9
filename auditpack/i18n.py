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

Messages to the person at the terminal (a problem in the content, "Built 239 PDFs", a command's help)
are a second audience with a language of their own: the one their environment asks for (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads them; see :func:`reader_language`). They are
marked ``tell("...")`` and ``ntell(...)`` and set with :func:`addressing`, so a Welsh pack built on
an English machine reports in English, and a problem found while a Welsh page is rendered does too.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import jinja2

from . import bilingual

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "auditpack"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("auditpack_language", default="en_GB")
"""The language being written, as Babel names a locale ('cy', 'en_GB')."""
_also: contextvars.ContextVar[str | None] = contextvars.ContextVar("auditpack_also", default=None)
"""The second language of a bilingual document being written, else None (see :mod:`.bilingual`)."""
_reader: contextvars.ContextVar[str] = contextvars.ContextVar("auditpack_reader", default="en_GB")
"""The language messages to the person at the terminal are in (see :func:`addressing`)."""


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


def reader_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks messages in, as gettext looks for it: the first of
    ``LANGUAGE`` (a ':'-separated list, of which the first with a catalogue wins), ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` that is set; 'C' and 'POSIX' (and nothing set) are English.
    'cy_GB.UTF-8' names Welsh: the encoding and any '@modifier' are not part of the language."""
    environ = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if not value:
            continue
        for wanted in value.split(":") if variable == "LANGUAGE" else [value]:
            tag = wanted.split(".")[0].split("@")[0]
            if tag in ("C", "POSIX", ""):
                return "en_GB"
            if is_language_tag(tag) and (variable != "LANGUAGE" or base_language(tag) in (*languages(), "en")):
                return locale_name(tag)
        if variable == "LANGUAGE":
            continue
        return "en_GB"
    return "en_GB"


@contextlib.contextmanager
def addressing(tag: str) -> Iterator[None]:
    """Messages made inside (``tell``) are in the language of ``tag``; the CLI sets it once, from
    :func:`reader_language`, around each command."""
    token = _reader.set(locale_name(tag))
    try:
        yield
    finally:
        _reader.reset(token)


def address(tag: str) -> None:
    """Messages made from now on in this process are in the language of ``tag``: for a render
    worker, which is started with its parent's reader language."""
    _reader.set(locale_name(tag))


def reader() -> str:
    """The locale messages to the user are being made in: 'en_GB', 'cy'."""
    return _reader.get()


def tell(message: str) -> str:
    """``message`` in the language of the person at the terminal (not of the document being made)."""
    return translations(base_language(_reader.get())).gettext(message)


def ntell(singular: str, plural: str, count: int) -> str:
    """The form of a counted message that ``count`` takes in the reader's language."""
    return translations(base_language(_reader.get())).ngettext(singular, plural, count)


def counted(singular: str, plural: str, count: int) -> str:
    """``ntell`` of a message whose one value is its ``%(count)d``, filled in: "3 schools"."""
    return ntell(singular, plural, count) % {"count": count}


class Phrase:
    """A message kept as its words and values until it is shown, for text that goes both to the
    terminal and into a document (why collate skipped a file): ``str()`` says it in the reader's
    language, :meth:`written` in the language of the document being made. Marked like ``tell``:
    ``phrase("... %(name)s") % {"name": value}``, ``nphrase(singular, plural, count) % {...}``.
    Values that are phrases themselves are shown in the same language as the phrase holding them."""

    __slots__ = ("count", "plural", "singular", "values")

    def __init__(self, singular: str, plural: str | None = None, count: int | None = None,
                 values: Mapping[str, object] | None = None):
        self.singular, self.plural, self.count = singular, plural, count
        self.values = dict(values or {})

    def __mod__(self, values: Mapping[str, object]) -> Phrase:
        return Phrase(self.singular, self.plural, self.count, {**self.values, **values})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Phrase) and (self.singular, self.plural, self.count, self.values) == \
            (other.singular, other.plural, other.count, other.values)

    def __hash__(self) -> int:
        return hash((self.singular, self.plural, self.count))

    def __repr__(self) -> str:
        return f"Phrase({str(self)!r})"

    def __str__(self) -> str:
        return self.said_in(_reader.get())

    def written(self) -> str:
        """The phrase in the language (or both languages) of the document being made."""
        return in_each(self.said_in)

    def said_in(self, locale: str) -> str:
        """The phrase in one language (a locale as Babel names it, 'cy', 'en_GB'), and so are the
        phrases among its values: in a two-language document, each half holds only its own language."""
        catalogue = translations(base_language(locale))
        words = catalogue.gettext(self.singular) if self.plural is None else \
            catalogue.ngettext(self.singular, self.plural, self.count or 0)
        values = {k: v.said_in(locale) if isinstance(v, Phrase) else v for k, v in self.values.items()}
        return words % values if values or self.plural is not None else words


class Listed(Phrase):
    """Texts and phrases in a row, as the value of a phrase: joined by ``separator`` ('; '), or without
    one listed as the language lists alternatives ('R, A or G'; in Welsh 'R, A neu G', as :func:`one_of`
    says them). Each phrase in the row is said in the language of the whole."""

    __slots__ = ("items", "separator")

    def __init__(self, items: Iterable[object], separator: str | None = None):
        super().__init__("")
        self.items, self.separator = tuple(items), separator

    def __mod__(self, values: Mapping[str, object]) -> Phrase:
        raise TypeError("a list of phrases takes no values")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Listed) and (self.items, self.separator) == (other.items, other.separator)

    def __hash__(self) -> int:
        return hash((self.items, self.separator))

    def said_in(self, locale: str) -> str:
        shown = [item.said_in(locale) if isinstance(item, Phrase) else str(item) for item in self.items]
        if self.separator is not None:
            return self.separator.join(shown)
        from babel.lists import format_list

        return format_list(shown, style="or", locale=locale)


def phrase(message: str) -> Phrase:
    """``message``, to be shown in whichever language it is shown in (see :class:`Phrase`)."""
    return Phrase(message)


def nphrase(singular: str, plural: str, count: int) -> Phrase:
    """A counted :class:`Phrase`; fill its ``%(count)d`` with ``% {"count": count}``."""
    return Phrase(singular, plural, count)


def written(value: object) -> str:
    """A value as a document shows it: a :class:`Phrase` in the document's language, else as text."""
    return value.written() if isinstance(value, Phrase) else str(value)


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


def number(value: float, pattern: str | None = None) -> str:
    """A number as the current language writes it (decimal mark, grouping); ``pattern`` as Babel
    takes one ('0.0': one decimal place, no grouping)."""
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=current())


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
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "tell": None, "ntell": (1, 2), "counted": (1, 2),
                "phrase": None, "nphrase": (1, 2)}
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
