"""Right to left: a programme in Arabic prints from right to left, checked by where its text lands
on the page (pdfplumber), not only by eye: the scale's boxes run from the right, statements stand
to the right of their boxes, record columns start at the right, the running head's title is at the
top right and the page number at the bottom left; the site's pages are dir="rtl"."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

from auditpack import pipeline

from .conftest import translated_mini

ARABIC = {"questionnaires/wellbeing/sections/people/items/kind-staff/text": "الموظفون لطفاء مع بعضهم",
          "programme/short_title": "تدقيق صغير"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = translated_mini(tmp_path_factory.mktemp("rtl") / "mini", "ar",
                              lambda number, address, source: ARABIC.get(address, f"نص عربي {number}"))
    pipeline.build(pipeline.Project.open(project))
    return project / "site" / "ar"


def words(pdf: Path, page: int = 0):
    with pdfplumber.open(pdf) as opened:
        first = opened.pages[page]
        return first.width, first.height, first.extract_words(keep_blank_chars=False, use_text_flow=False)


def arabic_letters(pdf: Path, page: int = 0) -> list[dict]:
    """The Arabic letters on a page, each with its place (pdfplumber splits shaped Arabic into
    pieces that are no words, so letters are what can be located)."""
    with pdfplumber.open(pdf) as opened:
        return [c for c in opened.pages[page].chars if any("\u0600" <= x <= "\u06ff" for x in c["text"])]


@pytest.mark.slow
def test_the_scale_runs_from_the_right_and_statements_stand_right_of_their_boxes(built):
    _, _, found = words(built / "downloads" / "mini" / "stage-2-gather" / "response-form.pdf")
    rows: dict[int, list] = {}
    for word in found:
        if word["text"] in ("1", "2", "3", "4", "?"):
            rows.setdefault(round(word["top"]), []).append(word)
    header = max(rows.values(), key=len)  # the grid's row of scale keys: 1 2 3 4 ? for each question
    first_question = sorted(header, key=lambda w: -w["x0"])[:5]  # the rightmost five
    assert [w["text"] for w in first_question] == ["1", "2", "3", "4", "?"]
    number = [w for w in found if w["text"] in ("1.", ".1") and w["top"] > header[0]["top"]]
    assert number and min(w["x0"] for w in number) > max(w["x1"] for w in header), \
        "the statement (its number first) stands to the right of its boxes"


@pytest.mark.slow
def test_running_head_and_page_number_trade_sides(built):
    briefing = built / "downloads" / "mini" / "stage-1-prepare" / "briefing.pdf"
    width, height, found = words(briefing)
    head = [c for c in arabic_letters(briefing) if c["top"] < 60]
    title = [c for c in head if c["text"] in "تدصغي"]  # letters of the short title (تدقيق صغير) and not of the kind
    assert title and min(c["x0"] for c in title) > width / 2, "the running title is at the top right"
    footer = [w for w in found if w["top"] > height - 60]
    version = [w for w in footer if "2.1" in w["text"]]
    number = [w for w in footer if w["text"] == "1" and w["x1"] < width / 3]
    assert version and min(w["x0"] for w in version) > width / 2, "the version line is at the bottom right"
    assert number, "the page number is at the bottom left"


@pytest.mark.slow
def test_record_columns_and_choices_start_at_the_right(built):
    """Read from the form's layout (the named destinations WeasyPrint wrote where each area landed):
    the first record column, and the first choice of a choice column, are the right-hand ones."""
    layout = json.loads((built / "downloads" / "mini" / "stage-2-gather" / "group-recording.layout.json")
                        .read_text(encoding="utf-8"))
    page = layout["pages"][0]
    writing = {area["field"].rsplit(":", 1)[1]: area["x"] for area in page["writing"]}
    assert writing["working"] > writing["ideas"]
    boxes = {box["value"]: box["x"] for box in page["boxes"] if box["field"].endswith(":priority")}
    assert boxes["High"] > boxes["Medium"] > boxes["Low"]


@pytest.mark.slow
def test_the_arabic_documents_and_pages_say_they_are_right_to_left(built):
    import pikepdf
    with pikepdf.open(built / "downloads" / "mini" / "stage-2-gather" / "response-form.pdf") as pdf:
        assert str(pdf.Root.Lang) == "ar"
    page = (built / "mini" / "answer-wellbeing.html").read_text(encoding="utf-8")
    assert '<html lang="ar"' in page and '<body dir="rtl"' in page
