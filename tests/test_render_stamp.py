"""Stamping school names onto finished PDFs: where the name lands, how it reads, and that the PDF stays valid."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import ImageChops

from auditpack import pipeline
from auditpack.render.renderer import Renderer
from auditpack.render.stamp import (
    LARGE_PRINT_MIN_SIZE,
    LARGE_PRINT_SIZE,
    LAYOUTS,
    MIN_SIZE,
    StampSheet,
    room,
    school_places,
)

from .pdf_reading import MM, all_text, open_pdf, page_texts, render
from .tagged_reading import read_aloud

NAMES = ["St Anne's Primary", "Ysgol Gynradd Tŷ Gwyn a'r Ŵyl",
         "The Very Long Named Church of England Voluntary Aided Primary School and Nursery of St Michael"]


@pytest.fixture(scope="module")
def sheet(mini_build) -> StampSheet:
    project = pipeline.Project.open(mini_build)
    renderer = Renderer(project.templates, project.config, pipeline.build_date(pipeline.check(project)), project.logo)
    return renderer.stamp_sheet(NAMES).result()


@pytest.fixture(scope="module")
def downloads(mini_build) -> Path:
    return mini_build / "site" / "downloads" / "mini"


def stamped(tmp_path: Path, sheet: StampSheet, source: Path, name: str, size: float | None = None) -> Path:
    target = tmp_path / f"stamped-{source.name}"
    data = source.read_bytes()
    target.write_bytes(sheet.apply(data, name) if size is None else sheet.apply(data, name, size))
    return target


def test_name_reads_after_its_label(tmp_path, sheet, downloads):
    path = stamped(tmp_path, sheet, downloads / "stage-2-gather" / "group-recording.pdf", NAMES[1])
    first = page_texts(path)[0]
    assert f"School: {NAMES[1]} Date:" in first  # in reading order, not at the end of the page
    assert NAMES[0] not in all_text(path)


def test_every_part_of_a_pack_is_named(tmp_path, sheet, downloads):
    source = downloads.parent / "mini" / "mini-complete-pack.pdf"
    with pikepdf.open(source) as pdf:
        places = sum(len(points) for points in school_places(pdf).values())
    assert places >= 5  # the parts keep their marks as p{N}/school-name-... when bound
    path = stamped(tmp_path, sheet, source, NAMES[0])
    assert all_text(path).count(NAMES[0]) == places


@pytest.mark.slow
def test_stamped_pdf_stays_tagged_and_valid(tmp_path, sheet, downloads):
    for source in (downloads / "stage-2-gather" / "response-form.pdf", downloads / "mini-complete-pack.pdf"):
        path = stamped(tmp_path, sheet, source, NAMES[1])
        root = open_pdf(path).trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/Lang"] and root["/MarkInfo"]["/Marked"]
        if shutil.which("qpdf"):
            result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
            assert result.returncode == 0, result.stdout[-500:]


def test_name_is_tagged_text_read_after_its_label(tmp_path, sheet, downloads):
    """The name is content: marked content under a /Span of the structure tree (with the name as
    /ActualText), read by a screen reader right after "School:", never an artifact."""
    path = stamped(tmp_path, sheet, downloads / "stage-2-gather" / "collation.pdf", NAMES[1])
    with pikepdf.open(path) as pdf:
        ops = [(str(op.operator), list(op.operands)) for op in pikepdf.parse_content_stream(pdf.pages[0])]
        draws = [i for i, (name, operands) in enumerate(ops)
                 if name == "Do" and operands == [pikepdf.Name("/AuditpackSchoolName")]]
        assert draws
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        marks = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}[int(pdf.pages[0].obj.StructParents)]
        for index in draws:
            opened = max(i for i in range(index) if ops[i][0] in ("BMC", "BDC"))
            name, operands = ops[opened]
            assert (name, operands[0]) == ("BDC", pikepdf.Name.Span)
            element = marks[int(operands[1].MCID)]
            assert str(element.S) == "/Span" and str(element.ActualText) == NAMES[1]
    assert f"School: {NAMES[1]} Collated by:" in read_aloud(path, 0)


def test_a_schools_copy_is_titled_with_the_school(tmp_path, sheet, downloads):
    source = downloads / "stage-2-gather" / "group-recording.pdf"
    with pikepdf.open(source) as pdf:
        title = str(pdf.docinfo.Title)
    path = stamped(tmp_path, sheet, source, NAMES[2])
    with pikepdf.open(path) as pdf:
        assert str(pdf.docinfo.Title) == f"{title} | {NAMES[2]}"
        assert pdf.open_metadata()["dc:title"] == f"{title} | {NAMES[2]}"
    assert str(open_pdf(path).metadata.title) == f"{title} | {NAMES[2]}"  # pypdf reads the update too


def test_same_input_same_bytes_and_unnamed_pdfs_untouched(sheet, downloads):
    form = (downloads / "stage-2-gather" / "group-recording.pdf").read_bytes()
    assert sheet.apply(form, NAMES[0]) == sheet.apply(form, NAMES[0]) != form
    briefing = (downloads / "stage-2-gather" / "briefing.pdf").read_bytes()  # no "School" field
    assert sheet.apply(briefing, NAMES[0]) == briefing


def _ink(tmp_path, sheet, source: Path, name: str, size: float | None = None):
    """Bounds in mm (left, top, right, bottom from the page's top-left) of what stamping added to page 1."""
    path = stamped(tmp_path, sheet, source, name, size)
    scale = 4
    before, after = render(source, 0, scale=scale, grayscale=True), render(path, 0, scale=scale, grayscale=True)
    box = ImageChops.difference(before, after).getbbox()
    assert box, "nothing was drawn"
    return [v / scale / MM for v in box], path


def test_name_sits_on_the_school_line(tmp_path, sheet, downloads):
    source = downloads / "stage-2-gather" / "group-recording.pdf"
    (left, top, right, bottom), path = _ink(tmp_path, sheet, source, NAMES[0])
    with pikepdf.open(source) as pdf:
        [(x, baseline)] = school_places(pdf)[0]
        height = float(pdf.pages[0].MediaBox[3])
    baseline_mm = (height - baseline) / MM
    render(path, 0, scale=2).save(tmp_path / "school-line.png")  # to look at when this fails
    assert abs(left - x / MM) < 1.5                      # starts where the line starts
    assert baseline_mm - 4 < top < baseline_mm - 2       # capitals about 3 mm tall, standing on the baseline
    assert baseline_mm < bottom < baseline_mm + 1.2      # descenders only, and above the rule 2 mm below
    assert right - left < 64


def test_long_names_end_before_their_line_and_large_print_is_larger(tmp_path, sheet, downloads):
    source = downloads / "stage-2-gather" / "group-recording.pdf"
    with pikepdf.open(source) as pdf:
        [(x, _)] = school_places(pdf)[0]
        width = room(pdf)
    assert 140 * MM < width < 180 * MM  # the marked end of the School line (a row to itself), not a guess
    (_left, _, right, _), _ = _ink(tmp_path, sheet, source, NAMES[2])
    assert right <= (x + width) / MM + 1.5  # ends before the line does, clear of the next field
    (_, top, _, bottom), _ = _ink(tmp_path, sheet, source, NAMES[0])
    (_, big_top, _, big_bottom), _ = _ink(tmp_path, sheet, source, NAMES[0], LARGE_PRINT_SIZE)
    assert (big_bottom - big_top) > 1.3 * (bottom - top)


def test_the_stamp_sheet_is_untagged_and_a_page_per_name_and_line_count(sheet):
    with pikepdf.open(io.BytesIO(sheet.data)) as pdf:
        assert len(pdf.pages) == LAYOUTS * len(NAMES) and "/StructTreeRoot" not in pdf.Root
    assert sorted(s.page for layouts in sheet.stamps.values() for s in layouts) == list(range(LAYOUTS * len(NAMES)))
    assert [s.lines for s in sheet.stamps[NAMES[2]]] == list(range(1, LAYOUTS + 1))


def _sizes(path: Path) -> Counter:
    """How many characters of each size page 1 prints (pdfplumber: a reader auditpack does not use)."""
    with pdfplumber.open(path) as pdf:
        return Counter(round(c["size"], 2) for c in pdf.pages[0].chars if c["text"].strip())


@pytest.mark.parametrize("size,minimum", [(None, MIN_SIZE), (LARGE_PRINT_SIZE, LARGE_PRINT_MIN_SIZE)])
def test_a_long_name_is_never_narrowed_below_the_minimum_but_wraps_above_its_line(tmp_path, sheet, downloads,
                                                                                 size, minimum):
    source = downloads / "stage-2-gather" / "group-recording.pdf"
    with pikepdf.open(source) as pdf:
        [(x, baseline)] = school_places(pdf)[0]
        width, height = room(pdf), float(pdf.pages[0].MediaBox[3])
    (left, top, right, bottom), path = _ink(tmp_path, sheet, source, NAMES[2], size)
    render(path, 0, scale=2).save(tmp_path / "long-name.png")  # to look at when this fails
    added = _sizes(path) - _sizes(source)
    assert sum(added.values()) == len(NAMES[2].replace(" ", ""))
    assert added and min(added) >= minimum - 0.01, added          # no character of the name below the minimum
    assert right <= (x + width) / MM + 1.5                        # it ends before its line does
    assert bottom < (height - baseline) / MM + 1.2                # its last line stands on the School line
    with pdfplumber.open(source) as pdf:                          # the line above it lands on nothing printed
        assert not [c["text"] for c in pdf.pages[0].chars if c["text"].strip() and c["x0"] / MM < right
                    and c["x1"] / MM > left and c["top"] / MM < bottom and c["bottom"] / MM > top]
    assert " ".join(page_texts(path)[0].split()).count("Michael") == 1
