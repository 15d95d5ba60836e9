"""Render planned documents and bind packs: in parallel, and only what changed.

Each document is rendered from its HTML on its own, so documents can be rendered in any
worker process and reused from the cache; packs are bound from the finished PDFs (see
:mod:`auditpack.render.bind`). Output is identical whichever way it was made.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import Pack, Plan, PrintDocument
from . import fonts, print_html
from .bind import LINK_SCHEME, bind
from .cache import PdfCache, environment_fingerprint, key


@dataclass(frozen=True)
class PdfOutput:
    path: str
    title: str
    data: bytes
    pages: int


@dataclass
class RenderStats:
    rendered: int = 0
    reused: int = 0
    paths: list[str] = field(default_factory=list)
    """What was rendered (not reused), for tests and the build summary."""


class PackRenderer:
    """Templates, stylesheets and fonts set up once per process; documents and packs on demand."""

    def __init__(self, plan: Plan, templates_dir: Path, options: print_html.PrintOptions, brand):
        self.plan = plan
        self.options = options
        self.templates_dir = templates_dir
        self.env = print_html.environment(templates_dir)
        self.theme = print_html.render_theme_css(self.env, options, brand, fonts.font_faces())
        self._renderer = None

    @property
    def renderer(self):
        """WeasyPrint is imported and set up only when something is really rendered."""
        if self._renderer is None:
            from .pdf import PdfRenderer
            self._renderer = PdfRenderer(self.templates_dir, self.theme)
        return self._renderer

    def fingerprint(self) -> str:
        print_css = (self.templates_dir / "print" / "print.css").read_text(encoding="utf-8")
        return environment_fingerprint([print_css, self.theme], self.options)

    def html(self, doc: PrintDocument) -> str:
        siblings = [d for d in self.plan.documents if d.content is doc.content and d.stage is doc.stage]
        return print_html.render_document(self.env, doc, self.options, siblings)

    def document(self, doc: PrintDocument) -> PdfOutput:
        forms = doc.variant == "fillable"
        pdf = self.renderer.write(self.renderer.layout(self.html(doc), forms=forms), forms=forms)
        return PdfOutput(doc.path, doc.title, pdf.data, pdf.pages)

    def cover_html(self, pack: Pack, members: list[PdfOutput], cover_pages: int = 1) -> str:
        contents = _contents(pack.documents, members, first_page=cover_pages + 1)
        return print_html.render_cover(self.env, pack, contents, self.options)

    def pack(self, pack: Pack, parts: dict[str, PdfOutput]) -> PdfOutput:
        """Bind rendered documents behind a cover whose contents give the pack's page numbers."""
        members = [parts[d.path] for d in pack.documents]
        cover_pages = 1
        while True:  # a long contents list can push the cover to a second page, moving every number
            cover = self.renderer.layout(self.cover_html(pack, members, cover_pages))
            if len(cover.pages) == cover_pages:
                break
            cover_pages = len(cover.pages)
        data = bind(self.renderer.write(cover).data, [m.data for m in members])
        return PdfOutput(pack.path, pack.title, data, cover_pages + sum(m.pages for m in members))

    def by_path(self, path: str) -> PdfOutput | None:
        """The document or pack written at ``path``, or None if the plan has none there."""
        for doc in self.plan.all_documents:
            if doc.path == path:
                return self.document(doc)
        for pack in self.plan.packs:
            if pack.path == path:
                return self.pack(pack, {d.path: self.document(d) for d in pack.documents})
        return None


