"""The review page: every doubt with its picture and choices, saved as a decisions file, offline.

One self-contained HTML file beside the pictures; its script only gathers the choices and offers
them as a download, so it works opened from disk, with no server and no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

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


PLAIN = Names(lambda _q, field: "statement " + field.split(":", 2)[1] + ", " + field.split(":", 2)[2],
              lambda _q, value: value)


def review_html(state: dict[str, Any], folder: str, templates: TemplateFolders, names: Names = PLAIN) -> str:
    doubts, writing = [], []
    for response in state["responses"]:
        questionnaire = response["identity"].get("questionnaire") or ""
        for doubt in response["doubts"]:
            if doubt["field"] is None:
                question = "the whole response"
                choices = [("count", "Count the pages that were read"), (LEAVE_OUT, "Leave this response out")]
            else:
                question = names.question(questionnaire, doubt["field"])
                choices = [(value, f"Box {names.answer(questionnaire, value)}") for value in doubt["candidates"]]
                choices.append((NO_ANSWER, "No answer to this question"))
            doubts.append({**doubt, "question": question, "choices": choices,
                           "title": f"{response['name']}: {question}"})
        writing += [(response["name"], area, picture) for area, picture in sorted(response["writing"].items())]
    settled = sum(1 for r in state["responses"] if not r["doubts"] and not r.get("left_out"))
    summary = (f"{len(state['responses'])} form(s) found; {settled} read in full; {len(doubts)} question(s) to "
               f"decide; {len(state['refused'])} page(s) not read; {len(state['blank'])} blank page(s).")
    pages = environment(*templates.folders("scan"), autoescape=True, undefined=jinja2.StrictUndefined,
                        keep_trailing_newline=True)  # sandboxed: a project's own template is its author's code
    return pages.get_template("review.html.j2").render(
        doubts=doubts, open_doubts=len(doubts), refused=state["refused"], writing=writing, summary=summary,
        folder=folder, decisions_format=DECISIONS_FORMAT)
