"""Render every planned document once, then bind packs from the same layouts.

Layout is the expensive step, so each document is paginated once and its
pages are reused by the stage pack and the complete pack that contain it.
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


def render_all(plan: Plan, templates_dir: Path, options: print_html.PrintOptions, brand,
               progress=lambda done, total, path: None) -> dict[str, PdfOutput]:
    env = print_html.environment(templates_dir)
    renderer = PdfRenderer(templates_dir, print_html.render_theme_css(env, options, brand, fonts.font_faces()))
    total = len(plan.all_documents) + len(plan.packs)
    layouts, outputs = {}, {}
    for doc in plan.all_documents:
        siblings = [d for d in plan.documents if d.content is doc.content and d.stage is doc.stage]
        forms = doc.variant == "fillable"
        layout = renderer.layout(print_html.render_document(env, doc, options, siblings), forms=forms)
        if doc.variant is None:
            layouts[doc.path] = layout  # only standard documents are bound into packs
        pdf = renderer.write(layout, forms=forms)
        outputs[doc.path] = PdfOutput(doc.path, doc.title, pdf.data, pdf.pages)
        progress(len(outputs), total, doc.path)
    for pack in plan.packs:
        pdf = _bind(renderer, env, pack, layouts, options)
        outputs[pack.path] = PdfOutput(pack.path, pack.title, pdf.data, pdf.pages)
        progress(len(outputs), total, pack.path)
    return outputs


def _bind(renderer: PdfRenderer, env, pack: Pack, layouts: dict, options) -> RenderedPdf:
    """Lay out the cover until its own length is known, then bind it before the documents."""
    cover_pages = 1
    while True:
        contents = _contents(pack.documents, layouts, first_page=cover_pages + 1)
        cover = renderer.layout(print_html.render_cover(env, pack, contents, options))
        if len(cover.pages) == cover_pages:
            break
        cover_pages = len(cover.pages)
    return renderer.bind(cover, [layouts[d.path] for d in pack.documents])


def _contents(documents: tuple[PrintDocument, ...], layouts: dict, first_page: int):
    entries, page = [], first_page
    for doc in documents:
        entries.append(print_html.ContentsEntry(doc.title, print_html.anchor_for(doc), page, doc.stage))
        page += len(layouts[doc.path].pages)
    return entries
