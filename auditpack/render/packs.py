"""Render planned documents and bind packs: in parallel, and only what changed.

Each document is rendered from its HTML on its own, so documents can be rendered in any
worker process and reused from the cache; packs are bound from the finished PDFs (see
:mod:`auditpack.render.bind`). Output is identical whichever way it was made.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import Pack, Plan, PrintDocument
from ..template_folders import TemplateFolders
from . import fonts, print_html
from .bind import LINK_SCHEME
from .cache import PdfCache, environment_fingerprint, key
from .workers import PdfWorkers, bind_pack, render_html


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


class PackRenderer:
    """Templates, stylesheets and fonts set up once per process; documents and packs on demand."""

    def __init__(self, plan: Plan, templates: TemplateFolders, options: print_html.PrintOptions, brand,
                 compiled_templates: bool = False):
        self.plan = plan
        self.options = options
        self.templates = templates
        self.env = print_html.environment(templates, compiled_templates)
        self.theme = theme_css(self.env, options, brand)
        self._here = PdfWorkers(1, templates, self.theme)

    @property
    def renderer(self):
        """WeasyPrint is imported and set up only when something is really rendered."""
        return self._here.local

    def fingerprint(self) -> str:
        print_css = self.templates.file("print/print.css").read_text(encoding="utf-8")
        return environment_fingerprint([print_css, self.theme], self.options)

    def html(self, doc: PrintDocument) -> str:
        siblings = [d for d in self.plan.documents if d.content is doc.content and d.stage is doc.stage]
        return print_html.render_document(self.env, doc, self.options, siblings)

    def document(self, doc: PrintDocument) -> PdfOutput:
        return PdfOutput(doc.path, doc.title, *render_html(self.renderer, self.html(doc), doc.variant == "fillable"))

    def cover_html(self, pack: Pack, members: list[PdfOutput], cover_pages: int = 1) -> str:
        contents = _contents(pack.documents, members, first_page=cover_pages + 1)
        return print_html.render_cover(self.env, pack, contents, self.options)

    def cover_htmls(self, pack: Pack, members: list[PdfOutput]) -> list[str]:
        """The cover as it would be on 1, 2, 3... pages, as far as its contents list could run;
        a worker lays them out in turn until one fills exactly its own number of pages."""
        most = 2 + len(pack.documents) // 10
        return [self.cover_html(pack, members, pages) for pages in range(1, most + 1)]

    def pack(self, pack: Pack, parts: dict[str, PdfOutput]) -> PdfOutput:
        """Bind rendered documents behind a cover whose contents give the pack's page numbers."""
        members = [parts[d.path] for d in pack.documents]
        return PdfOutput(pack.path, pack.title, *bind_pack(self.renderer, self.cover_htmls(pack, members),
                                                           [m.data for m in members], [m.pages for m in members]))

    def by_path(self, path: str) -> PdfOutput | None:
        """The document or pack written at ``path``, or None if the plan has none there."""
        for doc in self.plan.all_documents:
            if doc.path == path:
                return self.document(doc)
        for pack in self.plan.packs:
            if pack.path == path:
                return self.pack(pack, {d.path: self.document(d) for d in pack.documents})
        return None


def render_all(plan: Plan, templates: TemplateFolders, options: print_html.PrintOptions, brand,
               progress=lambda done, total, path, reused=False: None, workers: int = 1,
               cache_dir: Path | None = None,
               stats: RenderStats | None = None, pool: PdfWorkers | None = None,
               while_rendering=lambda: None) -> dict[str, PdfOutput]:
    """Every document and pack of the plan, reusing cached PDFs and rendering the rest in ``workers``
    processes (or in ``pool``, already started). ``while_rendering`` is called once the documents
    are handed to the workers: other work for them (the site) queues behind the documents."""
    stats = stats if stats is not None else RenderStats()
    local = PackRenderer(plan, templates, options, brand, compiled_templates=cache_dir is not None)
    if pool is not None and pool.theme != local.theme:
        raise ValueError("the workers were started with other stylesheets than these documents need")
    cache, fingerprint = PdfCache(cache_dir), local.fingerprint()
    total = len(plan.all_documents) + len(plan.packs)
    outputs: dict[str, PdfOutput] = {}
    htmls = {d.path: local.html(d) for d in plan.all_documents}
    doc_keys = {d.path: key(fingerprint, d.variant or "", htmls[d.path]) for d in plan.all_documents}
    titles = {item.path: item.title for item in [*plan.all_documents, *plan.packs]}

    def done(path: str, data: bytes, pages: int, cache_key: str, rendered: bool) -> None:
        outputs[path] = PdfOutput(path, titles[path], data, pages)
        if rendered:
            cache.put(cache_key, data, pages)
            stats.rendered += 1
            stats.paths.append(path)
        else:
            stats.reused += 1
        progress(len(outputs), total, path, not rendered)

    def reuse(items, keys: dict) -> list:
        """Take what the cache has; return the rest, to be rendered."""
        missing = []
        for item in items:
            hit = cache.get(keys[item.path])
            if hit:
                done(item.path, *hit, keys[item.path], rendered=False)
            else:
                missing.append(item)
        return missing

    with contextlib.nullcontext(pool) if pool else PdfWorkers(workers, templates, local.theme) as workers_:
        missing = reuse(plan.all_documents, doc_keys)
        # Longest first, so that no worker is left rendering a long form alone at the end.
        missing.sort(key=lambda d: len(htmls[d.path]), reverse=True)
        jobs = [("document", d.path, htmls[d.path], d.variant == "fillable") for d in missing]
        finished = workers_.run(jobs)
        while_rendering()
        for path, data, pages in finished:
            done(path, data, pages, doc_keys[path], rendered=True)

        pack_keys = {p.path: key(fingerprint, "pack", local.cover_html(p, [outputs[d.path] for d in p.documents]),
                                 *[doc_keys[d.path] for d in p.documents]) for p in plan.packs}
        missing = reuse(plan.packs, pack_keys)
        jobs = []
        for p in missing:
            members = [outputs[d.path] for d in p.documents]
            jobs.append(("pack", p.path, local.cover_htmls(p, members), [m.data for m in members],
                         [m.pages for m in members]))
        for path, data, pages in workers_.run(jobs):
            done(path, data, pages, pack_keys[path], rendered=True)
    return {path: outputs[path] for path in [d.path for d in plan.all_documents] + [p.path for p in plan.packs]}


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _contents(documents: tuple[PrintDocument, ...], members: list[PdfOutput], first_page: int):
    entries, page = [], first_page
    for number, (doc, member) in enumerate(zip(documents, members), start=1):
        entries.append(print_html.ContentsEntry(doc.title, f"{LINK_SCHEME}{number}", page, doc.stage))
        page += member.pages
    return entries
