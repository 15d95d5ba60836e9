"""Model -> Markdown pages of the resource site, one Jinja2 template per page kind.

Pure: returns ``{path: markdown}``; the site engine (see :mod:`auditpack.site`)
turns the pages into HTML. Download links carry the format, page count and size
of each file (a PDF, and beside it the document in its kind's other formats). A
build does not wait for its PDFs to lay out the site: it passes
:class:`PendingPdf` placeholders, builds the site while the PDFs render, then
:func:`fill_in` writes the real figures where the placeholders are, in the
words the same template macros give (so the result is the same bytes).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import jinja2

from .. import i18n, wording
from ..config import SiteConfig
from ..documents import Edition, Pack, Plan, PrintDocument, stage_folder
from ..i18n import gettext as _
from ..kinds import FORMATS, format_of
from ..model import Audience, Content, Questionnaire, Role, Stage, Task
from ..template_folders import TemplateFolders
from . import online_form, safe, sandbox, text

DOWNLOADS = "downloads"
TEXT_FILES = (".md", ".html", ".json", ".js", ".xml")
"""Where a placeholder can end up: the Markdown, the built pages and the search index."""


@dataclass(frozen=True)
class PendingPdf:
    """A PDF that is not made yet; its page count and size are written as a placeholder."""

    path: str
    title: str
    number: int
    pending: ClassVar[bool] = True
    pages: ClassVar[int] = 1
    data: ClassVar[bytes] = b""

    def token(self, kind: str) -> str:
        """Letters and digits only, so Markdown, HTML and JSON all carry it through unchanged."""
        return f"AUDITPACK{kind.upper()}{self.number:05d}FACTS"


def pending_pdfs(plan: Plan) -> dict[str, PendingPdf]:
    items: list[PrintDocument | Pack | Edition] = [*plan.all_documents, *plan.packs, *plan.editions]
    return {item.path: PendingPdf(item.path, item.title, number) for number, item in enumerate(items)}


def facts(templates: TemplateFolders, pending: dict[str, PendingPdf], pdfs: dict) -> dict[bytes, bytes]:
    """Each placeholder and what it stands for, now that the PDFs are made."""
    macros: Any = _environment(templates).get_template("macros.md.j2").module  # attributes: the template's macros
    replacements = {}
    for path, placeholder in pending.items():
        replacements[placeholder.token("long").encode()] = str(macros.facts(pdfs[path])).encode()
        replacements[placeholder.token("short").encode()] = str(macros.short_facts(pdfs[path])).encode()
    return replacements


_PLACEHOLDER = re.compile(rb"AUDITPACK(?:LONG|SHORT)[0-9]{5}FACTS")


def fill_in(folder: Path, replacements: dict[bytes, bytes]) -> None:
    """Write the real figures over the placeholders in every text file under ``folder``."""
    for path in sorted(folder.rglob("*")):
        if path.suffix not in TEXT_FILES or not path.is_file():
            continue
        data = path.read_bytes()
        filled = _PLACEHOLDER.sub(lambda match: replacements.get(match.group(0), match.group(0)), data)
        if filled != data:
            path.write_bytes(filled)


def render_pages(programmes: list[Content], plan: Plan, pdfs: dict, config: SiteConfig,
                 templates: TemplateFolders, site_zip: str | None = None) -> dict[str, str]:
    env = _environment(templates)
    complete = {p.content.programme.id: p.path for p in plan.packs if p.stage is None}
    staged = {(p.content.programme.id, p.stage.id): p.path for p in plan.packs if p.stage is not None}
    common = dict(config=config, programmes=programmes, plan=plan, pdfs=pdfs, complete_packs=complete,
                  stage_packs=staged, paper=config.paper, site_zip=site_zip)
    pages = {"index.md": _render(env, "home.md.j2", "index.md", common),
             "downloads.md": _render(env, "downloads.md.j2", "downloads.md", common)}
    for content in programmes:
        pid = content.programme.id
        stage_pages = {s.id: stage_page(content, s) for s in content.stages}
        pages[f"{pid}/index.md"] = _render(env, "programme.md.j2", f"{pid}/index.md",
                                           {**common, "content": content, "stage_pages": stage_pages})
        for stage in content.stages:
            path = stage_pages[stage.id]
            documents = plan.for_stage(content, stage)
            pages[path] = _render(env, "stage.md.j2", path, {
                **common, "content": content, "stage": stage, "documents": documents,
                "stage_pack": staged[(pid, stage.id)], "answers_here": _answers_here(plan, content, documents)})
        if content.components:
            pages[f"{pid}/components.md"] = _render(env, "components.md.j2", f"{pid}/components.md",
                                                    {**common, "content": content})
        if content.changelog:
            pages[f"{pid}/changes.md"] = _render(env, "changes.md.j2", f"{pid}/changes.md",
                                                 {**common, "content": content})
        if content.guidance:
            pages[f"{pid}/guidance.md"] = _render(env, "guidance.md.j2", f"{pid}/guidance.md",
                                                  {**common, "content": content})
        for q in content.questionnaires:
            path = f"{pid}/questionnaire-{q.id}.md"
            common_q = {"all_routes": answer_routes(plan, content, q)}
            audiences = [(a, online_form.online_form_path(content, q, a), q.sections_for(a),
                          [d for d in plan.all_documents if d.audience is a and d.questionnaire is q])
                         for a in q.audiences]
            pages[path] = _render(env, "questionnaire.md.j2", path, {
                **common, **common_q, "content": content, "q": q, "number": q.item_number,
                "audiences": audiences})
    pages |= online_form.render_online_forms(programmes, templates)
    return pages


@dataclass(frozen=True)
class AnswerRoutes:
    """The ways answers to one questionnaire (or one audience's part of it) come back to be counted:
    what the pages that say so (templates/site/answers.md.j2) link to."""

    content: Content
    questionnaire: Questionnaire
    audience: Audience | None
    online_page: str
    tally_sheet: str
    """The blank tally sheet, relative to the site's docs folder."""
    forms: tuple[tuple[PrintDocument, PrintDocument | None], ...]
    """Each printed form its answers are given on (response form, group rating form), with its fillable variant."""
    gathers: bool = True
    """Whether the page it is shown on is where answers are gathered (else only where they are counted)."""
    collates: bool = True
    """Whether it is the last of its questionnaire's on the page, which says how to collate them all."""

    @property
    def title(self) -> str:
        return self.audience.title_in(self.questionnaire) if self.audience else self.questionnaire.title


def answer_routes(plan: Plan, content: Content, q: Questionnaire, gathers: bool = True) -> list[AnswerRoutes]:
    """One per audience of the questionnaire (or one for everyone), the last saying how to collate."""
    audiences = online_form.audiences_of(q)
    return [_routes(plan, content, q, audience, gathers, audience is audiences[-1]) for audience in audiences]


def _routes(plan: Plan, content: Content, q: Questionnaire, audience: Audience | None, gathers: bool,
            collates: bool) -> AnswerRoutes:
    forms: dict[str, tuple[PrintDocument, PrintDocument | None]] = {}
    for d in plan.for_programme(content):
        if d.declared.scannable and d.questionnaire is not None and d.questionnaire.id == q.id \
                and d.audience == audience and d.path not in forms:
            forms[d.path] = (d, next((v for v in plan.variants_of(d) if v.variant == "fillable"), None))
    return AnswerRoutes(content, q, audience, online_form.online_form_path(content, q, audience),
                        f"{DOWNLOADS}/{online_form.tally_sheet_path(content, q, audience)}", tuple(forms.values()),
                        gathers, collates)


def _answers_here(plan: Plan, content: Content, documents: list[PrintDocument]) -> list[AnswerRoutes]:
    """The questionnaires a stage gathers answers to (it has their response form) or counts (it has a
    document their answers are counted on), each once, those it gathers first."""
    gathered = {d.questionnaire.id: d.questionnaire for d in documents
                if d.questionnaire is not None and d.declared.scannable}
    counted = {d.questionnaire.id: d.questionnaire for d in documents
               if d.questionnaire is not None and d.declared.counts_answers and d.questionnaire.id not in gathered}
    return [*(r for q in gathered.values() for r in answer_routes(plan, content, q)),
            *(r for q in counted.values() for r in answer_routes(plan, content, q, gathers=False)[-1:])]


def stage_page(content: Content, stage: Stage) -> str:
    return f"{content.programme.id}/{stage_folder(stage)}.md"


def navigation(programmes: list[Content], pages: dict[str, str]) -> list:
    """The site's navigation, in the order an audit is run."""
    nav: list = [{_("Home"): "index.md"}]
    for content in programmes:
        pid = content.programme.id
        entries: list = [{_("Overview"): f"{pid}/index.md"}]
        entries += [{safe.plain_title(f"{s.number}. {s.title}"): stage_page(content, s)} for s in content.stages]
        if f"{pid}/components.md" in pages:
            entries.append({_("Components"): f"{pid}/components.md"})
        if f"{pid}/guidance.md" in pages:
            entries.append({_("Guidance"): f"{pid}/guidance.md"})
        for q in content.questionnaires:
            entries.append({safe.plain_title(q.title): f"{pid}/questionnaire-{q.id}.md"})
            entries += [{safe.plain_title(_("Answer online: %(title)s") % {"title": a.title_in(q) if a else q.title}):
                         online_form.online_form_path(content, q, a)} for a in online_form.audiences_of(q)]
        if f"{pid}/changes.md" in pages:
            entries.append({_("What's changed"): f"{pid}/changes.md"})
        nav.append({safe.plain_title(content.programme.short_title): entries})
    nav.append({_("Downloads"): "downloads.md"})
    return nav


def _render(env: jinja2.Environment, template: str, page_path: str, context: dict) -> str:
    return env.get_template(template).render(page_path=page_path, **context)


def _environment(templates: TemplateFolders) -> jinja2.Environment:
    filters = dict(long_date=text.long_date, days=text.days, activity_name=text.activity_name,
                   filesize=_filesize, cell=_cell, oneline=_oneline,
                   safe_markdown=safe.safe_markdown, safe_inline=safe.safe_inline,
                   role_name=lambda role_id, content: content.role(role_id).name,
                   numbered_title=lambda section, q: f"{q.section_number(section)}. {section.title}",
                   **wording.FILTERS)
    env = sandbox.environment(*templates.folders("site"), filters=filters,
                              globals=dict(link=_link, tasks_by_role=_tasks_by_role, task_count=_task_count,
                                           file_format=format_of),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)
    i18n.install(env)
    return env


def _link(page_path: str, target: str) -> str:
    """A relative link from one page to a page or download, as MkDocs resolves it."""
    if any(target.endswith(f.extension) for f in FORMATS.values()):
        target = f"{DOWNLOADS}/{target}"
    return posixpath.relpath(target, posixpath.dirname(page_path) or ".")


def _tasks_by_role(content: Content, stage: Stage) -> list[tuple[Role, list[Task]]]:
    return [(role, [t for t in stage.tasks if role.id in t.owners])
            for role in content.roles if any(role.id in t.owners for t in stage.tasks)]


def _task_count(content: Content, role_id: str) -> int:
    return sum(role_id in t.owners for s in content.stages for t in s.tasks)


def _filesize(size: int) -> str:
    """A download's size in the page's language: '12 KB', '1.4 MB' ('1,4 MB' where a comma is the decimal mark)."""
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": i18n.number(round(size / 1024), "0")}
    return _("%(size)s MB") % {"size": i18n.number(round(size / 1024 / 1024, 1), "0.0")}


def _oneline(value: str) -> str:
    return " ".join(str(value).split())


def _cell(value: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return _oneline(value).replace("|", "\\|")
