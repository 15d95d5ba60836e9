"""Model -> the site's online form, one page per questionnaire, and a blank tally sheet per questionnaire.

The online form is plain HTML inside a Markdown page: real radio buttons grouped in fieldsets with
legends, so it works with a keyboard and a screen reader like any form. A small script
(``templates/site/assets/online-form.js``) keeps answers in the browser's localStorage until the
person saves them as a file for ``auditpack collate``; no server, works from ``file://``, nothing
is sent anywhere, and no names are asked for. Without the script the page says to use a PDF form.

Pure: returns text keyed by path; the build decides where it goes.
"""

from __future__ import annotations

import jinja2

from .. import i18n, wording
from ..answer_formats import FORMAT, FORMAT_VERSION, blank_sheet
from ..i18n import gettext as _
from ..kinds import KINDS
from ..model import Audience, Content, Item, Questionnaire
from ..template_folders import TemplateFolders
from . import safe, sandbox, text


def online_form_path(content: Content, questionnaire: Questionnaire, audience: Audience | None = None) -> str:
    """Where the page goes, relative to the site's docs folder: one per audience, if it has audiences."""
    suffix = f"-{audience.id}" if audience else ""
    return f"{content.programme.id}/answer-{questionnaire.id}{suffix}.md"


def audiences_of(questionnaire: Questionnaire) -> list[Audience | None]:
    """Who gets a form of their own: each audience, or (None) everyone when it declares none."""
    return list(questionnaire.audiences) or [None]


def tally_sheet_path(content: Content, questionnaire: Questionnaire, audience: Audience | None = None) -> str:
    """Where the blank tally sheet goes, relative to the downloads folder (an audience's beside it)."""
    suffix = f"-{audience.id}" if audience else ""
    return f"{content.programme.id}/{questionnaire.id}{suffix}-tallies.csv"


def render_online_forms(programmes: list[Content], templates: TemplateFolders) -> dict[str, str]:
    """``{page path: Markdown}``: one online-form page per questionnaire of every programme."""
    template = _environment(templates).get_template("online-form.md.j2")
    pages: dict[str, str] = {}
    for content in programmes:
        with i18n.speaking(content.programme.language):  # a form is answered in its programme's language
            pages |= _forms_of(template, content)
    return pages


def _forms_of(template: jinja2.Template, content: Content) -> dict[str, str]:
    pages = {}
    messages = _script_messages()
    for q in content.questionnaires:
        for audience in audiences_of(q):
            path = online_form_path(content, q, audience)
            key = f"{q.id}:{audience.id}" if audience else q.id
            pages[path] = template.render(
                content=content, programme=content.programme, q=q, page_path=path, audience=audience,
                title=audience.title_in(q) if audience else q.title,
                introduction=audience.introduction or q.introduction if audience else q.introduction,
                sections=q.sections_for(audience), statement=audience.statement if audience else _text,
                phrases=wording.phrases(q),
                storage_key=f"auditpack:{content.programme.id}:{key}:{content.programme.version}",
                export_format=FORMAT, export_format_version=FORMAT_VERSION,
                role_names=audience.name if audience else ", ".join(content.role(r).name for r in q.respondents),
                group_rated=group_rated(content, q), messages=messages)
    return pages


def _script_messages() -> dict[str, str]:
    """What online-form.js says, in the language being written; ``{count}`` and ``{file}`` are filled in there."""
    return {
        "notKept": _("Your browser would not keep your answers; save them as a file before you leave this page."),
        "nothing": _("There are no answers to save yet."),
        "saved": _("Saved {count} answers as {file} in your downloads. Hand that file in; if you change an answer, "
                   "save again and hand in the new file."),
        "confirmClear": _("Clear every answer on this form? Answers you have not saved as a file will be lost."),
        "cleared": _("Your answers were cleared. The form is ready for a new response."),
        "noStorage": _("This browser will not keep your answers if you leave the page: save them as a file when "
                       "you finish."),
    }


def _text(item: Item) -> str:
    return item.text


def group_rated(content: Content, questionnaire: Questionnaire) -> bool:
    """A stage gives groups a form to answer this questionnaire on: its online form may be a group's too."""
    return any(spec.questionnaire == questionnaire.id and KINDS[spec.kind].group and KINDS[spec.kind].scannable
               for stage in content.stages for spec in stage.documents)


def blank_tally_sheets(programmes: list[Content]) -> dict[str, str]:
    """``{download path: CSV text}``: a blank tally sheet per questionnaire, and one per audience of it,
    UTF-8 with a byte-order mark."""
    return {tally_sheet_path(content, q, audience): blank_sheet(q, audience)
            for content in programmes for q in content.questionnaires for audience in [None, *q.audiences]}


def _environment(templates: TemplateFolders) -> jinja2.Environment:
    """Autoescaping on: the form is raw HTML, and every value placed in it must be escaped."""
    env = sandbox.environment(
        *templates.folders("site"), autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
        filters=dict(md_inline=text.md_inline, safe_inline=safe.safe_inline, safe_markdown=safe.safe_markdown,
                     **wording.FILTERS))
    i18n.install(env)
    return env
