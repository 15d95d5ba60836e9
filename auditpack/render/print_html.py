"""Model -> HTML for print, one Jinja2 template per document kind (see :data:`auditpack.kinds.KINDS`).

Pure: takes planned documents and returns HTML strings; WeasyPrint is not
imported here, so the HTML can be tested and inspected on its own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from .. import bilingual, i18n, scan_code, wording
from ..documents import Pack, PrintDocument
from ..kinds import PDF, WEEKLY_TASK
from ..model import Content, Task
from ..template_folders import TemplateFolders
from . import sandbox, text


@dataclass(frozen=True)
class PrintOptions:
    paper: str = "A4"
    gutter_mm: float = 0
    footer: str = ""
    school: str | None = None
    """A name printed in the running header (the collation report). Planned documents and packs are
    never rendered with a name: render.stamp draws it on the finished PDFs, so they can be shared."""
    for_school: bool = False
    """A per-school pack: its cover gets a 'Prepared for' line for render.stamp to fill."""
    pathway: str | None = None
    """The one pathway a per-school pack follows; its tasks need no 'only' mark."""
    logo: str | None = None
    """The publisher's logo as a data: URI, so the renderer needs no access to the project folder."""
    publisher: str = ""
    footers: tuple[tuple[str, str], ...] = ()
    """The footer in other languages, (language tag, footer): a document in one of them prints its own."""

    def footer_in(self, language: str) -> str:
        return next((text for tag, text in self.footers if i18n.tag_key(tag) == i18n.tag_key(language)),
                    self.footer)


@dataclass(frozen=True)
class ContentsEntry:
    title: str
    href: str
    """Where the entry links to; see render.bind.LINK_SCHEME."""
    page: int
    stage: object = None


FILTERS = dict(md=text.md, md_inline=text.md_inline, long_date=text.long_date, days=text.days,
               activity_name=text.activity_name, in_each_language=text.in_each_language, one_of=text.one_of,
               all_of=text.all_of, written=i18n.written, **wording.FILTERS)


