"""Formatting shared by the site and print renderers: Markdown fields, dates, durations."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from .safe import markdown_html

ACTIVITY_NAMES = {
    "focus-group": "Focus group", "interview": "Interview", "observation": "Observation",
    "learning-walk": "Learning walk", "document-review": "Document review", "survey": "Survey",
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
    return f"{value.day} {value.strftime('%B %Y')}"


def days(value: float) -> str:
    number = f"{value:g}"
    return f"{number} day" if number == "1" else f"{number} days"


def activity_name(kind: str) -> str:
    return ACTIVITY_NAMES.get(kind, kind)
