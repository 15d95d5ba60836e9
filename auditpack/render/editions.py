"""Planned documents in their kinds' other formats than PDF (see :class:`auditpack.documents.Edition`).

They are made in this process, beside the PDF workers: a Word file takes milliseconds. Each goes
through the same cache as the PDFs, keyed by its document's print HTML (which holds its slice of
the content), the renderer code, library versions, options and build date, and its format; not by
the print stylesheets, which do not shape it.
"""

from __future__ import annotations

import datetime as dt

from ..documents import Edition
from ..kinds import DOCX
from .cache import PdfCache, environment_fingerprint, key
from .print_html import PrintOptions
from .word import render_docx

RENDERERS = {DOCX.name: lambda doc, options, built: render_docx(doc, options.paper, options.footer, built)}
"""How each format besides PDF is made, from a planned document, the print options and the build date."""


def make(edition: Edition, options: PrintOptions, cache: PdfCache, html: str, build_date: int) -> bytes:
    """The edition's file, from the cache when it holds one for the same inputs (``html``: its
    document's print HTML; ``build_date``: the date stamped into it, in seconds since 1970)."""
    edition_key = key(environment_fingerprint([], options, build_date), edition.format.name, html)
    hit = cache.get(edition_key, edition.format)
    if hit:
        return hit[0]
    built = dt.datetime.fromtimestamp(build_date, dt.UTC)
    data = RENDERERS[edition.format.name](edition.document, options, built)
    cache.put(edition_key, data, 0, edition.format)
    return data

