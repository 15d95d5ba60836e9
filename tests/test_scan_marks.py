"""Scannable forms carry what a scan needs, checked with readers auditpack does not use: every page's
QR code decodes (ZXing) to the form's id and the page, the four corner marks are printed (poppler's
rendering), and the written layout matches the drawn boxes pixel for pixel."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from auditpack import pipeline
from auditpack.render.scan_layout import FORMAT, layout_path
from auditpack.scan_code import PageCode

from .conftest import require
from .pdf_reading import MM, open_pdf, page_texts

zxingcpp = pytest.importorskip("zxingcpp")

FORMS = "stage-2-gather"
DPI = 150
"""The lowest resolution a scan is read at (issue 15): what holds here holds for finer scans."""


@pytest.fixture(scope="module")
def downloads(mini_build) -> Path:
    return mini_build / "site" / "downloads" / "mini"


@pytest.fixture(scope="module")
def pages_of(tmp_path_factory):
    """The PDF's pages as poppler draws them (a renderer WeasyPrint has no part in), each drawn once."""
    require(shutil.which("pdftoppm") is not None, "pdftoppm is missing (apt-get install -y poppler-utils)")
    drawn: dict[Path, list[Image.Image]] = {}

    def draw(pdf: Path) -> list[Image.Image]:
        if pdf not in drawn:
            folder = tmp_path_factory.mktemp(pdf.stem)
            subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "p")], check=True)
            drawn[pdf] = [Image.open(path).convert("L") for path in sorted(folder.glob("p-*.png"))]
        return drawn[pdf]
    return draw


def layout_of(pdf: Path) -> dict:
    return json.loads(pdf.with_name(Path(layout_path(pdf.name)).name).read_text(encoding="utf-8"))


def scannable(downloads: Path) -> list[Path]:
    return sorted(p for p in downloads.rglob("*.pdf") if p.with_name(Path(layout_path(p.name)).name).exists())


def test_the_hand_filled_forms_and_only_they_are_scannable(downloads):
    found = {p.name for p in scannable(downloads)}
    assert found == {"response-form.pdf", "response-form-large-print.pdf", "group-recording.pdf",
                     "group-recording-large-print.pdf"}, found
    assert not (downloads / FORMS / "response-form-fillable.layout.json").exists()  # filled on screen
    assert not (downloads / FORMS / "response-form-blank.layout.json").exists()  # statements written in by hand


def test_every_page_has_a_qr_code_naming_the_form_and_the_page(downloads, pages_of):
    for pdf in scannable(downloads):
        layout = layout_of(pdf)
        assert layout["format"] == FORMAT and len(layout["pages"]) == len(open_pdf(pdf).pages)
        for number, picture in enumerate(pages_of(pdf), start=1):
            codes = [PageCode.parse(found.text) for found in zxingcpp.read_barcodes(picture)]
            assert codes == [PageCode(layout["form"], number)], (pdf.name, number, codes)


def test_the_form_id_is_printed_in_words_under_the_page_number(downloads):
    for pdf in scannable(downloads):
        form = layout_of(pdf)["form"]
        for number, text in enumerate(page_texts(pdf), start=1):
            assert f"Form {form[:4]} {form[4:]}" in text, (pdf.name, number)


def test_a_dark_mark_in_each_corner_inside_the_printable_area(downloads, pages_of):
    """A 5 mm square 6 mm in from both edges at every corner: dark inside, white between it and the
    paper's edge (most printers cannot print within 5 mm of it)."""
    for pdf in scannable(downloads):
        for number, picture in enumerate(pages_of(pdf), start=1):
            for corner in ((False, False), (False, True), (True, False), (True, True)):
                def at(x_mm: float, y_mm: float, picture=picture, corner=corner) -> int:
                    return corner_pixel(picture, corner, x_mm, y_mm)
                assert at(8.5, 8.5) < 60 and at(6.5, 10.5) < 60, (pdf.name, number, corner)  # the mark
                assert at(4, 4) > 200 and at(4, 8.5) > 200 and at(8.5, 4) > 200, (pdf.name, number)  # the margin


