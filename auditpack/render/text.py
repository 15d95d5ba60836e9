"""Formatting shared by the site and print renderers: Markdown fields, dates, durations."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from .. import i18n
from ..i18n import N_, ngettext
from ..i18n import gettext as _
from .safe import markdown_html

ACTIVITY_NAMES = {
    "focus-group": N_("Focus group"), "interview": N_("Interview"), "observation": N_("Observation"),
    "learning-walk": N_("Learning walk"), "document-review": N_("Document review"), "survey": N_("Survey"),
}


def md(text: str | None) -> Markup:
    """Markdown prose from content as HTML blocks, cleaned to a small allow-list (see :mod:`.safe`),
    so no script, event handler, frame, style, image or javascript: link reaches a PDF."""
    return Markup(markdown_html(text))


def md_inline(text: str | None) -> Markup:
    """Markdown for a single line inside a table cell or list item: no wrapping paragraph."""
    html = str(md(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def long_date(value: dt.date) -> str:
    """'4 December 2026', '4 Rhagfyr 2026': day, month's name and year, in the language being written."""
    from babel.dates import format_date

    return format_date(value, "d MMMM y", locale=i18n.current())


def days(value: float) -> str:
    """'1 day', '1.5 days', '1,5 diwrnod'. Fractions take the plural form ('other') in every language
    CLDR knows, so the count given to ngettext is only whole for whole numbers."""
    count = int(value) if float(value).is_integer() else 1_000_001
    return ngettext("%(number)s day", "%(number)s days", count) % {"number": i18n.number(value)}


def activity_name(kind: str) -> str:
    return _(ACTIVITY_NAMES[kind]) if kind in ACTIVITY_NAMES else kind
