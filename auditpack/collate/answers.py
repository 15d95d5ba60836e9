"""What the readers hand on: answers from one file, checked against the questionnaire, or why it was skipped.

Every input format (filled PDF, online export, tally sheet) becomes the same :class:`Counted`, a
count of answers per statement and question, so the statistics never need to know where answers
came from. A file that cannot be used becomes a :class:`Skipped` with a reason written for the
person running the collation, not for a programmer. A reason (and what a file answers that the
questionnaire lacks) is a phrase (:class:`~auditpack.i18n.Phrase`): the terminal says it in the language
of the person running the collation (``str()``), the report in the report's (the ``written`` filter).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from .. import wording
from ..answer_formats import DONT_KNOW
from ..i18n import Phrase, phrase
from ..model import Dimension, Questionnaire
from ..terminal import UNSAFE, escaped

Key = tuple[str, str]
"""(item id, dimension id): one question about one statement."""

Kind = Literal["pdf", "online", "tally"]

Rater = Literal["individual", "group"]
"""Who gave a response's answers: one person, or a group that agreed them (a group's form says so)."""
RATER_NAMES = {"individual": ("individual", "individuals"), "group": ("group", "groups")}
MAX_RECORD_TEXT = 5000
"""Characters of one record column's free text that are kept: a page of handwriting is far less."""


class Unusable(Exception):
    """Raised by a reader when a file cannot be counted; its :attr:`reason` is shown to the user."""

    def __init__(self, reason: Phrase):
        super().__init__(reason)

    @property
    def reason(self) -> Phrase:
        return self.args[0]


SHOWN_LENGTH = 40
"""Characters of a value from an input file quoted in a reason: enough to recognise it, never a flood."""
_UNSHOWABLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
"""Controls, invisible formatting (bidi overrides, zero widths), lone surrogates and line separators."""


def printable(text: str, limit: int | None = SHOWN_LENGTH) -> str:
    """Text from an input file (or its name) as it may be quoted in a reason or a report: at most ``limit``
    characters. A character that would act instead of being shown (a terminal escape, a right-to-left
    override, a NUL, or a byte of a file name that is not UTF-8, which cannot even be written as UTF-8)
    is written as its escape, as the terminal shows it (``\\x1b``), so the person can still find the
    file; other invisible formatting is replaced by U+FFFD."""
    cut = text if limit is None else text[:limit + 1]
    shown = "".join(escaped(c) if UNSAFE.match(c) else "\ufffd" if unicodedata.category(c) in _UNSHOWABLE else c
                    for c in cut)
    return shown if limit is None or len(shown) <= limit else shown[:limit - 1] + "…"


@dataclass(frozen=True)
class FormIdentity:
    """Which programme, questionnaire and content version a response form says it belongs to."""

    programme: str | None
    questionnaire: str | None
    version: str | None
    audience: str | None = None
    """The questionnaire's audience whose form it is, when it has audiences."""

    @classmethod
    def printable(cls, programme: str | None, questionnaire: str | None, version: str | None,
                  audience: str | None = None) -> FormIdentity:
        """The identity a file gives, safe to quote back: an over-long value is cut and ends in '…', so
        it still matches no id (ids have at most 60 characters)."""
        return cls(*(printable(value, 61) if value is not None else None
                     for value in (programme, questionnaire, version, audience)))


@dataclass(frozen=True)
class RawResponse:
    """One person's answers as a file holds them, before they are checked against the questionnaire."""

    identity: FormIdentity
    answers: dict[Key, str]
    """Answer values as text: a scale value such as '3', or 'dk'."""
    comments: int = 0
    """How many comment boxes hold text; the text itself is never copied anywhere."""
    response_id: str | None = None
    revision: int = 0
    record: dict[Key, str] = field(default_factory=dict)
    """What was written or chosen in each record column, per (item id, column id)."""
    rater: Rater = "individual"


@dataclass(frozen=True)
class RawTally:
    """Counts typed from a paper collation template: one row per statement."""

    counts: dict[Key, Counter]
    unknown_items: tuple[str, ...] = ()
    audience: str | None = None
    """The audience its ``audience`` column names, if it has one."""


@dataclass(frozen=True)
class Counted:
    """One file whose answers are counted."""

    path: str
    kind: Kind
    digest: str
    counts: dict[Key, Counter]
    """Answer value -> number of answers, per statement and question."""
    responses: int
    """Individual responses the file stands for; for a tally sheet, the most answers any question received."""
    version: str | None = None
    unknown: tuple[Phrase | str, ...] = ()
    """Statements or questions the file answers that this questionnaire does not have (left out): "statement
    'x'", or a tally sheet's statement id."""
    comments: int = 0
    response_id: str | None = None
    revision: int = 0
    audience: str | None = None
    """The questionnaire's audience the answers are from, if the file says (see :meth:`Inputs.of_audience`)."""
    rater: Rater = "individual"
    record_counts: dict[Key, Counter] = field(default_factory=dict)
    """Choice or rating value -> times chosen, per statement and record column."""
    record_text: tuple[tuple[str, str, str], ...] = ()
    """(item id, column id, text) of every text column written in, in the questionnaire's order."""

    @property
    def answers(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: Phrase


@dataclass
class Inputs:
    """Everything read for one collation, in the order the files were found."""

    counted: list[Counted] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def files_read(self) -> int:
        return len(self.counted) + len(self.skipped)

    @property
    def responses(self) -> int:
        return sum(c.responses for c in self.counted)

    def of_kind(self, kind: Kind) -> list[Counted]:
        return [c for c in self.counted if c.kind == kind]

    def of_audience(self, audience_id: str | None) -> Inputs:
        """The files answered by one audience, for its own column group of the report (None: files that
        name no audience, such as the whole questionnaire's tally sheet)."""
        return Inputs([c for c in self.counted if c.audience == audience_id])
    def of_rater(self, rater: Rater) -> list[Counted]:
        return [c for c in self.counted if c.rater == rater]

    def record_totals(self) -> dict[Key, Counter]:
        totals: dict[Key, Counter] = {}
        for counted in self.counted:
            for key, counter in counted.record_counts.items():
                totals.setdefault(key, Counter()).update(counter)
        return totals

    def totals(self) -> dict[Key, Counter]:
        totals: dict[Key, Counter] = {}
        for counted in self.counted:
            for key, counter in counted.counts.items():
                totals.setdefault(key, Counter()).update(counter)
        return totals


def describe_values(questionnaire: Questionnaire, dimension: Dimension) -> Phrase:
    """The answers a question takes, for a reason a file is skipped: '1 to 4', or "1 to 4 or 'dk'"."""
    span = wording.span_phrase(questionnaire)
    return phrase("%(values)s or '%(dont_know)s'") % {"values": span, "dont_know": DONT_KNOW} if dimension.dont_know \
        else span
