"""The words about a questionnaire's scale that depend on its kind, made in one place.

Forms, site pages, Word copies and collate messages all say what answers a question takes. An ordinal
scale takes scores ("a score from 1 to 4"); a categorical one takes coded answers ("one of R, A or G"),
so no form asks for a score on a colour scale. The phrases hold numbers and codes only (codes are
letters and digits, see :data:`auditpack.model.ScaleCode`), never a label, so they are safe in HTML and
Markdown as they are; templates add the labels through their own escaping.
"""

from __future__ import annotations

from .model import Questionnaire


def keys_in_words(keys: list[str]) -> str:
    """'R, A or G'."""
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]}"


def span(q: Questionnaire) -> str:
    """The answers a question takes, without "don't know": '1 to 4', or 'R, A or G'."""
    if q.ordinal:
        return f"{q.scale[0].value} to {q.scale[-1].value}"
    return keys_in_words([p.key for p in q.scale])


def choices(q: Questionnaire) -> str:
    """What a person gives for each question: 'a score from 1 to 4', or 'one of R, A or G'."""
    return f"a score from {span(q)}" if q.ordinal else f"one of {span(q)}"


def runs(q: Questionnaire) -> str:
    """'the scale runs 1 to 4', or 'the answers are R, A or G': for a message about a wrong answer."""
    return f"the scale runs {span(q)}" if q.ordinal else f"the answers are {span(q)}"


def noun(q: Questionnaire) -> str:
    """What one answer on the scale is called: 'score', or 'answer'."""
    return "score" if q.ordinal else "answer"


def heading(q: Questionnaire) -> str:
    """The heading of the key's first column: 'Score', or 'Answer'."""
    return noun(q).capitalize()


def how_to(q: Questionnaire) -> str:
    """The heading over the key on a form: 'How to score', or 'How to answer'."""
    return f"How to {'score' if q.ordinal else 'answer'}"


def how_given(q: Questionnaire) -> str:
    """The heading over the key on the questionnaire's page: 'How answers are scored', or '... given'."""
    return f"How answers are {'scored' if q.ordinal else 'given'}"


FILTERS = dict(scale_span=span, scale_choices=choices, scale_noun=noun, scale_heading=heading, scale_how_to=how_to,
               scale_how_given=how_given)
"""For the templates: ``{{ q | scale_choices }}``."""
