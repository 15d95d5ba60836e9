"""Formatting shared by the site and print renderers: Markdown fields, dates, durations."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from .. import bilingual, i18n
from ..i18n import N_, ngettext
from ..i18n import gettext as _
from .safe import markdown_html

ACTIVITY_NAMES = {
    "focus-group": N_("Focus group"), "interview": N_("Interview"), "observation": N_("Observation"),
    "learning-walk": N_("Learning walk"), "document-review": N_("Document review"), "survey": N_("Survey"),
}


def md(text: str | None) -> Markup:
    """Markdown prose from content as HTML blocks, cleaned to a small allow-list (see :mod:`.safe`),
    so no script, event handler, frame, style, image or javascript: link reaches a PDF. A text in two
    languages is two texts, each made HTML on its own."""
    if text is not None and bilingual.is_pair(text):
        return Markup(bilingual.both(*(md(half) for half in bilingual.halves(text))))
    return Markup(markdown_html(text))


def md_inline(text: str | None) -> Markup:
    """Markdown for a single line inside a table cell or list item: no wrapping paragraph."""
    if text is not None and bilingual.is_pair(text):
        return Markup(bilingual.both(*(md_inline(half) for half in bilingual.halves(text))))
    html = str(md(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def in_each_language(html: str) -> Markup:
    """A block of a template, in a bilingual document, once in each language (see bilingual.apart);
    elsewhere as it is."""
    return Markup(bilingual.apart(str(html)))


def one_of(items) -> Markup:
    """Items joined as the language being written joins alternatives ('A, B or C'), each escaped
    unless it is markup already."""
    return Markup(i18n.one_of([str(escape(item)) for item in items]))


def all_of(items) -> Markup:
    """Items joined as the language being written lists them ('A, B and C'), each escaped unless it is
    markup already."""
    return Markup(i18n.all_of([str(escape(item)) for item in items]))


def long_date(value: dt.date) -> str:
    """'4 December 2026', '4 Rhagfyr 2026': day, month's name and year, in the language being written."""
    from babel.dates import format_date

    return i18n.in_each(lambda locale: format_date(value, "d MMMM y", locale=locale))


def days(value: float) -> str:
    """'1 day', '1.5 days', '1,5 diwrnod'. Fractions take the plural form ('other') in every language
    CLDR knows, so the count given to ngettext is only whole for whole numbers."""
    count = int(value) if float(value).is_integer() else 1_000_001
    return ngettext("%(number)s day", "%(number)s days", count) % {"number": i18n.number(value)}


def activity_name(kind: str) -> str:
    return _(ACTIVITY_NAMES[kind]) if kind in ACTIVITY_NAMES else kind
