"""HTML -> PDF with WeasyPrint: one font configuration and parsed stylesheet per process.

WeasyPrint is imported lazily (see :mod:`auditpack.render.weasy`) because importing it costs
a quarter of a second even then, which ``auditpack check`` should not pay.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..answer_formats import HIDDEN_FIELDS
from ..template_folders import TemplateFolders
from . import fonts, tagging
from .source_date import dated
from .weasy import import_weasyprint

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}

log = logging.getLogger("auditpack")


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


class PdfRenderer:
    """Lays out HTML documents and writes them, alone or bound together, as PDF."""

    def __init__(self, templates: TemplateFolders, theme_css: str, build_date: int):
        """``build_date`` (seconds since 1970) is stamped into the fonts: fontTools stamps those it
        instances (Noto Sans is a variable font) and subsets, and would use the current time."""
        self.build_date = build_date
        import_weasyprint()
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        print_css = templates.file("print/print.css")
        self.base_url = print_css.parent.as_uri() + "/"
        self.fetcher = _local_fetcher([*(root.resolve() for root in templates.roots), *fonts.font_folders()])
        with dated(build_date):
            self.font_config = FontConfiguration()
            # The theme (paper, gutter, fonts, brand) comes last so that it overrides print.css.
            self.stylesheets = [
                CSS(filename=str(print_css), url_fetcher=self.fetcher,
                    font_config=self.font_config),
                CSS(string=theme_css, base_url=self.base_url, url_fetcher=self.fetcher, font_config=self.font_config),
            ]

    def layout(self, html: str, forms: bool = False):
        """Paginate once; the result can be written alone and bound into packs."""
        from weasyprint import HTML

        with dated(self.build_date):
            return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets, font_config=self.font_config, pdf_forms=forms, **PDF_OPTIONS)

    def write(self, document, forms: bool = False) -> RenderedPdf:
        finisher = _finish_form if forms else None
        with dated(self.build_date):
            data = document.write_pdf(pdf_forms=forms, finisher=finisher, **PDF_OPTIONS)
        return RenderedPdf(tagging.finish(data), len(document.pages))

    def untagged(self, html: str) -> RenderedPdf:
        """``html`` laid out and written as a plain PDF, not PDF/UA: marks that mean nothing outside it
        (the stamp sheet, see :mod:`auditpack.render.stamp`)."""
        from weasyprint import HTML

        with dated(self.build_date):
            document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets, font_config=self.font_config)
            return RenderedPdf(document.write_pdf(), len(document.pages))


READ_ONLY = 1
"""Field flag bit 1: the user may not change the field's value (ISO 32000-1, table 221)."""
HIDDEN = 2
"""Annotation flag bit 2: a viewer neither shows nor prints the widget, nor lets it be edited (table 165)."""


def _finish_form(document, pdf) -> None:
    _unname_radio_buttons(document, pdf)
    _lock_identity_fields(pdf)


def _lock_identity_fields(pdf) -> None:
    """Make the fields saying what a form answers read-only and hidden, and keep what they said.

    WeasyPrint writes a hidden input as an ordinary text field that a viewer lets anyone retype.
    The value is kept as the field's default (/DV) too, so collate can tell a field changed after
    the form was made from a form of another questionnaire.
    """
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Subtype") == "/Widget" and \
                getattr(obj.get("T"), "string", None) in HIDDEN_FIELDS:
            obj["Ff"] = int(obj.get("Ff", 0)) | READ_ONLY
            obj["F"] = HIDDEN
            obj["DV"] = obj["V"]


def _unname_radio_buttons(document, pdf) -> None:
    """Drop the name WeasyPrint also gives each radio button of a group.

    A button is a widget of its group's field; named too, readers see it as a second field
    ('q.q') and strict parsers warn. The group keeps the name, its /Opt keeps the values.
    """
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Subtype") == "/Widget" and "Parent" in obj:
            obj.pop("T", None)
            obj.pop("TU", None)


def _local_fetcher(roots: list[Path]):
    """A URL fetcher that reads only files under ``roots``: no network, nothing else on disk."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                from urllib.parse import unquote, urlsplit
                parts = urlsplit(url)
                path = Path(unquote(parts.path)).resolve()
                # file://host/... would have the host name looked up on the network first.
                if parts.netloc in ("", "localhost") and any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            log.warning("refused to fetch %s: only the project's templates and fonts may be read", url)
            raise ValueError(f"auditpack does not fetch {url}")

    return LocalFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)
