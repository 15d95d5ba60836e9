"""What responses record beside each statement, and who gave them: groups apart from individuals.

Choices and ratings in record columns are counted like answers. Free text can name people, so it is
never put into the summary report unless its column says ``shown_in_report``: it is kept per response
in a CSV of its own beside the report (:data:`RECORD_TEXT_CSV`), its cells made safe against formulas
by :mod:`auditpack.safe_csv`. A group's form counts as one response of rater "group"; where both
individuals and groups answered, the report shows their answers in a table each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..answer_formats import allowed_values
from ..documents import questionnaire_record_columns
from ..model import Item, RecordColumn
from ..safe_csv import Cell, csv_text
from .answers import RATER_NAMES, Inputs, Key, Rater
from .readers import Target

RECORD_TEXT_CSV = "record-text.csv"
RECORD_CHOICES_CSV = "record-choices.csv"


@dataclass(frozen=True)
class Written:
    """One text written in a record column of one response."""

    path: str
    rater: Rater
    item: Item
    number: int
    column: RecordColumn
    text: str


@dataclass(frozen=True)
class RaterAnswers:
    """The answers of one kind of rater, per statement and question."""

    rater: Rater
    responses: int
    counts: dict[Key, Counter]

    @property
    def name(self) -> str:
        return RATER_NAMES[self.rater][1]


@dataclass(frozen=True)
class Recorded:
    target: Target
    columns: tuple[RecordColumn, ...]
    """Choice and rating columns any response chose in, in their declared order."""
    counts: dict[Key, Counter]
    written: tuple[Written, ...]
    raters: tuple[RaterAnswers, ...]
    """Individuals' and groups' answers, those that answered only."""

    @property
    def shown(self) -> tuple[Written, ...]:
        """Texts whose column the content allows in the report."""
        return tuple(w for w in self.written if w.column.shown_in_report)

    @property
    def both_raters(self) -> bool:
        return len(self.raters) > 1

    @property
    def has_groups(self) -> bool:
        return any(r.rater == "group" for r in self.raters)

    def options(self, column: RecordColumn) -> list[tuple[str, str]]:
        return column.options(self.target.questionnaire)

    def values(self, dimension) -> list[str]:
        return allowed_values(self.target.questionnaire, dimension)

    def items(self) -> list[tuple[int, Item]]:
        return list(enumerate(self.target.questionnaire.items, start=1))


def recorded(target: Target, inputs: Inputs) -> Recorded:
    columns = questionnaire_record_columns(target.content, target.questionnaire)
    items = {item.id: (n, item) for n, item in enumerate(target.questionnaire.items, start=1)}
    counts = inputs.record_totals()
    chosen = {column_id for _, column_id in counts}
    written = tuple(Written(c.path, c.rater, items[item_id][1], items[item_id][0], columns[column_id], text)
                    for c in inputs.counted for item_id, column_id, text in c.record_text)
    raters = []
    every: tuple[Rater, ...] = ("individual", "group")
    for rater in every:
        counted = inputs.of_rater(rater)
        if counted:
            totals: dict[Key, Counter] = {}
            for c in counted:
                for key, counter in c.counts.items():
                    totals.setdefault(key, Counter()).update(counter)
            raters.append(RaterAnswers(rater, sum(c.responses for c in counted), totals))
    return Recorded(target, tuple(c for c in columns.values() if c.id in chosen), counts, written, tuple(raters))


def text_csv(record: Recorded) -> str:
    """Every text written in a record column, one row per response, statement and column."""
    rows: list[list[Cell]] = [["file", "rater", "item_id", "number", "column", "heading", "text"]]
    rows += [[w.path, w.rater, w.item.id, w.number, w.column.id, w.column.heading, w.text] for w in record.written]
    return csv_text(rows)


def choices_csv(record: Recorded) -> str:
    """How often each option of each choice or rating column was chosen, per statement."""
    rows: list[list[Cell]] = [["item_id", "number", "column", "heading", "option", "count"]]
    for number, item in record.items():
        for column in record.columns:
            for value, _ in record.options(column):
                rows.append([item.id, number, column.id, column.heading, value,
                             record.counts.get((item.id, column.id), Counter()).get(value, 0)])
    return csv_text(rows)
