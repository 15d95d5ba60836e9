"""The one way auditpack makes PDFs.

A :class:`Renderer` holds what every PDF of a run shares: the print options made from the
project's settings (paper, gutter, footer, publisher, logo), the stylesheet made from them, the
build date, the worker processes and the cache. Every command renders through one: the site's
PDFs, a school's packs and a batch of schools (:meth:`Renderer.render`: any documents and packs
of a plan, in parallel and only what changed), the preview (one document when it is opened),
the collation report (:meth:`Renderer.page`) and the names stamped onto schools' packs
(:meth:`Renderer.stamp_sheet`). So every PDF is printed the same way, and nothing makes its own
print options. Worker processes start when :meth:`Renderer.start` is called or the first job
needs them, so a caller that validates its input first starts none for input that is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from pathlib import Path
from typing import Self

import jinja2

from .. import __version__
from ..config import SiteConfig
from ..documents import Plan
from ..errors import TemplateProblem
from ..logo import Logo
from ..template_folders import TemplateFolders
from . import editions, print_html
from .cache import PdfCache, environment_fingerprint, key
from .packs import PdfOutput, PlanHtml, RenderStats, parts, theme_css
from .pdf import PdfRenderer
from .print_html import PrintOptions
from .scan_layout import FormIdentity, layout_json, layout_path
from .stamp import StampSheet
from .workers import PdfWorkers

PRINT_SHEETS = ("print.css", "scan.css", "scan-mark.svg")
"""The files of ``templates/print/`` a PDF is drawn with besides its own template: a change to any of
them renders every PDF again (and gives scannable forms a new form id)."""


class Renderer:
    """Renders documents with a project's settings, in ``workers`` processes (one: in this one), reusing
    PDFs from ``cache_dir`` if given. A template mistake is raised as a located
    :class:`~auditpack.errors.TemplateProblem`. Use it in a ``with`` block when it has more than one worker."""

    def __init__(self, templates: TemplateFolders, config: SiteConfig, build_date: int, logo: Logo | None = None,
                 workers: int = 1, cache_dir: Path | None = None):
        self.templates, self.config, self.build_date = templates, config, build_date
        self.options = PrintOptions(paper=config.paper, gutter_mm=config.gutter_mm, footer=config.footer,
                                    publisher=config.publisher, logo=logo.data_uri() if logo else None,
                                    footers=tuple((tag, words.footer) for tag, words in config.translations.items()
                                                  if words.footer is not None))
        self.env = print_html.environment(templates, cache_dir is not None)
        self.theme = _located(lambda: theme_css(self.env, self.options, config.brand))
        self.cache = PdfCache(cache_dir)
        self.workers = PdfWorkers(workers, templates, self.theme, build_date)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.workers.__exit__(*exc)

    def start(self) -> None:
        """Start the worker processes now: they set up WeasyPrint while the caller goes on."""
        self.workers.start()

    def release(self) -> None:
        """Let the workers end while the caller finishes (it renders nothing more)."""
        self.workers.release()

    def submit(self, function, *arguments):
        """Other work for a worker (building the site), queued behind the documents handed over so far;
        ``.result()`` waits for it. It and its arguments must be picklable."""
        return self.workers.submit(function, *arguments)

    def options_for(self, pathway: str | None = None, for_school: bool = False,
                    school: str | None = None) -> PrintOptions:
        """The project's print options for one kind of output: a school's packs (``for_school``, along
        ``pathway``) or a page naming a school (``school``, the collation report)."""
        return dataclasses.replace(self.options, pathway=pathway, for_school=for_school, school=school)

    def render(self, plan: Plan, paths: Collection[str] | None = None, pathway: str | None = None,
               for_school: bool = False, progress=lambda done, total, path, reused=False: None,
               stats: RenderStats | None = None, while_rendering=lambda: None) -> dict[str, PdfOutput]:
        """The documents and packs of ``plan`` (those at ``paths``, or every one), in plan order, reusing
        cached PDFs and rendering the rest in the workers. ``while_rendering`` is called once the documents
        are handed to the workers: other work for them (the site) queues behind the documents."""
        return _located(lambda: self._render(plan, paths, self.options_for(pathway, for_school), progress,
                                             stats if stats is not None else RenderStats(), while_rendering))

    def page(self, html: str) -> bytes:
        """A page of HTML that is no planned document (the collation report), printed like every other."""
        [(_, data, _)] = self.workers.run([("document", "", html, False)])
        return data

    def stamp_sheet(self, names: list[str]):
        """``names`` laid out for stamping onto packs (see :mod:`.stamp`), by a worker beside the
        documents; ``.result()`` gives the :class:`~.stamp.StampSheet`."""
        return self.workers.submit(_stamp_sheet, self.templates, self.theme, self.build_date, names)

    def _render(self, plan: Plan, paths, options: PrintOptions, progress, stats: RenderStats,
                while_rendering) -> dict[str, PdfOutput]:
        html = PlanHtml(plan, self.env, options)
        packs = [p for p in plan.packs if paths is None or p.path in paths]
        members = {d.path for p in packs for d in p.documents}
        docs = [d for d in plan.all_documents if paths is None or d.path in paths or d.path in members]
        other_formats = [e for e in plan.editions if paths is None or e.path in paths]
        sheets = [self.templates.file(f"print/{name}").read_text(encoding="utf-8") for name in PRINT_SHEETS]
        fingerprint = environment_fingerprint([*sheets, self.theme], options, self.build_date)
        # What places a scannable form's boxes besides its HTML, for its form id: the same on every machine
        # that builds the same project with the same auditpack. The theme is left out (it names the
        # font files by their paths on this machine), and so are library versions and code edits.
        placing = key(*sheets, repr(options), __version__)
        total = len(docs) + len(packs)
        outputs: dict[str, PdfOutput] = {}
        marked = {d.path: print_html.with_form_id(html.document(d), placing) for d in docs}
        htmls = {path: page for path, (page, _) in marked.items()}
        forms = {path: form for path, (_, form) in marked.items() if form}
        doc_keys = {d.path: key(fingerprint, d.variant or "", htmls[d.path]) for d in docs}
        titles = {d.path: d.title for d in docs} | {p.path: p.title for p in packs}

        def done(path: str, data: bytes, pages: int, cache_key: str, rendered: bool) -> None:
            outputs[path] = PdfOutput(path, titles[path], data, pages)
            if rendered:
                self.cache.put(cache_key, data, pages)
                stats.rendered += 1
                stats.paths.append(path)
            else:
                stats.reused += 1
            progress(len(outputs), total, path, not rendered)

        def reuse(items, keys: dict) -> list:
            """Take what the cache has; return the rest, to be rendered."""
            missing = []
            for item in items:
                hit = self.cache.get(keys[item.path])
                if hit:
                    done(item.path, *hit, keys[item.path], rendered=False)
                else:
                    missing.append(item)
            return missing

        missing = reuse(docs, doc_keys)
        # Longest first, so that no worker is left rendering a long form alone at the end.
        missing.sort(key=lambda d: len(htmls[d.path]), reverse=True)
        finished = self.workers.run([("document", d.path, htmls[d.path], d.variant == "fillable") for d in missing])
        while_rendering()
        made_here = {e.path: PdfOutput(e.path, e.title, editions.make(
            e, options, self.cache, htmls.get(e.document.path) or html.document(e.document), self.build_date), 0)
            for e in other_formats}  # while the workers render the PDFs
        for path, data, pages in finished:
            done(path, data, pages, doc_keys[path], rendered=True)
        made_here |= {layout.path: layout for layout in _layouts(docs, forms, outputs, options)}

        pack_keys = {p.path: key(fingerprint, "pack", html.cover(p, [outputs[d.path] for d in p.documents]),
                                 *[doc_keys[d.path] for d in p.documents]) for p in packs}
        jobs = []
        for p in reuse(packs, pack_keys):
            bound = [outputs[d.path] for d in p.documents]
            jobs.append(("pack", p.path, html.covers(p, bound), parts(p, bound), p.content.programme.language))
        for path, data, pages in self.workers.run(jobs):
            done(path, data, pages, pack_keys[path], rendered=True)
        return {path: outputs[path] for path in [d.path for d in docs] + [p.path for p in packs]} | made_here


def _layouts(docs, forms: dict[str, str], outputs: dict[str, PdfOutput], options: PrintOptions) -> list[PdfOutput]:
    """The ``.layout.json`` of each scannable form, read from its PDF (see :mod:`.scan_layout`)."""
    made = []
    for d in docs:
        if d.path in forms:
            identity = FormIdentity(forms[d.path], d.programme.id, d.programme.version, d.kind, d.variant or "standard",
                                    options.paper, d.questionnaire.id if d.questionnaire else None,
                                    d.audience.id if d.audience else None)
            made.append(PdfOutput(layout_path(d.path), d.title, layout_json(outputs[d.path].data, identity), 0))
    return made


def _stamp_sheet(templates: TemplateFolders, theme: str, build_date: int, names: list[str]) -> StampSheet:
    """In a worker: the sheet is laid out by a PDF renderer of its own, as it always has been."""
    return StampSheet.render(PdfRenderer(templates, theme, build_date), names)


def _located(render):
    """Run a renderer, turning a template mistake into a located message."""
    try:
        return render()
    except jinja2.TemplateError as exc:
        raise TemplateProblem.from_jinja(exc) from None
