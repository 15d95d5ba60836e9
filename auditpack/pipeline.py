"""The one build pipeline: load -> validate -> plan -> render -> write.

Everything is rendered in memory and checked before anything is written, and
outputs are swapped in only when complete, so a failed build leaves the
previous site as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import codes, documents, freshness, i18n, output, site, translations
from .config import SiteConfig, load_settings
from .errors import ContentError, ContentErrors, Location, TemplateProblem
from .i18n import tell
from .kinds import PDF, format_of
from .logo import Logo
from .model import EARLIEST_PUBLISHED, LATEST_STAMP, Content
from .output import build_lock, check_paths, replacing, write_files
from .render import pages as site_pages
from .render import sandbox
from .render.online_form import blank_tally_sheets
from .render.packs import RenderStats
from .render.renderer import Renderer
from .render.workers import default_workers
from .schools import slugify
from .template_folders import TemplateFolders
from .validate import Checked, check_programmes


@dataclass(frozen=True)
class Project:
    root: Path
    config: SiteConfig
    config_file: Path | None = None
    logo: Logo | None = None
    """The logo the settings name, read and checked once; the site and every PDF use these bytes."""

    @classmethod
    def open(cls, root: Path, config_file: Path | None = None) -> Project:
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
    fixed_date: str | None = None
    """SOURCE_DATE_EPOCH as the user set it: the date stamped into the output, in place of the newest
    'published' date. The command reads it from the environment; nothing below it does."""


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
    warnings: tuple[ContentError, ...] = ()
    """What the content would be better with; said when it was built (an unchanged build re-reads nothing)."""

    def counts(self) -> dict:
        return {"programmes": self.programmes, "pages": self.pages, "pdfs": self.pdfs,
                "pdf_pages": self.pdf_pages, "pdf_bytes": self.pdf_bytes}


def check(project: Project) -> list[Content]:
    return checked(project).programmes


def checked(project: Project) -> Checked:
    """The project's programmes and the warnings about them (ContentErrors if any is unusable)."""
    return check_programmes(project.content_dir)


def build(project: Project, progress=lambda done, total, path, reused=False: None,
          options: BuildOptions = BuildOptions()) -> BuildSummary:
    """The whole site; one build at a time per project (a second is refused at once).

    If nothing that the build reads has changed since the last one, and its output is as it
    left it, nothing is done at all."""
    started = time.perf_counter()
    output.check_output(project.output_dir, output.SITE, project.own_files)  # refused before any work
    output.check_output(project.work_dir, output.WORK, project.own_files)
    with build_lock(project.root / project.config.work_dir):
        digest = freshness.inputs_digest(project, options.fixed_date)
        previous = freshness.unchanged(project.cache_dir, project.output_dir, digest) if options.use_cache else None
        if previous:
            output.clear_leftovers(project.output_dir, output.SITE)  # what a killed build left, as a build would
            output.clear_leftovers(project.work_dir, output.WORK)
            return BuildSummary(**previous, seconds=time.perf_counter() - started, output_dir=project.output_dir,
                                reused=previous["pdfs"], unchanged=True)
        summary = _build(project, progress, options)
        freshness.remember(project.cache_dir, project.output_dir, digest, summary.counts())
        return summary


@dataclass(frozen=True)
class Edition:
    """The site and PDFs in one language: the programmes in their own languages at the top of the
    output folder, and those translated into another language in a folder named for it (``cy/``)."""

    folder: str
    """'' for the programmes as written, else the language tag."""
    programmes: list[Content]
    language: str
    """The language of the site's own words (Material's, and auditpack's pages)."""
    bilingual: tuple[documents.InTwoLanguages, ...] = ()
    """The programmes in two languages whose bilingual forms it publishes."""


def editions(project: Project, programmes: list[Content], translated: list[Content]) -> list[Edition]:
    """The source edition, then one per language the programmes are translated into, in the order first
    listed. Each publishes the bilingual forms of its language with the programme's own; the source
    edition, all of them."""
    languages = list(dict.fromkeys(c.programme.language for c in translated))
    bilingual = in_two_languages(programmes, translated)
    return [Edition("", programmes, project.config.language, bilingual)] + [
        Edition(language, [c for c in translated if c.programme.language == language], language,
                tuple(two for two in bilingual if language in two.languages))
        for language in languages]


