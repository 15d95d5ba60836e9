"""The forms answers come back in: the online form's export and the tally sheet.

The site offers both (:mod:`auditpack.render.online_form` writes the form and a blank sheet for every
questionnaire) and ``auditpack collate`` reads them back (:mod:`auditpack.collate`), so what both
sides must agree on lives here, below them both.
"""

from __future__ import annotations

from collections import Counter

from .model import Dimension, Questionnaire
from .safe_csv import Cell, csv_text

FORMAT = "auditpack-response"
"""The ``format`` of a file exported from the online form."""
FORMAT_VERSION = 1
DONT_KNOW = "dk"
"""The answer value of "I don't know" in every format: PDF /Opt values, online exports and tally columns."""
IDENTITY_FIELDS = ("auditpack:programme", "auditpack:questionnaire", "auditpack:version")
"""The fillable form's hidden, read-only text fields saying what it answers (made by the response form
template, locked by :mod:`auditpack.render.pdf`, read by :mod:`auditpack.collate.pdf_form`)."""
INFO_COLUMNS = ("item_id", "number", "section", "statement")
"""The tally sheet's columns before the counts: for the recorder, not read back apart from ``item_id``."""


def allowed_values(questionnaire: Questionnaire, dimension: Dimension) -> list[str]:
    """The answers a question accepts, as text, in the order the form shows them."""
    values = [str(point.value) for point in questionnaire.scale]
    return values + [DONT_KNOW] if dimension.dont_know else values


def count_columns(questionnaire: Questionnaire) -> list[tuple[str, str, str]]:
    """(column name, dimension id, answer value) for every count column of the tally sheet, in sheet order."""
    return [(f"{dim.id}_{value}", dim.id, value)
            for dim in questionnaire.dimensions for value in allowed_values(questionnaire, dim)]


def header(questionnaire: Questionnaire) -> list[str]:
    return [*INFO_COLUMNS, *(name for name, _, _ in count_columns(questionnaire))]


def write_sheet(questionnaire: Questionnaire, counts: dict | None = None, hidden: set | None = None) -> str:
    """The tally sheet as text: blank when ``counts`` is None, else the counts (cells in ``hidden`` left empty)."""
    rows: list[list[Cell]] = [[*header(questionnaire)]]
    number = 0
    for section in questionnaire.sections:
        for item in section.items:
            number += 1
            row: list[Cell] = [item.id, number, section.title, " ".join(item.text.split())]
            for _, dim_id, value in count_columns(questionnaire):
                if counts is None or (item.id, dim_id) in (hidden or set()):
                    row.append(None)
                else:
                    row.append(counts.get((item.id, dim_id), Counter()).get(value, 0))
            rows.append(row)
    return csv_text(rows)


def blank_sheet(questionnaire: Questionnaire) -> str:
    """A sheet with every statement and empty count cells, for a recorder to type into."""
    return write_sheet(questionnaire)