def render_all(plan: Plan, templates_dir: Path, options: print_html.PrintOptions, brand,
               progress=lambda done, total, path: None, workers: int = 1, cache_dir: Path | None = None,
               stats: RenderStats | None = None) -> dict[str, PdfOutput]:
    """Every document and pack of the plan, reusing cached PDFs and rendering the rest in ``workers`` processes."""
    stats = stats if stats is not None else RenderStats()
    local = PackRenderer(plan, templates_dir, options, brand)
    cache, fingerprint = PdfCache(cache_dir), local.fingerprint()
    total = len(plan.all_documents) + len(plan.packs)
    outputs: dict[str, PdfOutput] = {}
    htmls = {d.path: local.html(d) for d in plan.all_documents}
    doc_keys = {d.path: key(fingerprint, d.variant or "", htmls[d.path]) for d in plan.all_documents}

    def done(output: PdfOutput, cache_key: str, rendered: bool) -> None:
        outputs[output.path] = output
        if rendered:
            cache.put(cache_key, output.data, output.pages)
            stats.rendered += 1
            stats.paths.append(output.path)
        else:
            stats.reused += 1
        progress(len(outputs), total, output.path)

    def reuse(items, keys: dict) -> list:
        """Take what the cache has; return the rest, to be rendered."""
        missing = []
        for item in items:
            hit = cache.get(keys[item.path])
            if hit:
                done(PdfOutput(item.path, item.title, *hit), keys[item.path], rendered=False)
            else:
                missing.append(item)
        return missing

    with _Workers(workers, plan, templates_dir, options, brand, local) as pool:
        missing = reuse(plan.all_documents, doc_keys)
        # Longest first, so that no worker is left rendering a long form alone at the end.
        missing.sort(key=lambda d: len(htmls[d.path]), reverse=True)
        for output in pool.map("document", [d.path for d in missing]):
            done(output, doc_keys[output.path], rendered=True)

        pack_keys = {p.path: key(fingerprint, "pack", local.cover_html(p, [outputs[d.path] for d in p.documents]),
                                 *[doc_keys[d.path] for d in p.documents]) for p in plan.packs}
        missing = reuse(plan.packs, pack_keys)
        parts = [{d.path: outputs[d.path] for d in p.documents} for p in missing]
        for output in pool.map("pack", [p.path for p in missing], parts):
            done(output, pack_keys[output.path], rendered=True)
    return {path: outputs[path] for path in [d.path for d in plan.all_documents] + [p.path for p in plan.packs]}


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class _Workers:
    """Runs render jobs here (one worker) or in a pool of processes, each with its own fonts."""

    def __init__(self, workers: int, plan: Plan, templates_dir: Path, options, brand, local: PackRenderer):
        self.workers, self.local = workers, local
        self.args = (plan, templates_dir, options, brand)
        self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def map(self, kind: str, paths: list[str], extra: list | None = None):
        extra = extra or [None] * len(paths)
        if self.workers <= 1 or len(paths) <= 1:
            for path, parts in zip(paths, extra):
                yield _job(self.local, kind, path, parts)
            return
        if self.pool is None:
            # Workers are not recycled: max_tasks_per_child deadlocks ProcessPoolExecutor on Python 3.11.
            context = _start_method()
            forked = context.get_start_method() == "fork"  # then the arguments are not pickled
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_start_worker,
                initargs=(self.local,) if forked else self.args)
        futures = [self.pool.submit(_run_in_worker, kind, path, parts) for path, parts in zip(paths, extra)]
        for future in concurrent.futures.as_completed(futures):
            yield future.result()


def _start_method():
    """Fork where it is safe, as it saves each worker starting Python, importing auditpack and
    unpickling the plan (about half a second of a small rebuild). Forking a process that runs
    threads (the preview server) can deadlock, so that, and any system without fork, spawns.
    WeasyPrint is not imported before the fork: each worker sets up its own fonts either way."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 \
            and "weasyprint" not in sys.modules:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_worker: PackRenderer | None = None


def _start_worker(*args) -> None:
    """A forked worker takes over the parent's renderer (templates already compiled, no fonts
    set up yet); a spawned one builds its own from the plan."""
    global _worker
    _worker = args[0] if len(args) == 1 else PackRenderer(*args)


def _run_in_worker(kind: str, path: str, parts) -> PdfOutput:
    return _job(_worker, kind, path, parts)


def _job(renderer: PackRenderer, kind: str, path: str, parts) -> PdfOutput:
    if kind == "document":
        return renderer.document(next(d for d in renderer.plan.all_documents if d.path == path))
    return renderer.pack(next(p for p in renderer.plan.packs if p.path == path), parts)


def _contents(documents: tuple[PrintDocument, ...], members: list[PdfOutput], first_page: int):
    entries, page = [], first_page
    for number, (doc, member) in enumerate(zip(documents, members), start=1):
        entries.append(print_html.ContentsEntry(doc.title, f"{LINK_SCHEME}{number}", page, doc.stage))
        page += member.pages
    return entries
