"""The fixed phrases that describe a questionnaire's shape, made from the questionnaire itself.

A form that says "both questions" is wrong for a questionnaire with one, and "what staff do" is wrong
on a form for pupils: so no template or layout writes such a phrase; each takes it from here, where
it is made from the number of questions, the scale and the declared wording. One place, so the
print templates, the Word layouts and the online form always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Questionnaire


@dataclass(frozen=True)
class Phrases:
    """The sentences and parts of sentences a questionnaire's forms print about its shape."""

    scale_range: str
    """How an answer is given, e.g. 'a score from 1 to 4'."""
    dont_know: bool
    """Whether any question offers the questionnaire's "don't know"."""
    per_statement: str
    """What a person does for each statement on paper, e.g. 'answer 2 questions by ticking one box for each'."""
    how_to_answer: str
    """The paper forms' instruction, after 'Do not write your name. Answers are collated anonymously.'"""
    online_per_statement: str
    """The online form's 'for each statement, ...' before the scale range."""
    leave_out: str
    """What the online form says may be left unanswered."""
    strengths: str
    """What the collation template lists as strengths."""
    needs: str
    """What the collation template lists as needs."""
    every_question: str
    """'every question' (or 'the question', when there is one), as the report's rules say it."""
    some_question: str
    """'some question' (or 'the question')."""
    each_question: str
    """'each question' (or 'the question')."""


def phrases(q: Questionnaire) -> Phrases:
    count = len(q.dimensions)
    scale_range = f"a score from {q.scale[0].value} to {q.scale[-1].value}"
    dont_know = any(d.dont_know for d in q.dimensions)
    per_statement = "tick one box" if count == 1 else f"answer {count} questions by ticking one box for each"
    or_dont_know = f', or "{q.dont_know_label}"' if dont_know else ""
    return Phrases(
        scale_range=scale_range, dont_know=dont_know, per_statement=per_statement,
        how_to_answer=f"For each statement, {per_statement}: {scale_range}{or_dont_know}.",
        online_per_statement="give" if count == 1 else f"answer {count} questions with",
        leave_out="You can leave any statement out." if count == 1 else "You can leave any question out.",
        strengths="Statements most people scored high" + _on_every_question(count) + ".",
        needs="Statements scored low" + (f", or where {_gap(q)}" if count > 1 else "") + ".",
        every_question="the question" if count == 1 else "every question",
        some_question="the question" if count == 1 else "some question",
        each_question="the question" if count == 1 else "each question",
    )


def _on_every_question(count: int) -> str:
    return "" if count == 1 else " on both questions" if count == 2 else f" on all {count} questions"


def _gap(q: Questionnaire) -> str:
    """Where the second question's answers fall behind the first's, as the content names it."""
    first, second = q.dimensions[0], q.dimensions[1]
    return q.gap_wording or f'"{second.short}" is scored lower than "{first.short}"'