def corner_pixel(picture: Image.Image, corner: tuple[bool, bool], x_mm: float, y_mm: float) -> int:
    """The grey level ``x_mm`` in from the side and ``y_mm`` in from the top or bottom of a corner
    (``corner``: at the right?, at the bottom?)."""
    px = DPI / 25.4
    right, bottom = corner
    x = picture.size[0] - x_mm * px if right else x_mm * px
    y = picture.size[1] - y_mm * px if bottom else y_mm * px
    return picture.getpixel((int(x), int(y)))


def test_the_layout_is_where_the_boxes_are_drawn(downloads, pages_of):
    """For every box in the layout: a ring just outside its inside rectangle is the box's dark border,
    and its middle is white paper. A layout off by a quarter of a box would fail both."""
    checked = 0
    for pdf in scannable(downloads):
        layout = layout_of(pdf)
        pictures = pages_of(pdf)
        for page, picture in zip(layout["pages"], pictures, strict=True):
            scale = picture.size[0] / page["width"]
            for box in page["boxes"]:
                left, top = box["x"] * scale, box["y"] * scale
                right, bottom = left + box["width"] * scale, top + box["height"] * scale
                middle = picture.getpixel((int((left + right) / 2), int((top + bottom) / 2)))
                border = [picture.getpixel((int(x), int(y))) for x, y in (
                    ((left + right) / 2, top - 1.2), ((left + right) / 2, bottom + 0.8),
                    (left - 1.2, (top + bottom) / 2), (right + 0.8, (top + bottom) / 2))]
                assert middle > 200 and max(border) < 140, (pdf.name, page["page"], box, middle, border)
                checked += 1
    assert checked >= 2 * 3 * 2 * 5  # two forms, 3 statements, 2 questions, 5 boxes


def test_every_box_and_comment_area_of_the_form_is_in_the_layout(downloads, mini_build):
    [content] = pipeline.check(pipeline.Project.open(mini_build))
    q = content.questionnaire("wellbeing")
    for pdf in scannable(downloads):
        layout = layout_of(pdf)
        boxes = {(b["field"], b["value"]) for page in layout["pages"] for b in page["boxes"]}
        writing = [w["field"] for page in layout["pages"] for w in page["writing"]]
        if pdf.name.startswith("group-recording"):  # what a group records beside each statement, no ratings
            items = {field.split(":")[1] for field, _ in boxes}  # the sections its stage discusses
            assert items and items <= {item.id for item in q.items}, pdf.name
            assert boxes == {(f"record:{item}:priority", value) for item in items
                             for value in ("High", "Medium", "Low")}, pdf.name
            assert sorted(writing) == sorted([*(f"record:{item}:{column}" for item in items
                                               for column in ("working", "ideas")), "comments:general"]), pdf.name
            continue
        expected = {(f"item:{item.id}:{dim.id}", value) for item in q.items for dim in q.dimensions
                    for value in [*(p.key for p in q.scale), *(["dk"] if dim.dont_know else [])]}
        assert boxes == expected, pdf.name
        assert sorted(writing) == sorted(f"comments:{s.id}" for s in q.sections), pdf.name
        assert all(w["height"] > 20 * MM for page in layout["pages"] for w in page["writing"])  # three lines


@pytest.mark.slow  # renders the form four times, on two papers: 14 s of the quick subset
def test_the_form_id_follows_the_wording_and_the_paper(mini_project):
    """The same content builds the same id; a statement reworded (its row may wrap differently) or
    another paper gives another, so a scan is never read against boxes that moved."""
    def form_id(project_dir: Path, paper: str | None = None) -> str:
        project = pipeline.Project.open(project_dir)
        if paper:
            project = dataclasses.replace(project, config=project.config.model_copy(update={"paper": paper}))
        pipeline.build(project)
        return layout_of(project_dir / "site" / "downloads" / "mini" / FORMS / "response-form.pdf")["form"]

    first = form_id(mini_project)
    assert form_id(mini_project) == first
    assert form_id(mini_project, "Letter") != first
    questionnaire = mini_project / "content" / "mini" / "guidance.yml"
    questionnaire.write_text(questionnaire.read_text().replace("Staff are kind to one another.",
                                                                "Staff are kind to one another, every day."))
    assert form_id(mini_project) != first