def environment(templates: TemplateFolders, compiled: bool = False, *more_kinds: str) -> jinja2.Environment:
    """``compiled``: keep compiled templates between builds (see :func:`.sandbox.environment`).
    The folders of ``more_kinds`` are searched after ``print/`` (``""``: the templates folders themselves)."""
    folders = [folder for kind in ("print", *more_kinds) for folder in templates.folders(kind)]
    env = sandbox.environment(*folders, filters=FILTERS,
                              globals={"page_counter_css": page_counter_css, "direction": i18n.direction},
                              compiled="print" if compiled else None,
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    i18n.install(env)
    return env


def page_counter_css(second_line: str | None = None) -> Markup:
    """'Page 1 of 2' as a CSS ``content`` value, in the language being written: the translated words as
    CSS strings around ``counter(page)`` and ``counter(pages)``, and ``second_line`` under them."""
    words = i18n.gettext("Page %(page)s of %(pages)s") % {"page": "\x01", "pages": "\x02"}
    words = "\n".join(dict.fromkeys(bilingual.halves(words)))  # a bilingual document's: a line each
    parts = [{"\x01": "counter(page)", "\x02": "counter(pages)"}.get(part) or css_string(part)
             for part in re.split("([\x01\x02])", words) if part]
    if second_line:
        parts.append(css_string("\n" + Markup(second_line).unescape()))
    return Markup(" ".join(parts))


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end early or open a comment: every character but
    letters, digits and spaces written as a CSS escape."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def anchor_for(doc: PrintDocument) -> str:
    """A unique anchor per document, so a bound pack's contents can link to each one."""
    return "doc-" + doc.path.removesuffix(PDF.extension).replace("/", "-")


def render_document(env: jinja2.Environment, doc: PrintDocument, options: PrintOptions,
                    stage_documents: Sequence[PrintDocument] = ()) -> str:
    """A bilingual document is written in both its languages, each pair of texts set out at the end."""
    if doc.languages:
        first, second = doc.languages
        footer = bilingual.both(options.footer_in(first), options.footer_in(second))
        options = dataclasses.replace(options, footer=footer)
        with i18n.speaking(first, also=second):
            return bilingual.markup(_render_document(env, doc, options, stage_documents),
                                    (first, i18n.direction_of(first)), (second, i18n.direction_of(second)))
    options = dataclasses.replace(options, footer=options.footer_in(doc.programme.language))
    with i18n.speaking(doc.programme.language):
        return _render_document(env, doc, options, stage_documents)


def _render_document(env: jinja2.Environment, doc: PrintDocument, options: PrintOptions,
                     stage_documents: Sequence[PrintDocument]) -> str:
    template = env.get_template(doc.declared.template)
    return template.render(
        doc=doc, content=doc.content, programme=doc.programme, stage=doc.stage,
        school=options.school, pathway=options.pathway, footer=options.footer, doc_anchor=anchor_for(doc),
        stage_documents=list(stage_documents), school_anchor=school_anchors(),
        roles_in=lambda tasks: _roles_in(doc.content, tasks),
        role_names=lambda ids: ", ".join(doc.content.role(i).name for i in ids),
        pathway_name=lambda pid: doc.content.pathway(pid).name,
        item_number=doc.questionnaire.item_number if doc.questionnaire else None,
        section_number=doc.questionnaire.section_number if doc.questionnaire else None,
        phrases=wording.phrases(doc.questionnaire) if doc.questionnaire else None,
        blank_rows=lambda n: [""] * n,
        typical_effort=lambda components: text.days(max((c.effort_days for c in components), default=1.5)),
        task_time=None,
        checkin_task=_checkin_task(doc),
        scan_form=scan_code.PLACEHOLDER if scanned_on_paper(doc) else None, scan_pages=scan_code.MAX_PAGES,
    )


def scanned_on_paper(doc: PrintDocument) -> bool:
    """Whether a document's pages carry corner marks and a page code for ``auditpack scan``: a kind
    read back from paper, on a questionnaire, printed to be filled in by hand (not the fillable or
    blank copy)."""
    return doc.declared.scanned and doc.questionnaire is not None and doc.variant in (None, "large-print")


def with_form_id(html: str, *layout: str) -> tuple[str, str | None]:
    """The HTML of a document and its form id: for a scannable one, a hash of the HTML itself and of
    ``layout`` (what else places its boxes: paper, stylesheets), put in place of the placeholder
    (see scan_code); for any other, the HTML as it is and None."""
    if scan_code.PLACEHOLDER not in html:
        return html, None
    form = scan_code.form_id(html, *layout)
    return html.replace(scan_code.PLACEHOLDER, form).replace(scan_code.words(scan_code.PLACEHOLDER),
                                                             scan_code.words(form)), form


def render_cover(env: jinja2.Environment, pack: Pack, contents: list[ContentsEntry], options: PrintOptions) -> str:
    with i18n.speaking(pack.content.programme.language):
        return env.get_template("cover.html.j2").render(
            pack=pack, programme=pack.content.programme, contents=contents, for_school=options.for_school,
            school_anchor=school_anchors(), pathway=options.pathway, logo=options.logo,
            site_publisher=options.publisher, footer=options.footer_in(pack.content.programme.language))


SCHOOL_ANCHOR = "school-name"
"""Ids of the places where a school's name belongs start with this; see render.stamp."""


def school_anchors():
    """A fresh ``school-name-1``, ``school-name-2``... for each call: ids unique within one document."""
    count = iter(range(1, 1_000_000))
    return lambda: f"{SCHOOL_ANCHOR}-{next(count)}"


def render_theme_css(env: jinja2.Environment, options: PrintOptions, brand, fonts) -> str:
    return env.get_template("theme.css.j2").render(paper=options.paper, gutter=options.gutter_mm, brand=brand,
                                                   fonts=fonts)


def _roles_in(content: Content, tasks: list[Task]):
    """Roles owning any of the tasks, in the order the programme declares them."""
    owners = {o for t in tasks for o in t.owners}
    return [r for r in content.roles if r.id in owners]


def _checkin_task(doc: PrintDocument) -> Task | None:
    """The stage task with a weekly time, which a kind drawing on it (the check-in log) records."""
    if WEEKLY_TASK not in doc.declared.draws_on or doc.stage is None:
        return None
    return next((t for t in doc.stage.tasks if t.time and "week" in t.time), None)
