"""Every CSV auditpack writes opens in a spreadsheet as data, never as formulas (OWASP "CSV Injection").

A programme whose section titles and statements are formulas is built as a user builds it; its
blank tally sheet from the site is filled in (the quoted texts kept, as a spreadsheet saves them)
and collated; then every CSV file is parsed with the csv module and no cell may be one a
spreadsheet would run. The numbers collate computed, a negative gap included, must stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from auditpack import cli
from auditpack.safe_csv import csv_text, neutralised

from .conftest import FIXTURES, copy_project

HOSTILE_TEXTS = {
    "title: People\n": "title: '+SUM(1,2)'\n",
    "title: Place\n": "title: '＝1+1'\n",
    "text: Staff are kind to one another.": "text: '=HYPERLINK(\"http://x\",\"y\")'",
    "text: No\n": "text: \"@cmd|' /C calc'!A0\"\n",
    "text: \"Rooms are calm — “quiet” places for Ŵyn and Ŷr.\"": "text: \"-2+3+cmd|' /C calc'!A0\"",
}
RUNS_AS_FORMULA = re.compile("^(?:[\t\r\n\0]|[\\s\u200b\ufeff]*[=+\\-@＝＋－＠])")
"""What a spreadsheet may run, written out again here so the test does not trust the code it tests."""
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
"""A plain number is never a formula, whatever its sign."""


def rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def assert_no_formulas(text: str, quoted: int) -> None:
    """No cell runs as a formula, and at least ``quoted`` hostile texts were kept, behind a quote."""
    cells = [cell for row in rows(text) for cell in row]
    assert [c for c in cells if RUNS_AS_FORMULA.match(c) and not NUMBER.match(c)] == []
    kept = [c for c in cells if c.startswith("'") and RUNS_AS_FORMULA.match(c[1:])]
    assert len(kept) >= quoted, kept


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("hostile-csv") / "mini")
    guidance = root / "content" / "mini" / "guidance.yml"
    text = guidance.read_text(encoding="utf-8")
    for old, new in HOSTILE_TEXTS.items():
        assert old in text
        text = text.replace(old, new, 1)
    guidance.write_text(text, encoding="utf-8")
    assert cli.main(["build", "-q", "--project", str(root)]) == 0
    return root


@pytest.mark.slow
def test_the_sites_blank_tally_sheet_holds_no_formulas(hostile_build):
    sheet = (hostile_build / "site" / "downloads" / "mini" / "wellbeing-tallies.csv").read_text(encoding="utf-8")
    assert_no_formulas(sheet, quoted=5)  # two section titles (one twice) and three statements
    assert [row[2:4] for row in rows(sheet)[1:]] == [
        ["'+SUM(1,2)", "'=HYPERLINK(\"http://x\",\"y\")"], ["'+SUM(1,2)", "'@cmd|' /C calc'!A0"],
        ["'＝1+1", "'-2+3+cmd|' /C calc'!A0"]]


@pytest.mark.slow
def test_filled_sheet_collates_and_its_csvs_hold_no_formulas(hostile_build, tmp_path):
    """The round trip: blank sheet from the site -> counts typed in -> collate -> tallies and statistics."""
    sheet = rows((hostile_build / "site" / "downloads" / "mini" / "wellbeing-tallies.csv").read_text("utf-8"))
    column = {name: i for i, name in enumerate(sheet[0])}
    for row in sheet[1:]:
        row[column["doing_1"]] = "6"  # every statement: doing 1, support 4, so every gap is -3.0
        row[column["support_4"]] = "6"
    filled = io.StringIO()
    csv.writer(filled).writerows(sheet)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "group-a.csv").write_text(filled.getvalue(), encoding="utf-8-sig")
    out = tmp_path / "out"
    assert cli.main(["collate", "--project", str(hostile_build), "--questionnaire", "wellbeing", "-q",
                     "--out", str(out), str(tmp_path / "in")]) == 0

    tallies = (out / "tallies.csv").read_text(encoding="utf-8")
    assert_no_formulas(tallies, quoted=5)
    assert [row[column["doing_1"]] for row in rows(tallies)[1:]] == ["6", "6", "6"]

    statistics = (out / "statistics.csv").read_text(encoding="utf-8")
    assert_no_formulas(statistics, quoted=10)  # one row per statement and question
    table = rows(statistics)
    gap = table[0].index("gap")
    assert {row[gap] for row in table[1:]} == {"-3.0"}, "a computed negative number must stay a number"


@pytest.mark.parametrize("text", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t1", "\r1", "\n1", "\0x", " =1+1", "\u3000@x", "\u200b=1",
    "\ufeff-1", "＝1+1", "＋1", "－1", "＠x", "-2+3+cmd|' /C calc'!A0",
])
def test_text_a_spreadsheet_would_run_is_quoted(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Staff are kind", "a=b", "1-2", "'=1", "3", "e-mail", "“quiet”"])
def test_other_text_is_unchanged(text):
    assert neutralised(text) == text


def test_numbers_the_tool_computed_stay_numbers_and_text_never_passes_as_one():
    text = csv_text([["gap", "count", "typed"], [Decimal("-0.5"), -3, "-3"], [Decimal("2.50"), 0, None]])
    assert rows(text) == [["gap", "count", "typed"], ["-0.5", "-3", "'-3"], ["2.50", "0", ""]]
