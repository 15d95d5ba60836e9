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
from ..model import Questionnaire
from .answers import RawTally, Unusable, printable

MAX_COUNT = 100_000
"""More answers than this to one question is a typing slip, not a school."""
MAX_PROBLEMS = 5
"""Unexpected columns described one by one; a sheet with thousands is the wrong file, and the first few say so."""


def read_tally(data: bytes, questionnaire: Questionnaire) -> RawTally:
    rows = _rows(_decode(data))
    if not rows:
        raise Unusable("it is empty")
    names = [cell.strip().lower() for cell in rows[0][1]]
    if "item_id" not in names:
        raise Unusable("it is not a tally sheet: its first row has no 'item_id' column "
                       "(start from the blank tally sheet for this questionnaire)")
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
            raise Unusable(f"row {line} has more cells than the header has columns")
        item_id = cells["item_id"]
        row_counts = {(dim_id, value): _count(cells[name.lower()], line, name)
                      for name, dim_id, value in count_columns(questionnaire)}
        if not item_id:
            if any(row_counts.values()):
                raise Unusable(f"row {line} has counts but no item_id, so they cannot be matched to a statement")
            continue
        if item_id in first_row:
            raise Unusable(f"statement '{printable(item_id)}' has two rows ({first_row[item_id]} and {line}); "
                           "add the counts together in one row")
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
        raise Unusable("it has a header but no statements")
    if unknown and len(unknown) == len(first_row):
        raise Unusable(f"none of its statements belong to questionnaire '{questionnaire.id}' "
                       f"(it has '{unknown[0]}'...): is it a sheet for another questionnaire?")
    if len(audiences) > 1:
        raise Unusable(f"its rows name {len(audiences)} audiences; make one sheet per audience")
    return RawTally(counts, tuple(unknown), next(iter(audiences), None))


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """The rows that hold something, each with its number as a spreadsheet shows it (blank rows count)."""
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise Unusable(f"it holds NUL characters (line {line}), so it is not a CSV text file (a spreadsheet's own "
                       "format, or UTF-16 text without a byte-order mark?); save it as CSV UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        return [(number, row) for number, row in enumerate(reader, start=1) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        problem = (f"a cell is longer than {csv.field_size_limit():,} characters, far more than a tally sheet holds"
                   if "field limit" in str(exc) else printable(str(exc), 80))
        raise Unusable(f"it is not a CSV file a spreadsheet could open (line {reader.line_num}: {problem})") from None


def _check_columns(names: list[str], questionnaire: Questionnaire) -> None:
    expected = [name.lower() for name, _, _ in count_columns(questionnaire)]
    repeated = sorted(name for name, times in Counter(names).items() if name and times > 1)
    if repeated:
        raise Unusable(f"column '{printable(repeated[0])}' appears twice")
    known, present = set(expected) | set(INFO_COLUMNS) | {AUDIENCE_COLUMN}, set(names)
    missing = [n for n in expected if n not in present]
    extra = [n for n in names if n and n not in known]
    if not missing and not extra:
        return
    problems = [_why_unexpected(name, questionnaire) for name in extra[:MAX_PROBLEMS]]
    if len(extra) > MAX_PROBLEMS:
        problems.append(f"{len(extra) - MAX_PROBLEMS:,} more unexpected columns")
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    raise Unusable("its columns do not match this questionnaire's tally sheet: " + "; ".join(problems)
                   + f" (expected {', '.join(header(questionnaire))})")


def _why_unexpected(name: str, questionnaire: Questionnaire) -> str:
    dimension, _, value = name.rpartition("_")
    dims = {dim.id: dim for dim in questionnaire.dimensions}
    shown = printable(name)
    if dimension in dims:
        return (f"unexpected column {shown}: '{printable(value)}' is not an answer to '{dimension}' "
                f"({wording.runs(questionnaire)}"
                f"{', plus dk' if dims[dimension].dont_know else ''})")
    if dimension and value:
        return (f"unexpected column {shown}: questionnaire '{questionnaire.id}' has no question "
                f"'{printable(dimension)}' (its questions are {', '.join(dims)})")
    return f"unexpected column {shown}"


def _count(cell: str, line: int, column: str) -> int:
    if cell == "":
        return 0
    text = cell.removesuffix(".0")  # spreadsheets sometimes save 3 as 3.0
    if not text.isdigit() or not text.isascii():
        raise Unusable(f"row {line}, column {column}: '{printable(cell, 20)}' is not a count "
                       "(expected a whole number of answers, 0 or more)")
    number = int(text) if len(text.lstrip("0")) <= len(str(MAX_COUNT)) else MAX_COUNT + 1  # int() refuses 4,301 digits
    if number > MAX_COUNT:
        raise Unusable(f"row {line}, column {column}: {printable(text, 20)} answers is more than any school "
                       "could give")
    return number


def _decode(data: bytes) -> str:
    """UTF-8 first (with or without a byte-order mark), then what Windows spreadsheets save: Windows-1252,
    or UTF-16 with a byte-order mark ("Unicode text")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unusable("it begins like UTF-16 text but is not; save it as CSV UTF-8") from None
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
