"""The tally sheet: counts typed from a paper collation template, one row per statement.

Layout (the blank sheet the site offers for each questionnaire, and the tallies a collation writes)::

    item_id,number,section,statement,doing_1,doing_2,doing_3,doing_4,doing_dk,support_1,...,support_dk
    kind-staff,1,People,Staff are kind to one another.,0,2,5,3,1,1,3,4,2,1

- ``item_id`` identifies the statement; keep it as it is. ``number``, ``section`` and ``statement``
  are there to help the recorder find the row and are not read, so a text written behind a single
  quote (one a spreadsheet would otherwise run as a formula, see :mod:`auditpack.safe_csv`) reads
  back whether or not the spreadsheet kept the quote.
- One column ``<question id>_<score>`` per question and score, and ``<question id>_dk`` for
  "I don't know" where the question offers it, each holding how many people gave that answer.
  An empty cell means 0.
- UTF-8 (a byte-order mark is written, so spreadsheets show accents and Welsh letters correctly),
  commas; files saved by a spreadsheet with semicolons or tabs, in Windows-1252 or as UTF-16
  "Unicode text", or with old Mac line ends, are read too.

The reader is strict about columns (a misplaced column would put counts under the wrong score) and
lenient about how the sheet was saved. The sheet is written by :mod:`auditpack.answer_formats`, which the site
shares (it offers a blank sheet for every questionnaire).
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from .. import wording
from ..answer_formats import AUDIENCE_COLUMN, INFO_COLUMNS, count_columns, header
from ..i18n import Listed, Phrase, nphrase, phrase
from ..model import Questionnaire
from .answers import RawTally, Unusable, printable

MAX_COUNT = 100_000
"""More answers than this to one question is a typing slip, not a school."""
MAX_PROBLEMS = 5
"""Unexpected columns described one by one; a sheet with thousands is the wrong file, and the first few say so."""


def read_tally(data: bytes, questionnaire: Questionnaire) -> RawTally:
    rows = _rows(_decode(data))
    if not rows:
        raise Unusable(phrase("it is empty"))
    names = [cell.strip().lower() for cell in rows[0][1]]
    if "item_id" not in names:
        raise Unusable(phrase("it is not a tally sheet: its first row has no 'item_id' column "
                              "(start from the blank tally sheet for this questionnaire)"))
    _check_columns(names, questionnaire)
    column = {name: i for i, name in enumerate(names)}
    known_items = {item.id for item in questionnaire.items}
    counts: dict[tuple[str, str], Counter] = {}
    unknown: list[str] = []
    first_row: dict[str, int] = {}
    audiences: set[str] = set()
    for line, row in rows[1:]:
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in column.items()}
        if len(row) > len(names) and any(cell.strip() for cell in row[len(names):]):
            raise Unusable(phrase("row %(row)d has more cells than the header has columns") % {"row": line})
        item_id = cells["item_id"]
        row_counts = {(dim_id, value): _count(cells[name.lower()], line, name)
                      for name, dim_id, value in count_columns(questionnaire)}
        if not item_id:
            if any(row_counts.values()):
                raise Unusable(phrase("row %(row)d has counts but no item_id, so they cannot be matched to a "
                                      "statement") % {"row": line})
            continue
        if item_id in first_row:
            raise Unusable(phrase("statement '%(statement)s' has two rows (%(first)d and %(second)d); add the "
                                  "counts together in one row") % {"statement": printable(item_id),
                                                                   "first": first_row[item_id], "second": line})
        first_row[item_id] = line
        if cells.get(AUDIENCE_COLUMN):
            audiences.add(cells[AUDIENCE_COLUMN])
        if item_id not in known_items:
            unknown.append(printable(item_id))
            continue
        for (dim_id, value), number in row_counts.items():
            if number:
                counts.setdefault((item_id, dim_id), Counter())[value] += number
    if not first_row:
        raise Unusable(phrase("it has a header but no statements"))
    if unknown and len(unknown) == len(first_row):
        raise Unusable(phrase("none of its statements belong to questionnaire '%(questionnaire)s' (it has "
                              "'%(statement)s'...): is it a sheet for another questionnaire?") % {
            "questionnaire": questionnaire.id, "statement": unknown[0]})
    if len(audiences) > 1:
        raise Unusable(nphrase("its rows name %(count)d audiences; make one sheet per audience",
                               "its rows name %(count)d audiences; make one sheet per audience", len(audiences)) % {
            "count": len(audiences)})
    return RawTally(counts, tuple(unknown), next(iter(audiences), None))


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """The rows that hold something, each with its number as a spreadsheet shows it (blank rows count)."""
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise Unusable(phrase("it holds NUL characters (line %(line)d), so it is not a CSV text file (a spreadsheet's "
                              "own format, or UTF-16 text without a byte-order mark?); save it as CSV UTF-8") % {
            "line": line})
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        return [(number, row) for number, row in enumerate(reader, start=1) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        limit = csv.field_size_limit()
        problem = (nphrase("a cell is longer than %(count)s characters, far more than a tally sheet holds",
                           "a cell is longer than %(count)s characters, far more than a tally sheet holds", limit) % {
            "count": f"{limit:,}"} if "field limit" in str(exc) else printable(str(exc), 80))
        raise Unusable(phrase("it is not a CSV file a spreadsheet could open (line %(line)d: %(problem)s)") % {
            "line": reader.line_num, "problem": problem}) from None


def _check_columns(names: list[str], questionnaire: Questionnaire) -> None:
    expected = [name.lower() for name, _, _ in count_columns(questionnaire)]
    repeated = sorted(name for name, times in Counter(names).items() if name and times > 1)
    if repeated:
        raise Unusable(phrase("column '%(column)s' appears twice") % {"column": printable(repeated[0])})
    known, present = set(expected) | set(INFO_COLUMNS) | {AUDIENCE_COLUMN}, set(names)
    missing = [n for n in expected if n not in present]
    extra = [n for n in names if n and n not in known]
    if not missing and not extra:
        return
    problems: list[Phrase] = [_why_unexpected(name, questionnaire) for name in extra[:MAX_PROBLEMS]]
    more = len(extra) - MAX_PROBLEMS
    if more > 0:
        problems.append(nphrase("%(count)s more unexpected columns", "%(count)s more unexpected columns", more) % {
            "count": f"{more:,}"})
    if missing:
        problems.append(nphrase("missing column %(columns)s", "missing columns %(columns)s", len(missing)) % {
            "columns": ", ".join(missing)})
    raise Unusable(phrase("its columns do not match this questionnaire's tally sheet: %(problems)s (expected "
                          "%(expected)s)") % {"problems": Listed(problems, "; "),
                                            "expected": ", ".join(header(questionnaire))})


def _why_unexpected(name: str, questionnaire: Questionnaire) -> Phrase:
    dimension, _, value = name.rpartition("_")
    dims = {dim.id: dim for dim in questionnaire.dimensions}
    shown = printable(name)
    values = {"column": shown, "value": printable(value), "question": dimension,
              "runs": wording.runs_phrase(questionnaire), "questionnaire": questionnaire.id,
              "asked": printable(dimension), "questions": ", ".join(dims)}
    if dimension in dims:
        if dims[dimension].dont_know:
            return phrase("unexpected column %(column)s: '%(value)s' is not an answer to '%(question)s' (%(runs)s, "
                          "plus dk)") % values
        return phrase("unexpected column %(column)s: '%(value)s' is not an answer to '%(question)s' "
                      "(%(runs)s)") % values
    if dimension and value:
        return phrase("unexpected column %(column)s: questionnaire '%(questionnaire)s' has no question "
                      "'%(asked)s' (its questions are %(questions)s)") % values
    return phrase("unexpected column %(column)s") % values


def _count(cell: str, line: int, column: str) -> int:
    if cell == "":
        return 0
    text = cell.removesuffix(".0")  # spreadsheets sometimes save 3 as 3.0
    if not text.isdigit() or not text.isascii():
        raise Unusable(phrase("row %(row)d, column %(column)s: '%(cell)s' is not a count (expected a whole number of "
                              "answers, 0 or more)") % {"row": line, "column": column, "cell": printable(cell, 20)})
    number = int(text) if len(text.lstrip("0")) <= len(str(MAX_COUNT)) else MAX_COUNT + 1  # int() refuses 4,301 digits
    if number > MAX_COUNT:
        raise Unusable(phrase("row %(row)d, column %(column)s: %(count)s answers is more than any school could give")
                       % {"row": line, "column": column, "count": printable(text, 20)})
    return number


def _decode(data: bytes) -> str:
    """UTF-8 first (with or without a byte-order mark), then what Windows spreadsheets save: Windows-1252,
    or UTF-16 with a byte-order mark ("Unicode text")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unusable(phrase("it begins like UTF-16 text but is not; save it as CSV UTF-8")) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _dialect(text: str):
    """Commas, or the semicolons or tabs a spreadsheet in another locale saves: whichever the header has most of."""
    first = next((line for line in text[:4096].splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    return type("TallyDialect", (csv.excel,), {"delimiter": delimiter})
