"""The review page: every doubt with its picture and choices, saved as a decisions file, offline.

One self-contained HTML file beside the pictures; its script only gathers the choices and offers
them as a download, so it works opened from disk, with no server and no network.

The page is for the person running the scan, who settles its doubts and applies them with
``--apply-review``: like the command's messages, it is in their language (:func:`auditpack.i18n.reader`),
whatever the programmes of the forms are written in; the statements it quotes stay as the forms print them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from .. import i18n
from ..i18n import gettext as _
from ..i18n import ngettext
from ..render.sandbox import environment
from ..template_folders import TemplateFolders
from .results import DECISIONS_FORMAT, LEAVE_OUT, NO_ANSWER


@dataclass(frozen=True)
class Names:
    """How the page names a question and an answer: from the programme's content when it is known."""

    question: Callable[[str, str], str]
    """(questionnaire id, field) -> e.g. 'statement 4 (Staff know where to find help), doing'."""
    answer: Callable[[str, str], str]
    """(questionnaire id, value) -> e.g. '3 Mostly'."""


PLAIN = Names(lambda _q, field: _("statement %(item)s, %(question)s") % {
    "item": field.split(":", 2)[1], "question": field.split(":", 2)[2]}, lambda _q, value: value)


def review_html(state: dict[str, Any], folder: str, templates: TemplateFolders, names: Names = PLAIN,
                language: str | None = None) -> str:
    """The page, in ``language`` (default: the language of this run's messages, see the module's doc)."""
    with i18n.speaking(language or i18n.reader()):
        return _review_html(state, folder, templates, names)


def _review_html(state: dict[str, Any], folder: str, templates: TemplateFolders, names: Names) -> str:
    doubts, writing = [], []
    for response in state["responses"]:
        questionnaire = response["identity"].get("questionnaire") or ""
        for doubt in response["doubts"]:
            if doubt["field"] is None:
                question = _("the whole response")
                choices = [("count", _("Count the pages that were read")), (LEAVE_OUT, _("Leave this response out"))]
            else:
                question = names.question(questionnaire, doubt["field"])
                choices = [(value, _("Box %(answer)s") % {"answer": names.answer(questionnaire, value)})
                           for value in doubt["candidates"]]
                choices.append((NO_ANSWER, _("No answer to this question")))
            reason = _(doubt["reason"]) if doubt["reason"] else ""  # decide's doubts are kept in English
            doubts.append({**doubt, "reason": reason, "question": question, "choices": choices,
                           "title": f"{response['name']}: {question}"})
        writing += [(response["name"], area, picture) for area, picture in sorted(response["writing"].items())]
    pages = environment(*templates.folders("scan"), autoescape=True, undefined=jinja2.StrictUndefined,
                        keep_trailing_newline=True)  # sandboxed: a project's own template is its author's code
    i18n.install(pages)
    language = i18n.base_language(i18n.current())
    language = language if language in i18n.languages() else "en"  # no catalogue: the page is in English
    return pages.get_template("review.html.j2").render(
        doubts=doubts, open_doubts=len(doubts), refused=state["refused"], writing=writing, summary=_summary(state),
        folder=folder, decisions_format=DECISIONS_FORMAT, lang=language, direction=i18n.direction_of(language),
        decided=[ngettext("%(decided)d of %(total)d decided, saved as decisions.json",
                          "%(decided)d of %(total)d decided, saved as decisions.json", n) % {
            "decided": n, "total": len(doubts)} for n in range(len(doubts) + 1)])


def _summary(state: dict[str, Any]) -> str:
    """What the scan found: forms, those read in full, questions to decide, pages not read and blank pages."""
    forms = len(state["responses"])
    settled = sum(1 for r in state["responses"] if not r["doubts"] and not r.get("left_out"))
    questions = sum(len(r["doubts"]) for r in state["responses"])
    refused, blank = len(state["refused"]), len(state["blank"])
    return _("%(forms)s; %(settled)s; %(questions)s; %(refused)s; %(blank)s.") % {
        "forms": ngettext("%(count)d form found", "%(count)d forms found", forms) % {"count": forms},
        "settled": ngettext("%(count)d read in full", "%(count)d read in full", settled) % {"count": settled},
        "questions": ngettext("%(count)d question to decide", "%(count)d questions to decide", questions) % {
            "count": questions},
        "refused": ngettext("%(count)d page not read", "%(count)d pages not read", refused) % {"count": refused},
        "blank": ngettext("%(count)d blank page", "%(count)d blank pages", blank) % {"count": blank}}
