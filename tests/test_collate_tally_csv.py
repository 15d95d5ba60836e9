"""The tally sheet layout: the blank sheet, reading what recorders type, and refusing sheets that do not fit."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from auditpack.answer_formats import blank_sheet, header, write_sheet
from auditpack.collate.answers import Unusable
from auditpack.collate.tally_csv import read_tally

from .test_collate_filling import RESPONSES, mini_content

Q = mini_content().questionnaire("wellbeing")
HEADER = ("item_id,number,section,statement,doing_1,doing_2,doing_3,doing_4,doing_dk,"
          "support_1,support_2,support_3,support_4,support_dk")


def test_blank_sheet_layout():
    text = blank_sheet(Q)
    assert text.startswith("\ufeff" + HEADER + "\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r[:3] for r in rows[1:]] == [["kind-staff", "1", "People"], ["no-item", "2", "People"],
                                         ["calm-rooms", "3", "Place"]]
    assert rows[3][3] == "Rooms are calm — “quiet” places for Ŵyn and Ŷr."
    assert all(cell == "" for row in rows[1:] for cell in row[4:])


def test_blank_sheet_reads_as_no_counts():
    assert read_tally(blank_sheet(Q).encode("utf-8"), Q).counts == {}


def test_written_counts_read_back_exactly():
    counts = {("kind-staff", "doing"): Counter({"1": 2, "dk": 3}), ("calm-rooms", "support"): Counter({"4": 9})}
    assert read_tally(write_sheet(Q, counts).encode("utf-8"), Q).counts == counts


def test_hidden_cells_are_left_empty():
    counts = {("kind-staff", "doing"): Counter({"1": 2})}
    row = write_sheet(Q, counts, hidden={("kind-staff", "doing")}).splitlines()[1].split(",")
    assert row[4:9] == ["", "", "", "", ""] and row[9:14] == ["0"] * 5


def test_spreadsheet_saved_sheet_semicolons_windows_1252():
    tally = read_tally((RESPONSES / "mini" / "tally-excel-semicolons.csv").read_bytes(), Q)
    assert tally.counts[("kind-staff", "doing")] == Counter({"1": 1, "4": 2})
    assert tally.counts[("calm-rooms", "doing")] == Counter({"2": 1, "3": 1, "dk": 1})


def test_typed_sheet_with_empty_cells():
    tally = read_tally((RESPONSES / "mini" / "tally-group-a.csv").read_bytes(), Q)
    assert tally.counts[("no-item", "doing")] == Counter({"1": 1, "3": 2, "4": 2, "dk": 2})
    assert sum(tally.counts[("kind-staff", "doing")].values()) == 7


def test_counts_saved_as_decimals_and_extra_blank_rows():
    text = HEADER + "\nkind-staff,1,People,x,1.0,2,,,,,,,,\n,,,,,,,,,,,,,\n\n"
    assert read_tally(text.encode(), Q).counts == {("kind-staff", "doing"): Counter({"1": 1, "2": 2})}


@pytest.mark.parametrize("name, reason", [
    ("tally-wrong-columns.csv", "unexpected column score; missing column support_dk"),
    ("tally-out-of-scale.csv", "unexpected column doing_5: '5' is not an answer to 'doing' (the scale runs 1 to 4"),
    ("tally-not-a-count.csv", "row 2, column doing_3: 'three' is not a count"),
    ("tally-negative.csv", "row 2, column doing_4: '-2' is not a count"),
    ("tally-other-questionnaire.csv", "questionnaire 'wellbeing' has no question 'enabled'"),
    ("tally-unknown-statements.csv", "none of its statements belong to questionnaire 'wellbeing'"),
    ("tally-duplicate-row.csv", "statement 'kind-staff' has two rows (2 and 3)"),
    ("tally-not-a-tally.csv", "it is not a tally sheet: its first row has no 'item_id' column"),
])
def test_bad_sheets_say_what_is_wrong(name, reason):
    with pytest.raises(Unusable) as caught:
        read_tally((RESPONSES / "bad" / name).read_bytes(), Q)
    assert reason in str(caught.value)


@pytest.mark.parametrize("body, reason", [
    ("kind-staff,1,People,x,1,1,1,1,1,1,1,1,1,1,7\n", "row 2 has more cells than the header has columns"),
    (",,,,3,,,,,,,,,\n", "row 2 has counts but no item_id"),
    ("kind-staff,1,People,x,1000000,,,,,,,,,\n", "more than any school could give"),
    ("kind-staff,1,People,x,²,,,,,,,,,\n", "is not a count"),
])
def test_bad_rows(body, reason):
    with pytest.raises(Unusable) as caught:
        read_tally((HEADER + "\n" + body).encode(), Q)
    assert reason in str(caught.value)


def test_statements_from_an_older_version_are_listed_not_counted():
    text = HEADER + "\nkind-staff,1,People,x,1,,,,,,,,,\nretired,2,People,x,5,,,,,,,,,\n"
    tally = read_tally(text.encode(), Q)
    assert tally.unknown_items == ("retired",)
    assert tally.counts == {("kind-staff", "doing"): Counter({"1": 1})}


def test_header_matches_the_questionnaire():
    assert ",".join(header(Q)) == HEADER


ROW = "kind-staff,1,People,x,1,2,,,,,,,,"


@pytest.mark.parametrize("data", [
    (HEADER + "\n" + ROW + "\n").encode("utf-16"),  # a spreadsheet's "Unicode text"
    (HEADER + "\n" + ROW + "\n").replace(",", "\t").encode("utf-16-le").join([b"\xff\xfe", b""]),
    (HEADER + "\r" + ROW + "\r").encode(),  # classic Mac line ends
    ("\n\n" + HEADER + "\n" + ROW + "\n").encode(),  # blank lines above the header
])
def test_other_ways_a_sheet_is_saved(data):
    assert read_tally(data, Q).counts == {("kind-staff", "doing"): Counter({"1": 1, "2": 2})}


@pytest.mark.parametrize("data, reason", [
    (b"\xef\xbb\xbf", "it is empty"),
    ((HEADER + "\n" + ROW.replace("People", "Peo\0ple") + "\n").encode(), "it holds NUL characters (line 2)"),
    ((HEADER + "\n" + ROW + "\n").encode("utf-16-le"), "it holds NUL characters (line 1)"),
    (b"\xff\xfe\x00\xd8", "it begins like UTF-16 text but is not"),
    ((HEADER + "\n" + ROW.replace(",x,", "," + "x" * 200_000 + ",") + "\n").encode(),
     "(line 2: a cell is longer than 131,072 characters, far more than a tally sheet holds)"),
    ((HEADER + "\n" + ROW.replace(",1,2,", ",1," + "9" * 5000 + ",") + "\n").encode(),
     "row 2, column doing_2: " + "9" * 19 + "… answers is more than any school could give"),
    ((HEADER + "\n\n\n" + ROW.replace(",1,2,", ",1,x,") + "\n").encode(), "row 4, column doing_2: 'x'"),
    ((HEADER + "\n" + ROW.replace("kind-staff", "\x1b[2J\u202e") + "\n").encode(),
     r"(it has '\x1b[2J\u202e'...)"),
    (("item_id," + ",".join(f"c{n}" for n in range(50_000)) + "\n").encode(),
     "unexpected column c4; 49,995 more unexpected columns; missing columns"),
    ((HEADER + ",doing_1\n").encode(), "column 'doing_1' appears twice"),
])
def test_sheets_that_cannot_be_read(data, reason):
    """Every way a file can fail the CSV reader is a reason, never a traceback; numbers Python cannot
    convert, and text that would act when shown, never reach the reason."""
    with pytest.raises(Unusable) as caught:
        read_tally(data, Q)
    assert reason in str(caught.value)
