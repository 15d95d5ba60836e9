"""The forms answers come back in: the online form's export and the tally sheet.

The site offers both (:mod:`auditpack.render.online_form` writes the form and a blank sheet for every
questionnaire) and ``auditpack collate`` reads them back (:mod:`auditpack.collate`), so what both
sides must agree on lives here, below them both.
"""

from __future__ import annotations

from collections import Counter

from .model import DONT_KNOW, Audience, Dimension, Questionnaire  # formats' users read DONT_KNOW here
from .safe_csv import Cell, csv_text

FORMAT = "auditpack-response"
"""The ``format`` of a file exported from the online form."""
FORMAT_VERSION = 1
IDENTITY_FIELDS = ("auditpack:programme", "auditpack:questionnaire", "auditpack:version", "auditpack:audience")
"""The fillable form's hidden, read-only text fields saying what it answers (made by the response form
template, locked by :mod:`auditpack.render.form_fields`, read by :mod:`auditpack.collate.pdf_form`);
``auditpack:audience`` only on an audience's form."""
RATER_FIELD = "auditpack:rater"
"""A hidden field holding 'group' on a group's form (see templates/print/group-rating.html.j2)."""
HIDDEN_FIELDS = (*IDENTITY_FIELDS, RATER_FIELD)
"""Every field a form fills in itself: none is for a person to type in."""
INFO_COLUMNS = ("item_id", "number", "section", "statement")
"""The tally sheet's columns before the counts: for the recorder, not read back apart from ``item_id``."""
AUDIENCE_COLUMN = "audience"
"""The column an audience's tally sheet adds after :data:`INFO_COLUMNS`, naming the audience on each row."""
SCAN_STATE = "scan-state.json"
"""The file that makes a folder a scan's output (``auditpack scan --out``): collate, given such a
folder, counts only its :data:`SCAN_ANSWERS` folder, not its pictures, review page or state."""
SCAN_ANSWERS = "answers"


def allowed_values(questionnaire: Questionnaire, dimension: Dimension) -> list[str]:
    """The answers a question accepts, as text, in the order the form shows them."""
    values = [point.key for point in questionnaire.scale]
    return values + [DONT_KNOW] if dimension.dont_know else values


def count_columns(questionnaire: Questionnaire) -> list[tuple[str, str, str]]:
    """(column name, dimension id, answer value) for every count column of the tally sheet, in sheet order.
    Names are read without regard to case ('doing_r' is 'doing_R'), as codes are unique that way."""
    return [(f"{dim.id}_{value}", dim.id, value)
            for dim in questionnaire.dimensions for value in allowed_values(questionnaire, dim)]


def header(questionnaire: Questionnaire, audience: Audience | None = None) -> list[str]:
    info = [*INFO_COLUMNS, AUDIENCE_COLUMN] if audience else list(INFO_COLUMNS)
    return [*info, *(name for name, _, _ in count_columns(questionnaire))]


def write_sheet(questionnaire: Questionnaire, counts: dict | None = None, hidden: set | None = None,
                audience: Audience | None = None) -> str:
    """The tally sheet as text: blank when ``counts`` is None, else the counts (cells in ``hidden`` left empty);
    an ``audience``'s sheet has only its sections, in its wording, and says whose answers it counts."""
    rows: list[list[Cell]] = [[*header(questionnaire, audience)]]
    for section in questionnaire.sections_for(audience):
        for item in section.items:
            text = audience.statement(item) if audience else item.text
            row: list[Cell] = [item.id, questionnaire.item_number(item), section.title, " ".join(text.split())]
            if audience:
                row.append(audience.id)
            for _, dim_id, value in count_columns(questionnaire):
                if counts is None or (item.id, dim_id) in (hidden or set()):
                    row.append(None)
                else:
                    row.append(counts.get((item.id, dim_id), Counter()).get(value, 0))
            rows.append(row)
    return csv_text(rows)


def blank_sheet(questionnaire: Questionnaire, audience: Audience | None = None) -> str:
    """A sheet with every statement (an audience's: its own) and empty count cells, for a recorder to type into."""
    return write_sheet(questionnaire, audience=audience)