def in_two_languages(programmes: list[Content], translated: list[Content]) -> tuple[documents.InTwoLanguages, ...]:
    """Each translated programme with its source, in the order its ``bilingual_first`` says."""
    source = {c.programme.id: c for c in programmes}
    paired = []
    for other in translated:
        own = source[other.programme.id]
        languages = own.programme.first_of(own.programme.language, other.programme.language)
        first, second = (own, other) if languages[0] == own.programme.language else (other, own)
        paired.append(documents.InTwoLanguages(translations.in_both(first, second), languages))
    return tuple(paired)


def _build(project: Project, progress, options: BuildOptions) -> BuildSummary:
    started = time.perf_counter()
    programmes, warnings, translated = checked(project)  # the content is valid before any PDF worker starts
    date = build_date(programmes, options.fixed_date)
    all_editions = editions(project, programmes, translated)
    plans = [documents.plan(edition.programmes, tuple(project.config.variants), bilingual=edition.bilingual)
             for edition in all_editions]
    for plan in plans:
        check_paths([d.path for d in plan.all_documents] + [p.path for p in plan.packs])  # none overwrites another
    stats = RenderStats()
    printed, pages = [], 0
    with renderer(project, date, project.workers(options.workers), options.use_cache) as pdf_renderer:
        pdf_renderer.start()  # the workers set up WeasyPrint while the pages are made
        with replacing(project.output_dir, output.SITE, project.own_files) as site_dir, \
                replacing(project.work_dir, output.WORK, project.own_files) as work_dir:
            for edition, plan in zip(all_editions, plans, strict=True):
                pdfs, made = _build_edition(project, edition, all_editions, plan, pdf_renderer, date,
                                            site_dir / edition.folder, work_dir / edition.folder, progress, stats)
                printed += [pdf for path, pdf in pdfs.items() if format_of(path) is PDF]  # not the Word files
                pages += made
            pdf_renderer.release()
            write_site_zip(site_dir, site_zip_name(project))
    return BuildSummary(len(programmes), pages, len(printed), sum(p.pages for p in printed),
                        sum(len(p.data) for p in printed), time.perf_counter() - started,
                        project.output_dir, stats.rendered, stats.reused, warnings=tuple(warnings))


def _build_edition(project: Project, edition: Edition, every: list[Edition], plan: documents.Plan, pdf_renderer,
                   date: int, site_dir: Path, work_dir: Path, progress, stats: RenderStats) -> tuple[dict, int]:
    """One edition's PDFs and site, its site built by a worker beside its PDFs. The source edition's
    site comes first: MkDocs empties its site folder, which holds the other editions' folders."""
    with i18n.speaking(edition.language):  # the site's pages and their figures (documents set their own)
        pending = site_pages.pending_pdfs(plan)
        files, settings, pages = site_sources(project, edition.programmes, plan, pending,
                                              alternates(edition, every), edition.language if edition.folder else None)
        write_files(work_dir, files)
        mkdocs_yml = site.write_project(work_dir, settings)
        site_built = []

        def build_site_beside_pdfs() -> None:
            """A worker builds the site once it has started on the PDFs (their page counts and sizes are
            filled in afterwards)."""
            site_built.append(pdf_renderer.submit(site.build_site, mkdocs_yml, site_dir, date, True))

        pdfs = pdf_renderer.render(plan, progress=progress, stats=stats, while_rendering=build_site_beside_pdfs)
        site_built[0].result()
        _add_pdfs(work_dir / "docs", site_dir, pdfs, site_pages.facts(project.templates, pending, pdfs))
        return pdfs, len(pages)


def alternates(edition: Edition, every: list[Edition]) -> list[dict]:
    """The site's language switcher: each edition, named in its own language, with its root relative
    to this edition's and the programmes it has. A programme's pages have the same paths in every
    edition that has it (``PROGRAMME/...``) and the top-level pages are in all of them, so the
    switcher opens the same page in the other language, else that edition's home page (see
    theme/partials/alternate.html). None when there is one edition."""
    if len(every) == 1:
        return []
    up = "../" if edition.folder else ""
    roots = {other.folder: f"{up}{other.folder + '/' if other.folder else ''}" for other in every}
    return [{"name": i18n.language_name(other.language), "lang": other.language, "root": roots[other.folder],
             "link": f"{roots[other.folder]}index.html", "programmes": [c.programme.id for c in other.programmes]}
            for other in every]


