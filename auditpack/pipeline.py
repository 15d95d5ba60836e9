"""The one build pipeline: load -> validate -> plan -> render -> write.

Everything is rendered in memory and checked before anything is written, and
outputs are swapped in only when complete, so a failed build leaves the
previous site as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import documents, freshness, output, site
from .config import SiteConfig, load_settings
from .errors import ContentError, ContentErrors, Location, TemplateProblem
from .logo import Logo
from .model import LATEST_STAMP, Content
from .output import build_lock, check_paths, replacing, write_files
from .render import pages as site_pages
from .render import print_html, sandbox
from .render.online_form import blank_tally_sheets
from .render.packs import RenderStats, default_workers, render_all, theme_css
from .render.workers import PdfWorkers
from .render.print_html import PrintOptions
from .template_folders import TemplateFolders
from .schools import SchoolRequest, slugify, tailor
from .validate import load_programmes

USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")
"""The build date the user fixed, if any, before :func:`pin_build_date` sets one of its own."""


@dataclass(frozen=True)
class Project:
    root: Path
    config: SiteConfig
    config_file: Path | None = None
    logo: Logo | None = None
    """The logo the settings name, read and checked once; the site and every PDF use these bytes."""

    @classmethod
    def open(cls, root: Path, config_file: Path | None = None) -> "Project":
        root = root.resolve()
        config_file = (config_file or root / "site_config.yml").resolve()
        settings = load_settings(config_file, root)
        return cls(root, settings.config, config_file, settings.logo)

    @property
    def own_files(self) -> output.ProjectFiles:
        """What no output folder may replace, hold or be written into."""
        return output.ProjectFiles(self.root, self.content_dir.resolve(),
                                   (self.config_file or self.root / "site_config.yml").resolve(),
                                   (self.root / "templates").resolve())

    @property
    def content_dir(self) -> Path:
        return self.root / self.config.content_dir

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.output_dir

    @property
    def work_dir(self) -> Path:
        return self.root / self.config.work_dir / "mkdocs"

    @property
    def cache_dir(self) -> Path:
        return self.root / self.config.work_dir / "cache"

    def workers(self, override: int | None = None) -> int:
        chosen = override if override is not None else self.config.workers
        return chosen or default_workers()

    @property
    def templates(self) -> TemplateFolders:
        """The project's own templates, each in place of auditpack's of the same name."""
        return TemplateFolders.for_project(self.root)


@dataclass(frozen=True)
class BuildOptions:
    workers: int | None = None
    """None: from site_config.yml (0 there means one per core)."""
    use_cache: bool = True


@dataclass(frozen=True)
class BuildSummary:
    programmes: int
    pages: int
    pdfs: int
    pdf_pages: int
    pdf_bytes: int
    seconds: float
    output_dir: Path
    rendered: int = 0
    reused: int = 0
    unchanged: bool = False
    """True when nothing had changed since the last build, so nothing was done."""

    def counts(self) -> dict:
        return {"programmes": self.programmes, "pages": self.pages, "pdfs": self.pdfs,
                "pdf_pages": self.pdf_pages, "pdf_bytes": self.pdf_bytes}


def check(project: Project) -> list[Content]:
    return load_programmes(project.content_dir)


def build(project: Project, progress=lambda done, total, path, reused=False: None,
          options: BuildOptions = BuildOptions()) -> BuildSummary:
    """The whole site; one build at a time per project (a second is refused at once).

    If nothing that the build reads has changed since the last one, and its output is as it
    left it, nothing is done at all."""
    started = time.perf_counter()
    output.check_output(project.output_dir, output.SITE, project.own_files)  # refused before any work
    output.check_output(project.work_dir, output.WORK, project.own_files)
    with build_lock(project.root / project.config.work_dir):
        digest = freshness.inputs_digest(project, USER_EPOCH)
        previous = freshness.unchanged(project.cache_dir, project.output_dir, digest) if options.use_cache else None
        if previous:
            output.clear_leftovers(project.output_dir, output.SITE)  # what a killed build left, as a build would
            output.clear_leftovers(project.work_dir, output.WORK)
            return BuildSummary(**previous, seconds=time.perf_counter() - started, output_dir=project.output_dir,
                                reused=previous["pdfs"], unchanged=True)
        summary = _build(project, progress, options)
        freshness.remember(project.cache_dir, project.output_dir, digest, summary.counts())
        return summary


def _build(project: Project, progress, options: BuildOptions) -> BuildSummary:
    started = time.perf_counter()
    with _started_workers(project, options) as workers:  # they set up WeasyPrint while the content loads
        programmes = check(project)
        pin_build_date(programmes)
        plan = documents.plan(programmes, tuple(project.config.variants))
        check_paths([d.path for d in plan.all_documents] + [p.path for p in plan.packs])  # no output overwrites another
        pending = site_pages.pending_pdfs(plan)
        files, settings, pages = site_sources(project, programmes, plan, pending)
        with replacing(project.output_dir, output.SITE, project.own_files) as site_dir, \
                replacing(project.work_dir, output.WORK, project.own_files) as work_dir:
            write_files(work_dir, files)
            mkdocs_yml = site.write_project(work_dir, settings)
            site_built = []

            def build_site_beside_pdfs() -> None:
                """A worker builds the site once it has started on the PDFs (their page counts and
                sizes are filled in afterwards)."""
                site_built.append(workers.submit(site.build_site, mkdocs_yml, site_dir, True))

            stats = RenderStats()
            pdfs = _render_pdfs(project, plan, print_options(project), progress, options, stats, workers,
                                build_site_beside_pdfs)
            site_built[0].result()
            workers.release()
            _add_pdfs(work_dir / "docs", site_dir, pdfs, site_pages.facts(project.templates, pending, pdfs))
            write_site_zip(site_dir, site_zip_name(project))
    return BuildSummary(len(programmes), len(pages), len(pdfs), sum(p.pages for p in pdfs.values()),
                        sum(len(p.data) for p in pdfs.values()), time.perf_counter() - started,
                        project.output_dir, stats.rendered, stats.reused)


def _add_pdfs(docs_dir: Path, site_dir: Path, pdfs: dict, facts: dict[bytes, bytes]) -> None:
    """The finished PDFs in place of their empty stand-ins, and their figures on the pages."""
    for folder in (docs_dir, site_dir):
        site_pages.fill_in(folder, facts)
        write_files(folder / site_pages.DOWNLOADS, {path: pdf.data for path, pdf in pdfs.items()})


def _render_pdfs(project: Project, plan, options: PrintOptions, progress, build_options: BuildOptions,
                 stats: RenderStats, workers: PdfWorkers | None = None, while_rendering=lambda: None) -> dict:
    cache = project.cache_dir if build_options.use_cache else None
    return _rendering(lambda: render_all(plan, project.templates, options, project.config.brand, progress,
                                         workers=project.workers(build_options.workers), cache_dir=cache,
                                         stats=stats, pool=workers, while_rendering=while_rendering))


def _started_workers(project: Project, options: BuildOptions) -> PdfWorkers:
    """PDF workers for a site build, started at once: they need the stylesheets, not the content."""
    theme = _rendering(lambda: theme_css(print_html.environment(project.templates), print_options(project),
                                         project.config.brand))
    return PdfWorkers(project.workers(options.workers), project.templates, theme, start_now=True)


def site_sources(project: Project, programmes: list[Content], plan: documents.Plan, pdfs: dict):
    """Everything MkDocs needs, as ``{path: content}`` under a work folder, plus its settings."""
    zip_name = site_zip_name(project)
    pages = _rendering(lambda: site_pages.render_pages(programmes, plan, pdfs, project.config,
                                                        project.templates, site_zip=zip_name))
    files: dict[str, bytes | str] = {f"docs/{path}": text for path, text in pages.items()}
    files |= {f"docs/{site_pages.DOWNLOADS}/{path}": pdf.data for path, pdf in pdfs.items()}
    files |= {f"docs/{site_pages.DOWNLOADS}/{path}": text for path, text in blank_tally_sheets(programmes).items()}
    files |= _site_assets(project.templates)
    files["docs/assets/brand.css"] = _rendering(lambda: _brand_css(project))
    files[f"docs/{zip_name}"] = b""  # replaced by the real archive once the site is built
    if project.logo:
        files[f"docs/{project.logo.site_path}"] = project.logo.data
    settings = site.mkdocs_config(project.config, site_pages.navigation(programmes, pages), ["assets/brand.css"],
                                  project.logo.site_path if project.logo else None)
    return files, settings, pages


def site_zip_name(project: Project) -> str:
    return f"{slugify(project.config.site_name)}.zip"


def write_site_zip(site_dir: Path, name: str) -> None:
    """The whole site in one file for schools to download and keep; byte-identical for the same site."""
    target = site_dir / name
    members = sorted(p for p in site_dir.rglob("*") if p.is_file() and p not in (target, site_dir / output.MARKER))
    with zipfile.ZipFile(target, "w") as archive:
        for path in members:
            info = zipfile.ZipInfo(path.relative_to(site_dir).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            compress = zipfile.ZIP_STORED if path.suffix in (".pdf", ".gz", ".png", ".zip") else zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compress_type=compress)


def pin_build_date(programmes: list[Content]) -> None:
    """Dates that tools stamp into output (fonts, the sitemap) become the newest publication date,
    so the same content always gives the same bytes. A SOURCE_DATE_EPOCH set by the user wins."""
    newest = max(c.programme.published for c in programmes)
    epoch = int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc).timestamp())
    os.environ["SOURCE_DATE_EPOCH"] = _user_epoch() or str(epoch)


def _user_epoch() -> str | None:
    """SOURCE_DATE_EPOCH as the user set it, if output can be stamped with it (the tools that read
    it fail on anything else, deep in the build)."""
    if USER_EPOCH is not None and not (re.fullmatch("[0-9]+", USER_EPOCH) and int(USER_EPOCH) <= LATEST_STAMP):
        raise ContentErrors([ContentError(
            Location("SOURCE_DATE_EPOCH"), f"{USER_EPOCH!r} is not a time the site and PDFs can be stamped with",
            expected=f"a whole number of seconds since 1970, from 0 to {LATEST_STAMP}",
            hint="unset it to date the build by the newest 'published' date")])
    return USER_EPOCH


def _rendering(render):
    """Run a renderer, turning a template mistake into a located message."""
    try:
        return render()
    except jinja2.TemplateError as exc:
        raise TemplateProblem.from_jinja(exc) from None


def build_school(project: Project, request: SchoolRequest, out_dir: Path | None = None,
                 progress=lambda done, total, path, reused=False: None,
                 options: BuildOptions = BuildOptions()) -> BuildSummary:
    """Packs for one school, in a folder of their own; the site is not touched.

    A batch of one (see :mod:`auditpack.batch`): documents are rendered without the name and
    shared through the cache with every other school that runs the programme the same way;
    the name is stamped onto the finished PDFs.
    """
    with build_lock(project.root / project.config.work_dir):  # shares build/cache with site builds
        return _build_school(project, request, out_dir, progress, options)


def _build_school(project: Project, request: SchoolRequest, out_dir, progress, options: BuildOptions) -> BuildSummary:
    from .batch import BatchSummary, SchoolJob, build_schools

    started = time.perf_counter()
    schools = None if out_dir else output.check_output(project.root / "schools", output.SCHOOLS, project.own_files)
    target = output.check_output(out_dir or output.child(schools, request.slug), output.SCHOOL, project.own_files)
    programmes = check(project)
    tailor(programmes, request)  # a wrong id is reported before anything is rendered
    summary = BatchSummary(out_dir=target)
    with output.claimed(schools, output.SCHOOLS, project.own_files) if schools else contextlib.nullcontext():
        build_schools(project, programmes, [SchoolJob(request, target)], summary, progress, options)
        if summary.problems:
            raise ContentErrors(summary.problems)
    [school] = summary.built
    return BuildSummary(1, 0, school.pdfs, school.pages, school.size, time.perf_counter() - started, target,
                        summary.stats.rendered, summary.stats.reused)


def print_options(project: Project, pathway: str | None = None, for_school: bool = False) -> PrintOptions:
    """How this project's PDFs are printed. ``for_school``: a school's packs, whose name is stamped
    on afterwards (see render.stamp), so the options never hold a name."""
    config = project.config
    return PrintOptions(paper=config.paper, gutter_mm=config.gutter_mm, footer=config.footer,
                        for_school=for_school, pathway=pathway, publisher=config.publisher,
                        logo=project.logo.data_uri() if project.logo else None)


def _site_assets(templates: TemplateFolders) -> dict[str, bytes]:
    """Static files the site needs, shipped with the templates so nothing is fetched online
    (and, from a project's own templates, nothing from outside its templates folder)."""
    return {f"docs/assets/{name}": path.read_bytes()
            for name, path in templates.files("site/assets", sandbox.template_files).items()}


def _brand_css(project: Project) -> str:
    env = sandbox.environment(*project.templates.folders("site"))
    return env.get_template("brand.css.j2").render(brand=project.config.brand)
