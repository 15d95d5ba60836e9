"""HTML -> PDF with WeasyPrint: one font configuration and parsed stylesheet per process.

WeasyPrint is imported lazily (see :mod:`auditpack.render.weasy`) because importing it costs
a quarter of a second even then, which ``auditpack check`` should not pay.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..i18n import tell
from ..template_folders import TemplateFolders
from . import fonts, qr, tagging, unsplit
from .form_fields import finish_form
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
        with fonts.packaged_fonts_only():
            import_weasyprint()
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        print_css = templates.file("print/print.css")
        self.base_url = print_css.parent.as_uri() + "/"
        self.fetcher = _local_fetcher([*(root.resolve() for root in templates.roots), *fonts.font_folders()])
        with dated(build_date), fonts.packaged_fonts_only():
            self.font_config = FontConfiguration()
            # The theme (paper, gutter, fonts, brand) comes last so that it overrides print.css.
            self.stylesheets = [
                CSS(filename=str(print_css), url_fetcher=self.fetcher,
                    font_config=self.font_config),
                CSS(string=theme_css, base_url=self.base_url, url_fetcher=self.fetcher, font_config=self.font_config),
            ]

    def layout(self, html: str, forms: bool = False):
        """Paginate; the result can be written alone and bound into packs. A section with a row split
        between pages is started on a new page and the document paginated again (see :mod:`.unsplit`)."""
        from weasyprint import CSS, HTML

        moved: list[str] = []
        for _ in range(unsplit.PASSES):
            extra = [CSS(string=unsplit.page_breaks(moved))] if moved else []
            with dated(self.build_date):
                document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                    stylesheets=[*self.stylesheets, *extra], font_config=self.font_config, pdf_forms=forms,
                    **PDF_OPTIONS)
            split = [name for name in unsplit.split_sections(document) if name not in moved]
            if not split:
                break
            moved += split
        return document

    def write(self, document, forms: bool = False) -> RenderedPdf:
        finisher = finish_form if forms else None
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


def _local_fetcher(roots: list[Path]):
    """A URL fetcher that reads only files under ``roots``: no network, nothing else on disk."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if qr.is_qr_url(url):
                from weasyprint.urls import URLFetcherResponse
                return URLFetcherResponse(url, body=qr.qr_svg(url), headers={"Content-Type": "image/svg+xml"})
            if url.startswith("file://"):
                from urllib.parse import unquote, urlsplit
                parts = urlsplit(url)
                path = Path(unquote(parts.path)).resolve()
                # file://host/... would have the host name looked up on the network first.
                if parts.netloc in ("", "localhost") and any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            log.warning(tell("refused to fetch %(url)s: only the project's templates and fonts may be read"),
                        {"url": url})
            raise ValueError(tell("auditpack does not fetch %(url)s") % {"url": url})

    return LocalFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)