def _add_pdfs(docs_dir: Path, site_dir: Path, pdfs: dict, facts: dict[bytes, bytes]) -> None:
    """The finished PDFs in place of their empty stand-ins, and their figures on the pages."""
    for folder in (docs_dir, site_dir):
        site_pages.fill_in(folder, facts)
        write_files(folder / site_pages.DOWNLOADS, {path: pdf.data for path, pdf in pdfs.items()})


def renderer(project: Project, date: int, workers: int = 1, use_cache: bool = False) -> Renderer:
    """The project's renderer: its templates, settings and logo, the build date ``date``, ``workers``
    processes and, if ``use_cache``, its cache of PDFs. Every command makes its PDFs through one."""
    return Renderer(project.templates, project.config, date, project.logo, workers,
                    project.cache_dir if use_cache else None)


def site_sources(project: Project, programmes: list[Content], plan: documents.Plan, pdfs: dict,
                 languages: list[dict] | None = None, language: str | None = None):
    """Everything MkDocs needs, as ``{path: content}`` under a work folder, plus its settings.
    ``languages``: the language switcher's entries (see :func:`alternates`); ``language``: the
    site's own, if not the settings' ``language``."""
    zip_name = site_zip_name(project) if not language else None  # the whole site's copy is at the top only
    pages = _rendering(lambda: site_pages.render_pages(programmes, plan, pdfs, project.config,
                                                        project.templates, site_zip=zip_name))
    files: dict[str, bytes | str] = {f"docs/{path}": text for path, text in pages.items()}
    files |= {f"docs/{site_pages.DOWNLOADS}/{path}": pdf.data for path, pdf in pdfs.items()}
    files |= {f"docs/{site_pages.DOWNLOADS}/{path}": text for path, text in blank_tally_sheets(programmes).items()}
    files |= _site_assets(project.templates)
    files |= site.theme_files()
    files["docs/assets/brand.css"] = _rendering(lambda: _brand_css(project))
    if zip_name:
        files[f"docs/{zip_name}"] = b""  # replaced by the real archive once the site is built
    if project.logo:
        files[f"docs/{project.logo.site_path}"] = project.logo.data
    config = project.config.in_language(language).model_copy(update={"language": site.theme_language(language)}) \
        if language else project.config
    settings = site.mkdocs_config(config, site_pages.navigation(programmes, pages), ["assets/brand.css"],
                                  project.logo.site_path if project.logo else None, languages or [])
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


def build_date(programmes: list[Content], fixed: str | None = None) -> int:
    """The date stamped into output (fonts, the sitemap), in seconds since 1970: the newest publication
    date, so the same content always gives the same bytes; or ``fixed``, SOURCE_DATE_EPOCH as the user
    set it, if output can be stamped with it (the tools that read it fail on anything else, deep in the build).
    Programmes without any date are stamped with the earliest date, still the same every time."""
    newest = max((c.programme.published for c in programmes if c.programme.published), default=EARLIEST_PUBLISHED)
    if fixed is None:
        return int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC).timestamp())
    if not (re.fullmatch("[0-9]+", fixed) and int(fixed) <= LATEST_STAMP):
        raise ContentErrors([ContentError(
            codes.INVALID_EPOCH, Location("SOURCE_DATE_EPOCH"),
            tell("%(value)s is not a time the site and PDFs can be stamped with") % {"value": repr(fixed)},
            expected=tell("a whole number of seconds since 1970, from 0 to %(latest)d") % {"latest": LATEST_STAMP},
            hint=tell("unset it to date the build by the newest 'published' date"))])
    return int(fixed)


def _rendering(render):
    """Run a renderer, turning a template mistake into a located message."""
    try:
        return render()
    except jinja2.TemplateError as exc:
        raise TemplateProblem.from_jinja(exc) from None


def _site_assets(templates: TemplateFolders) -> dict[str, bytes]:
    """Static files the site needs, shipped with the templates so nothing is fetched online
    (and, from a project's own templates, nothing from outside its templates folder)."""
    return {f"docs/assets/{name}": path.read_bytes()
            for name, path in templates.files("site/assets", sandbox.template_files).items()}


def _brand_css(project: Project) -> str:
    env = sandbox.environment(*project.templates.folders("site"))
    return env.get_template("brand.css.j2").render(brand=project.config.brand)
