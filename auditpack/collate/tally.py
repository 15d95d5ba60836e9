"""Counts and findings: what the answers say about each statement, section and the whole questionnaire.

The rules, stated in every report (``templates/print/collation-report-body.html.j2``):

- **Median** of the scores given (answers of "I don't know" are left out); the mean breaks ties.
- **Gap** = median of the first question minus median of the second, in the questionnaire's order
  (for example "How well are we doing?" minus "How well does the school support it?"); positive
  when the school's support lags behind what staff do.
- A **strength**: every question's median is above the middle of the scale (3 or 4 on a 1 to 4
  scale) and the gap is under one point. Ordered by the weaker question's median, then its mean,
  highest first.
- A **need**: some question's median is below the middle of the scale (1 or 2 on a 1 to 4 scale),
  or the gap is one point or more. Ordered by the weaker question's median, then its mean, lowest
  first, then by the larger gap.
- **Needs communication**: on some question, the share of "I don't know" reaches the threshold.
- A statement is judged a strength or a need only when every question has at least as many scores
  (answers other than "I don't know") as the privacy threshold: a median of one or two scores says little.
- A question with fewer answers than the privacy threshold shows no breakdown and is in no list:
  with so few answers, people could work out who said what.

Those are the rules of an ordinal scale, where the questionnaire's ``judgement`` may move the bounds
and the gap. A categorical scale (R, A, G) has no median, mean or gap: each question gives the share of
each answer and the most common one, and its ``judgement`` names the codes that count towards a strength
or a need, and the share of answers that makes one (without a judgement, no statement is judged).

Pure: takes the answers read and returns numbers; nothing here formats or writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from ..answer_formats import DONT_KNOW
from ..i18n import Phrase
from ..model import Dimension, Item, Questionnaire, Section
from .answers import Inputs, Key
from .readers import Target


@dataclass(frozen=True)
class Rules:
    min_answers: int = 5
    """Breakdowns of fewer answers than this are not shown (privacy)."""
    dont_know_share: float = 0.25
    """A statement whose share of "I don't know" reaches this on some question needs communication."""
    actions: int = 5
    """How many needs seed the draft action plan."""


@dataclass(frozen=True)
class QuestionResult:
    """The answers to one question: about one statement, or pooled over a section."""

    dimension: Dimension
    values: tuple[int, ...]
    """The points' numbers, in the scale's order; empty for a categorical scale, which has no median or mean."""
    counts: tuple[int, ...]
    """Answers per score, in the scale's order."""
    dont_know: int
    suppressed: bool
    keys: tuple[str, ...] = ()
    """The points' answer keys ('3', or 'R'), in the scale's order."""

    @property
    def scored(self) -> int:
        return sum(self.counts)

    @property
    def answers(self) -> int:
        return self.scored + self.dont_know

    @property
    def dont_know_rate(self) -> float | None:
        return self.dont_know / self.answers if self.answers else None

    @cached_property
    def median(self) -> float | None:
        if not self.scored or not self.values:
            return None
        middle = [(self.scored - 1) // 2, self.scored // 2]
        found, running = [], 0
        for value, count in zip(self.values, self.counts, strict=True):
            found += [value for index in middle if running <= index < running + count]
            running += count
        return sum(found) / 2

    @cached_property
    def mean(self) -> float | None:
        if not self.scored or not self.values:
            return None
        return sum(v * c for v, c in zip(self.values, self.counts, strict=True)) / self.scored

    @property
    def most_common(self) -> tuple[str, ...]:
        """The answer keys given most often ("I don't know" aside), several when tied; none without answers."""
        top = max(self.counts, default=0)
        return tuple(k for k, n in zip(self.keys, self.counts, strict=True) if n == top) if top else ()

    def share_of(self, keys: tuple[str, ...]) -> float:
        """The share of scored answers (other than "I don't know") that are one of ``keys``."""
        return sum(n for k, n in zip(self.keys, self.counts, strict=True) if k in keys) / (self.scored or 1)

    @property
    def shares(self) -> tuple[float, ...]:
        """Share of all answers for each score, then "I don't know"; for charts."""
        total = self.answers or 1
        return tuple(c / total for c in (*self.counts, self.dont_know))


@dataclass(frozen=True)
class ItemResult:
    number: int
    item: Item
    section: Section
    questions: tuple[QuestionResult, ...]
    gap: float | None
    strength: bool
    need_low: bool
    need_gap: bool
    communicate: bool
    shares: tuple[float, float] = (0.0, 0.0)
    """Categorical scales: (the lowest share of strength answers over its questions, the highest share of
    need answers): what rankings compare."""

    @property
    def need(self) -> bool:
        return self.need_low or self.need_gap

    @property
    def shown(self) -> bool:
        return any(not q.suppressed for q in self.questions)

    @property
    def weakest(self) -> tuple[float, float]:
        """(median, mean) of the question scored lowest: what rankings compare."""
        low = self.lowest
        if low is None or low.median is None or low.mean is None:  # a question with a mean has a median
            return 0.0, 0.0
        return low.median, low.mean

    @property
    def lowest(self) -> QuestionResult | None:
        """The question scored lowest: what a need is mostly about."""
        scored = [q for q in self.questions if q.mean is not None and not q.suppressed]
        return min(scored, key=lambda q: (q.median, q.mean)) if scored else None

    @property
    def highest_dont_know(self) -> QuestionResult | None:
        rated = [q for q in self.questions if q.dont_know_rate is not None and not q.suppressed]
        return max(rated, key=lambda q: q.dont_know_rate or 0.0) if rated else None

    @property
    def dont_know_rate(self) -> float:
        """The highest share of "I don't know" among its shown questions (0 where none has answers)."""
        highest = self.highest_dont_know
        return (highest.dont_know_rate or 0.0) if highest else 0.0


@dataclass(frozen=True)
class SectionResult:
    section: Section
    items: tuple[ItemResult, ...]
    pooled: tuple[QuestionResult, ...]
    """All shown answers to each question across the section's statements."""

    @property
    def strengths(self) -> int:
        return sum(i.strength for i in self.items)

    @property
    def needs(self) -> int:
        return sum(i.need for i in self.items)

    @property
    def communicate(self) -> int:
        return sum(i.communicate for i in self.items)


@dataclass(frozen=True)
class Collation:
    target: Target
    inputs: Inputs
    rules: Rules
    items: tuple[ItemResult, ...]
    sections: tuple[SectionResult, ...]

    @property
    def questionnaire(self) -> Questionnaire:
        return self.target.questionnaire

    @property
    def strengths(self) -> list[ItemResult]:
        if not self.questionnaire.ordinal:
            return sorted((i for i in self.items if i.strength), key=lambda i: (-i.shares[0], i.number))
        return sorted((i for i in self.items if i.strength),
                      key=lambda i: (-i.weakest[0], -i.weakest[1], i.number))

    @property
    def needs(self) -> list[ItemResult]:
        if not self.questionnaire.ordinal:
            return sorted((i for i in self.items if i.need), key=lambda i: (-i.shares[1], i.number))
        return sorted((i for i in self.items if i.need),
                      key=lambda i: (i.weakest[0], i.weakest[1], -(i.gap or 0), i.number))

    @property
    def communicate(self) -> list[ItemResult]:
        return sorted((i for i in self.items if i.communicate),
                      key=lambda i: (-i.dont_know_rate, i.number))

    @property
    def actions(self) -> list[ItemResult]:
        return self.needs[:self.rules.actions]

    @property
    def any_shown(self) -> bool:
        return any(i.shown for i in self.items)

    @property
    def suppressed_questions(self) -> int:
        return sum(q.suppressed and q.answers > 0 for i in self.items for q in i.questions)

    @property
    def midpoint(self) -> float:
        return _midpoint(self.questionnaire)

    @property
    def judgement(self) -> Judging:
        return judging(self.questionnaire)

    @property
    def other_versions(self) -> dict[str, int]:
        """Content versions other than the current one that answers came from, with how many files."""
        found = Counter(c.version for c in self.inputs.counted if c.version and c.version != self.target.version)
        return dict(sorted(found.items()))

    @property
    def unknown(self) -> list[tuple[str, Phrase | str]]:
        """(file, statement or question it answers that this questionnaire lacks), for every file."""
        return [(c.path, u) for c in self.inputs.counted for u in c.unknown]

    @property
    def comments(self) -> int:
        return sum(c.comments for c in self.inputs.counted)

    @property
    def hidden(self) -> set[Key]:
        """Statement and question pairs whose breakdown is not shown."""
        return {(i.item.id, q.dimension.id) for i in self.items for q in i.questions if q.suppressed}


@dataclass(frozen=True)
class Judging:
    """The strength and need rule a collation uses: the questionnaire's ``judgement``, or the defaults."""

    declared: bool
    """The questionnaire declares its own rule."""
    strength_above: float = 0.0
    need_below: float = 0.0
    gap: float = 1.0
    strength: tuple[str, ...] = ()
    need: tuple[str, ...] = ()
    share: float = 0.5


def judging(q: Questionnaire) -> Judging:
    j = q.judgement
    if not q.ordinal:
        return Judging(False) if j is None else Judging(True, strength=tuple(j.strength), need=tuple(j.need),
                                                        share=j.share)
    middle = _midpoint(q)
    if j is None:
        return Judging(False, middle, middle)
    return Judging(True, middle if j.strength_above is None else j.strength_above,
                   middle if j.need_below is None else j.need_below, 1.0 if j.gap is None else j.gap)


def _midpoint(q: Questionnaire) -> float:
    """The middle of an ordinal scale (0 for a categorical one, which has no middle)."""
    values = [p.value for p in q.scale if p.value is not None]
    return (values[0] + values[-1]) / 2 if values else 0.0


def collate(target: Target, inputs: Inputs, rules: Rules = Rules()) -> Collation:
    q = target.questionnaire
    totals = inputs.totals()
    rule = judging(q)
    items, number = [], 0
    for section in q.sections:
        for item in section.items:
            number += 1
            questions = tuple(_question(q, dim, totals.get((item.id, dim.id), Counter()), rules)
                              for dim in q.dimensions)
            judge = _item if q.ordinal else _categorical_item
            items.append(judge(number, item, section, questions, rule, rules))
    sections = tuple(_section(q, section, tuple(i for i in items if i.section is section), rules)
                     for section in q.sections)
    return Collation(target, inputs, rules, tuple(items), sections)


def _question(q: Questionnaire, dim: Dimension, counter: Counter, rules: Rules) -> QuestionResult:
    keys = tuple(point.key for point in q.scale)
    counts = tuple(counter.get(key, 0) for key in keys)
    dont_know = counter.get(DONT_KNOW, 0)
    return QuestionResult(dim, _values(q), counts, dont_know, sum(counts) + dont_know < rules.min_answers, keys)


def _values(q: Questionnaire) -> tuple[int, ...]:
    return tuple(p.value for p in q.scale if p.value is not None) if q.ordinal else ()


def _categorical_item(number: int, item: Item, section: Section, questions: tuple[QuestionResult, ...],
                      rule: Judging, rules: Rules) -> ItemResult:
    """A strength when every question has at least the rule's share of strength answers (and it is no need);
    a need when some question has at least that share of need answers."""
    rated = all(not x.suppressed and x.scored >= rules.min_answers for x in questions)
    communicate = _communicate(questions, rules)
    if not rated or not (rule.strength or rule.need):
        return ItemResult(number, item, section, questions, None, False, False, False, communicate)
    strong = min(x.share_of(rule.strength) for x in questions)
    weak = max(x.share_of(rule.need) for x in questions)
    need = bool(rule.need) and weak >= rule.share
    strength = bool(rule.strength) and strong >= rule.share and not need
    return ItemResult(number, item, section, questions, None, strength, need, False, communicate, (strong, weak))


def _communicate(questions: tuple[QuestionResult, ...], rules: Rules) -> bool:
    return any(not x.suppressed and x.dont_know_rate is not None
               and x.dont_know_rate >= rules.dont_know_share for x in questions)


def _item(number: int, item: Item, section: Section, questions: tuple[QuestionResult, ...],
          rule: Judging, rules: Rules) -> ItemResult:
    rated = all(not x.suppressed and x.scored >= rules.min_answers for x in questions)
    medians = [x.median for x in questions if x.median is not None]  # all of them when rated (min_answers >= 1)
    gap = medians[0] - medians[1] if rated and len(medians) > 1 else None
    communicate = _communicate(questions, rules)
    if not rated:
        return ItemResult(number, item, section, questions, gap, False, False, False, communicate)
    need_low = any(m < rule.need_below for m in medians)
    need_gap = gap is not None and gap >= rule.gap
    strength = all(m > rule.strength_above for m in medians) and not need_gap
    return ItemResult(number, item, section, questions, gap, strength, need_low, need_gap, communicate)


def _section(q: Questionnaire, section: Section, items: tuple[ItemResult, ...], rules: Rules) -> SectionResult:
    pooled = []
    for index, dim in enumerate(q.dimensions):
        shown = [i.questions[index] for i in items if not i.questions[index].suppressed]
        counts = tuple(sum(column) for column in zip(*(x.counts for x in shown), strict=True)) if shown else \
            tuple(0 for _ in q.scale)
        pooled.append(QuestionResult(dim, _values(q), counts, sum(x.dont_know for x in shown), not shown,
                                     tuple(p.key for p in q.scale)))
    return SectionResult(section, items, tuple(pooled))
