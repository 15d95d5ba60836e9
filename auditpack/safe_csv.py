"""CSV text that a spreadsheet opens as data, never as formulas: the one writer for every CSV auditpack writes.

Statement texts, section titles and anything else that came from content or from input files are
text, and a spreadsheet reads a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)`` sends data away, old Excel runs ``=cmd|...`` as a program). Following OWASP's
"CSV Injection" advice, such a text cell gets a leading single quote, which spreadsheets take as
"this is text". Also caught: a leading tab, carriage return, line feed or NUL, the full-width forms
(＝＋－＠) that some spreadsheets treat like the ASCII ones, and those characters behind leading
spaces or invisible characters, which some spreadsheets skip.

Numbers the tool computed itself (counts as ``int``, medians, means and gaps as :class:`~decimal.Decimal`
with their decimal places fixed) are written as they are, so a gap of -0.5 stays a number a
spreadsheet can sum. Only ``str`` cells are neutralised: text never passes as a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

Cell = str | int | Decimal | None

BYTE_ORDER_MARK = "\ufeff"
"""Written first, so spreadsheets read the file as UTF-8 and show accents and Welsh letters correctly."""

_FORMULA = re.compile("^(?:[\t\r\n\0]|[\\s\u200b-\u200f\u2060\ufeff]*[=+\\-@\uff1d\uff0b\uff0d\uff20])")
"""A cell a spreadsheet may read as a formula: OWASP's characters first, or behind spaces and invisibles."""


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    """The rows as CSV text (commas, ``\\n`` line ends, a byte-order mark first), every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([_cell(value) for value in row] for row in rows)
    return BYTE_ORDER_MARK + out.getvalue()


def neutralised(text: str) -> str:
    """The text, with a leading single quote if a spreadsheet would otherwise read it as a formula."""
    return "'" + text if _FORMULA.match(text) else text


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return neutralised(str(value))
