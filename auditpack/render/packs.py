"""A plan's documents and packs as HTML, and the PDFs made of them.

Each document is rendered from its HTML on its own, so documents can be rendered in any
worker process and reused from the cache; a pack is bound from its finished documents behind
a cover whose contents list gives their page numbers (see :mod:`auditpack.render.bind`).
:class:`auditpack.render.renderer.Renderer` turns this HTML into PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jinja2

from .. import i18n
from ..documents import Pack, Plan, PrintDocument
from ..i18n import gettext as _
from . import fonts, print_html
from .bind import LINK_SCHEME, Part


@dataclass(frozen=True)
class PdfOutput:
    path: str
    title: str
    data: bytes
    pages: int
    pending = False
    """Made already (see :class:`auditpack.render.pages.PendingPdf`)."""


@dataclass
class RenderStats:
    rendered: int = 0
    reused: int = 0
    paths: list[str] = field(default_factory=list)
    """What was rendered (not reused), for tests and the build summary."""


def theme_css(env, options: print_html.PrintOptions, brand) -> str:
    """The stylesheet that sets paper, gutter, fonts and brand; the same for every document of a build."""
    return print_html.render_theme_css(env, options, brand, fonts.font_faces())


class PlanHtml:
    """The HTML of a plan's documents and of its packs' covers, printed with ``options``."""

    def __init__(self, plan: Plan, env: jinja2.Environment, options: print_html.PrintOptions):
        self.plan, self.env, self.options = plan, env, options

    def document(self, doc: PrintDocument) -> str:
        siblings = [d for d in self.plan.documents if d.content is doc.content and d.stage is doc.stage]
        return print_html.render_document(self.env, doc, self.options, siblings)

    def cover(self, pack: Pack, members: list[PdfOutput], cover_pages: int = 1) -> str:
        contents = _contents(pack.documents, members, first_page=cover_pages + 1)
        return print_html.render_cover(self.env, pack, contents, self.options)

    def covers(self, pack: Pack, members: list[PdfOutput]) -> list[str]:
        """The cover as it would be on 1, 2, 3... pages, as far as its contents list could run;
        a worker lays them out in turn until one fills exactly its own number of pages."""
        most = 2 + len(pack.documents) // 10
        return [self.cover(pack, members, pages) for pages in range(1, most + 1)]


def parts(pack: Pack, members: list[PdfOutput]) -> list[Part]:
    """The members as bound into ``pack``: titled as its contents list names them, and nested under
    their stage's bookmark in a pack of several stages; in the pack's language, as its pages are."""
    with i18n.speaking(pack.content.programme.language):
        return [Part(m.data, m.pages, staged(d.stage, d.title), None if pack.stage else staged(d.stage, d.stage.title)
                     if d.stage else None) for d, m in zip(pack.documents, members, strict=True)]


def staged(stage, title: str) -> str:
    """``title`` as the contents list shows it: after its stage's number, if it has one."""
    return _("Stage %(number)s: %(title)s") % {"number": stage.number, "title": title} if stage else title


def _contents(documents: tuple[PrintDocument, ...], members: list[PdfOutput], first_page: int):
    entries, page = [], first_page
    for number, (doc, member) in enumerate(zip(documents, members, strict=True), start=1):
        entries.append(print_html.ContentsEntry(doc.title, f"{LINK_SCHEME}{number}", page, doc.stage))
        page += member.pages
    return entries
