"""The fixed phrases that describe a questionnaire's shape and scale, made from the questionnaire itself.

A form that says "both questions" is wrong for a questionnaire with one, and "what staff do" is wrong
on a form for pupils: so no template or layout writes such a phrase; each takes it from here, where
it is made from the number of questions, the scale and the declared wording. One place, so the
print templates, the Word layouts and the online form always say the same thing.

An ordinal scale takes scores ("a score from 1 to 4"); a categorical one takes coded answers ("one of
R, A or G"), so no form asks for a score on a colour scale. The scale phrases hold numbers and codes
only (codes are letters and digits, see :data:`auditpack.model.ScaleCode`), never a label, so they are
safe in HTML and Markdown as they are; templates add the labels through their own escaping.

Every phrase is in the language being written (see :mod:`.i18n`): whole sentences with
placeholders, so a translator can put the parts in the order their language needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import i18n
from .i18n import gettext as _
from .i18n import ngettext
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
    to_change: str
    """How to change an answer on a form read back by ``auditpack scan`` (auditpack/scan/decide.py reads it so)."""
    online_per_statement: str
    """The online form's 'for each statement, ...' before the scale range."""
    leave_out: str
    """What the online form says may be left unanswered."""
    strengths: str
    """What the collation template lists as strengths."""
    needs: str
    """What the collation template lists as needs."""
    group_agrees: str
    """What a group rating form asks a group to agree on for each statement."""
    every_question: str
    """'every question' (or 'the question', when there is one), as the report's rules say it."""
    some_question: str
    """'some question' (or 'the question')."""
    each_question: str
    """'each question' (or 'the question')."""


def phrases(q: Questionnaire) -> Phrases:
    count = len(q.dimensions)
    scale_range = choices(q)
    dont_know = any(d.dont_know for d in q.dimensions)
    per_statement = _("tick one box") if count == 1 else \
        ngettext("answer %(count)s question by ticking one box for each",
                 "answer %(count)s questions by ticking one box for each", count) % {"count": count}
    how_to_answer = _("For each statement, %(per_statement)s: %(range)s.") if not dont_know else \
        _('For each statement, %(per_statement)s: %(range)s, or "%(dont_know)s".')
    return Phrases(
        scale_range=scale_range, dont_know=dont_know, per_statement=per_statement,
        how_to_answer=how_to_answer % {"per_statement": per_statement, "range": scale_range,
                                       "dont_know": q.dont_know_label},
        to_change=_("To change an answer, fill its box in and tick the new one."),
        online_per_statement=_("give") if count == 1 else
        ngettext("answer %(count)s question with", "answer %(count)s questions with", count) % {"count": count},
        leave_out=_("You can leave any statement out.") if count == 1 else _("You can leave any question out."),
        strengths=_strengths(q, count),
        needs=_needs(q, count),
        group_agrees=_("agree one answer") if count == 1 else _("agree one answer to each question"),
        every_question=_("the question") if count == 1 else _("every question"),
        some_question=_("the question") if count == 1 else _("some question"),
        each_question=_("the question") if count == 1 else _("each question"),
    )


def _strengths(q: Questionnaire, count: int) -> str:
    if q.ordinal:
        if count == 1:
            return _("Statements most people scored high.")
        if count == 2:
            return _("Statements most people scored high on both questions.")
        return ngettext("Statements most people scored high on all %(count)s questions.",
                        "Statements most people scored high on all %(count)s questions.", count) % {"count": count}
    codes = q.judgement.strength if q.judgement else []
    if not codes:
        return _("Statements you count as strengths.")
    answers = keys_in_words(codes)
    if count == 1:
        return _("Statements most people answered %(answers)s.") % {"answers": answers}
    if count == 2:
        return _("Statements most people answered %(answers)s on both questions.") % {"answers": answers}
    return ngettext("Statements most people answered %(answers)s on all %(count)s questions.",
                    "Statements most people answered %(answers)s on all %(count)s questions.", count) \
        % {"answers": answers, "count": count}


def _needs(q: Questionnaire, count: int) -> str:
    if q.ordinal:
        return _("Statements scored low.") if count == 1 else \
            _("Statements scored low, or where %(gap)s.") % {"gap": _gap(q)}
    codes = q.judgement.need if q.judgement else []
    if not codes:
        return _("Statements you count as needs.")
    answers = keys_in_words(codes)
    return _("Statements many people answered %(answers)s.") % {"answers": answers} if count == 1 else \
        _("Statements many people answered %(answers)s on some question.") % {"answers": answers}


def _gap(q: Questionnaire) -> str:
    """Where the second question's answers fall behind the first's, as the content names it."""
    first, second = q.dimensions[0], q.dimensions[1]
    return q.gap_wording or _('"%(second)s" is scored lower than "%(first)s"') % {"second": second.short,
                                                                               "first": first.short}


def keys_in_words(keys: list[str]) -> str:
    """'R, A or G', in the language being written."""
    return i18n.one_of(list(keys))


def span(q: Questionnaire) -> str:
    """The answers a question takes, without "don't know": '1 to 4', or 'R, A or G'."""
    return span_phrase(q).written()


def span_phrase(q: Questionnaire) -> i18n.Phrase:
    """:func:`span` kept as a :class:`~.i18n.Phrase`, for a message that is shown both at the terminal
    and in a document (why collate skipped a file): said in whichever language it is shown in."""
    if q.ordinal:
        return i18n.phrase("%(first)s to %(last)s") % {"first": q.scale[0].value, "last": q.scale[-1].value}
    return i18n.Listed([p.key for p in q.scale])


def choices(q: Questionnaire) -> str:
    """What a person gives for each question: 'a score from 1 to 4', or 'one of R, A or G'."""
    return (_("a score from %(span)s") if q.ordinal else _("one of %(span)s")) % {"span": span(q)}


def runs(q: Questionnaire) -> str:
    """'the scale runs 1 to 4', or 'the answers are R, A or G': for a message about a wrong answer."""
    return runs_phrase(q).written()


def runs_phrase(q: Questionnaire) -> i18n.Phrase:
    """:func:`runs` kept as a :class:`~.i18n.Phrase` (see :func:`span_phrase`)."""
    said = i18n.phrase("the scale runs %(span)s") if q.ordinal else i18n.phrase("the answers are %(span)s")
    return said % {"span": span_phrase(q)}


def noun(q: Questionnaire) -> str:
    """What one answer on the scale is called: 'score', or 'answer'."""
    return _("score") if q.ordinal else _("answer")


def nouns(q: Questionnaire) -> str:
    """What answers on the scale are called: 'scores', or 'answers'."""
    return _("scores") if q.ordinal else _("answers")


def headings(q: Questionnaire) -> str:
    """What the key of a report's table calls them: 'Scores', or 'Answers'."""
    return _("Scores") if q.ordinal else _("Answers")


def heading(q: Questionnaire) -> str:
    """The heading of the key's first column: 'Score', or 'Answer'."""
    return _("Score") if q.ordinal else _("Answer")


def how_to(q: Questionnaire) -> str:
    """The heading over the key on a form: 'How to score', or 'How to answer'."""
    return _("How to score") if q.ordinal else _("How to answer")


def how_given(q: Questionnaire) -> str:
    """The heading over the key on the questionnaire's page: 'How answers are scored', or '... given'."""
    return _("How answers are scored") if q.ordinal else _("How answers are given")


FILTERS = dict(scale_span=span, scale_choices=choices, scale_noun=noun, scale_nouns=nouns, scale_heading=heading,
               scale_headings=headings, scale_how_to=how_to, scale_how_given=how_given)
"""For the templates: ``{{ q | scale_choices }}``."""
