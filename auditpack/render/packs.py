"""Render planned documents, and bind packs from the same layouts.

Layout is the expensive step, so each document is paginated once and its pages are
reused by the stage pack and the complete pack that contain it. The build renders
everything; the preview server renders one document or pack when it is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..documents import Pack, Plan, PrintDocument
from . import fonts, print_html
from .pdf import PdfRenderer, RenderedPdf


@dataclass(frozen=True)
class PdfOutput:
    path: str
    title: str
    data: bytes
    pages: int


class PackRenderer:
    """Templates, stylesheets and fonts set up once; documents and packs rendered on demand."""

    def __init__(self, plan: Plan, templates_dir: Path, options: print_html.PrintOptions, brand):
        self.plan = plan
        self.options = options
        self.env = print_html.environment(templates_dir)
        theme = print_html.render_theme_css(self.env, options, brand, fonts.font_faces())
        self.renderer = PdfRenderer(templates_dir, theme)

    def layout(self, doc: PrintDocument):
        siblings = [d for d in self.plan.documents if d.content is doc.content and d.stage is doc.stage]
        html = print_html.render_document(self.env, doc, self.options, siblings)
        return self.renderer.layout(html, forms=doc.variant == "fillable")

    def document(self, doc: PrintDocument, layout=None) -> PdfOutput:
        pdf = self.renderer.write(layout or self.layout(doc), forms=doc.variant == "fillable")
        return PdfOutput(doc.path, doc.title, pdf.data, pdf.pages)

    def pack(self, pack: Pack, layouts: dict | None = None) -> PdfOutput:
        layouts = layouts or {d.path: self.layout(d) for d in pack.documents}
        pdf = self._bind(pack, layouts)
        return PdfOutput(pack.path, pack.title, pdf.data, pdf.pages)

    def by_path(self, path: str) -> PdfOutput | None:
        """The document or pack written at ``path``, or None if the plan has none there."""
        for doc in self.plan.all_documents:
            if doc.path == path:
                return self.document(doc)
        for pack in self.plan.packs:
            if pack.path == path:
                return self.pack(pack)
        return None

    def _bind(self, pack: Pack, layouts: dict) -> RenderedPdf:
        """Lay out the cover until its own length is known, then bind it before the documents."""
        cover_pages = 1
        while True:
            contents = _contents(pack.documents, layouts, first_page=cover_pages + 1)
            cover = self.renderer.layout(print_html.render_cover(self.env, pack, contents, self.options))
            if len(cover.pages) == cover_pages:
                break
            cover_pages = len(cover.pages)
        return self.renderer.bind(cover, [layouts[d.path] for d in pack.documents])


def render_all(plan: Plan, templates_dir: Path, options: print_html.PrintOptions, brand,
               progress=lambda done, total, path: None) -> dict[str, PdfOutput]:
    renderer = PackRenderer(plan, templates_dir, options, brand)
    total = len(plan.all_documents) + len(plan.packs)
    layouts, outputs = {}, {}
    for doc in plan.all_documents:
        layout = renderer.layout(doc)
        if doc.variant is None:
            layouts[doc.path] = layout  # only standard documents are bound into packs
        outputs[doc.path] = renderer.document(doc, layout)
        progress(len(outputs), total, doc.path)
    for pack in plan.packs:
        outputs[pack.path] = renderer.pack(pack, layouts)
        progress(len(outputs), total, pack.path)
    return outputs


def _contents(documents: tuple[PrintDocument, ...], layouts: dict, first_page: int):
    entries, page = [], first_page
    for doc in documents:
        entries.append(print_html.ContentsEntry(doc.title, print_html.anchor_for(doc), page, doc.stage))
        page += len(layouts[doc.path].pages)
    return entries
