"""The rules a staff room's printer and pens impose, checked on the PDFs themselves.

Sizes are measured from what is drawn: text objects' printed size, tick boxes' and
writing lines' geometry, page sizes; text is read per page to prove nothing splits.
"""

import itertools
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from auditpack import pipeline
from auditpack.documents import plan
from auditpack.render.renderer import Renderer

from .pdf_reading import drawn_shapes, open_pdf, page_texts, render, text_right_edges, text_runs

FORMS = "stage-2-gather"


@pytest.fixture(scope="module")
def downloads(mini_build) -> Path:
    return mini_build / "site" / "downloads" / "mini"


def body_size(path: Path, page: int) -> float:
    """The size most of the page's characters are printed at."""
    sizes = Counter()
    for text, size in text_runs(path, page):
        sizes[round(size, 1)] += len(text.strip())
    return sizes.most_common(1)[0][0]


def boxes(path: Path, page: int) -> list[tuple[float, float]]:
    """Tick boxes: drawn squares between 5 and 10 mm a side (outer edge), inside the side margins (a
    scannable form's corner marks are 5 mm squares outside them)."""
    width = float(open_pdf(path).pages[page].mediabox.width) / (72 / 25.4)
    return [(w, h) for left, _, w, h in drawn_shapes(path, page)
            if 5 <= w <= 10 and abs(w - h) < 0.2 and left >= 11.9 and left + w <= width - 11.9]


def is_corner_mark(shape: tuple[float, float, float, float], width: float, height: float) -> bool:
    """A scannable form's registration mark: a 5 mm square in a corner of the page, at least 5 mm from
    both edges (printers cannot print nearer) and no more than 15 mm in."""
    left, bottom, w, h = shape
    gaps = (left, bottom, width - left - w, height - bottom - h)
    return abs(w - 5) < 0.1 and abs(h - 5) < 0.1 and min(gaps) >= 5 and sorted(gaps)[1] <= 15


def test_body_text_is_at_least_11pt(downloads):
    for name in ("response-form", "group-recording", "briefing", "audit-timetable"):
        path = downloads / FORMS / f"{name}.pdf"
        assert body_size(path, 0) >= 11, name
    form = downloads / FORMS / "response-form.pdf"
    statement = [s for page in range(len(page_texts(form))) for t, s in text_runs(form, page) if "Staff are kind" in t]
    assert statement and min(statement) >= 11


def test_large_print_is_at_least_16pt(downloads):
    for name in ("response-form", "group-recording", "briefing"):
        path = downloads / FORMS / f"{name}-large-print.pdf"
        assert body_size(path, 0) >= 16, name
        assert all(w >= 8 for w, _ in boxes(path, len(open_pdf(path).pages) - 1)), name


def test_tick_boxes_fit_a_pen(downloads):
    path = downloads / FORMS / "response-form.pdf"
    texts = page_texts(path)
    found = [w for page in range(len(texts)) for w, _ in boxes(path, page)]
    # 3 statements x 2 questions x (4 scores + "I don't know")
    assert len(found) >= 3 * 2 * 5
    assert min(found) >= 5.0


def test_writing_lines_are_at_least_8mm_apart(downloads):
    """Each ruled line is drawn as the bottom edge of a box as tall as the gap to the line above."""
    path = downloads / FORMS / "group-recording.pdf"
    columns = {}
    for left, bottom, width, height in drawn_shapes(path, 0):
        if width > 40 and height < 15:
            columns.setdefault((round(left, 1), round(width, 1)), []).append(bottom)
    gaps = [b - a for ys in columns.values() for a, b in itertools.pairwise(sorted(ys)) if b - a < 20]
    assert len(gaps) >= 4 and min(gaps) >= 8.0, gaps


def test_group_form_has_room_for_ten_people(downloads):
    path = downloads / FORMS / "group-recording.pdf"
    assert "People present (one tick each, no names)" in page_texts(path)[0]
    assert len(boxes(path, 0)) >= 10


@pytest.mark.slow
def test_margins_survive_office_printers(downloads):
    for path in sorted(downloads.rglob("*.pdf")):
        reader = open_pdf(path)
        for index, page in enumerate(reader.pages):
            width, height = (float(page.mediabox.width) / (72 / 25.4), float(page.mediabox.height) / (72 / 25.4))
            for left, bottom, w, h in drawn_shapes(path, index):
                if not is_corner_mark((left, bottom, w, h), width, height):
                    assert left >= 11.9 and left + w <= width - 11.9, (path.name, index)


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_no_statement_splits_across_pages(paper, request):
    """Each statement, with its boxes, is printed whole on one page of every form that lists statements,
    on both papers (a first row WeasyPrint split was found on Letter only, see render/unsplit.py)."""
    built = request.getfixturevalue("bundled_build" if paper == "A4" else "bundled_letter_build")
    project = pipeline.Project.open(built)
    with_statements = [c for c in pipeline.check(project) if c.questionnaires]
    assert {c.programme.id for c in with_statements} >= {"blackpool-ara", "wellbeing-review"}
    for content in with_statements:
        folder = built / "site" / "downloads" / content.programme.id
        forms = [p for p in folder.rglob("*.pdf")
                 if p.name.startswith(("response-form", "group-recording", "collation")) and "blank" not in p.name]
        assert len(forms) >= 6
        items = [item for q in content.questionnaires for item in q.items]
        for form in forms:
            pages = [" ".join(t.split()) for t in page_texts(form)]
            whole = " ".join(pages)
            for item in items:
                text = " ".join(item.text.split())
                if text[:30] in whole:  # a split statement is not in the joined text: running heads come between
                    assert any(text in page for page in pages), f"{form.name}: '{text[:40]}...' is split"


@pytest.mark.slow
def test_tables_repeat_their_header_on_continued_pages(bundled_build):
    path = bundled_build / "site/downloads/imhars/stage-3-audit/checkin-log.pdf"
    pages = page_texts(path)
    assert len(pages) >= 2
    assert all("Progress since last week" in page for page in pages)


def test_greyscale_print_looks_like_colour(downloads):
    """Printed on a black-and-white printer, a page loses (almost) nothing.

    Pages are compared in 6 x 6 pixel cells so that the renderers' different edge smoothing of
    text does not count; a colour-coded region would differ in whole cells.
    """
    from PIL import ImageChops

    for name in ("briefing", "collation", "response-form", "action-plan"):
        path = downloads / FORMS / f"{name}.pdf"
        colour = render(path, 0, scale=1).convert("L").reduce(6)
        grey = render(path, 0, scale=1, grayscale=True).reduce(6)
        histogram = ImageChops.difference(colour, grey).histogram()
        mean = sum(level * count for level, count in enumerate(histogram)) / sum(histogram)
        worst = max(level for level, count in enumerate(histogram) if count)
        assert mean < 1.5 and worst < 60, (name, mean, worst)


def test_ratings_are_printed_as_text(downloads):
    text = " ".join(page_texts(downloads / FORMS / "group-recording.pdf"))
    assert "High" in text and "Medium" in text and "Low" in text
    assert "Priority (H, M or L)" in " ".join(page_texts(downloads / FORMS / "collation.pdf")) or \
        "S or N" in " ".join(page_texts(downloads / FORMS / "collation.pdf"))


def test_fonts_are_subset(downloads):
    reader = open_pdf(downloads / FORMS / "briefing.pdf")
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            name = str(font.get_object()["/BaseFont"])
            assert name[7:8] == "+" and name[1:7].isupper(), name


@pytest.mark.slow
def test_single_documents_are_small(bundled_build):
    sizes = {p.name: p.stat().st_size for p in (bundled_build / "site" / "downloads").rglob("*.pdf")
             if "pack" not in p.name and "fillable" not in p.name}
    assert max(sizes.values()) < 300_000, max(sizes.items(), key=lambda kv: kv[1])


def test_qpdf_finds_no_errors(mini_build):
    if shutil.which("qpdf") is None:
        if os.environ.get("CI"):
            pytest.fail("qpdf is not installed; .ci/run installs it")
        pytest.skip("qpdf is not installed here (Debian package qpdf)")
    pdfs = sorted((mini_build / "site" / "downloads").rglob("*.pdf"))
    for path in pdfs:
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (path.name, result.stdout[-500:])


@pytest.fixture(scope="module")
def letter_build(tmp_path_factory):
    from .conftest import FIXTURES, copy_project
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("letter") / "mini")
    (root / "site_config.yml").write_text("paper: Letter\ngutter_mm: 10\nvariants: []\n")
    pipeline.build(pipeline.Project.open(root))
    return root / "site" / "downloads" / "mini"


@pytest.mark.slow
def test_letter_paper_and_gutter(letter_build):
    sizes = set()
    for path in letter_build.rglob("*.pdf"):
        for page in open_pdf(path).pages:
            sizes.add(tuple(sorted(round(float(x)) for x in page.mediabox[2:])))
    assert sizes == {(612, 792)}  # portrait and landscape pages alike are US Letter
    lefts = [left for left, _, w, h in drawn_shapes(letter_build / FORMS / "briefing.pdf", 0)]
    assert min(lefts) >= 24.5  # 15 mm margin + 10 mm gutter (less half a table border)


# --- columns fit the page; closing blocks keep company ---------------------------------------------

RIGHT_MARGIN = 15 * 72 / 25.4  # print.css: @page margin, in points


def _overflow(path: Path) -> list[tuple[int, float]]:
    """(page, points past the right margin) for each page with printed text beyond it."""
    return [(index + 1, round(right - (width - RIGHT_MARGIN), 1))
            for index, (right, width) in enumerate(text_right_edges(path)) if right > width - RIGHT_MARGIN + 0.5]


@pytest.mark.slow
def test_task_table_fits_the_page_with_a_long_pathway_name(mini_project):
    """A pathway tag too long for the Task column wraps inside its outline instead of pushing the Who and
    Time columns past the page edge, in standard and large print; large print keeps the tag at 16 pt."""
    programme, stages = (mini_project / "content" / "mini" / name for name in ("programme.yml", "stages.yml"))
    long_name = "Supported by the borough's health improvement advisors"
    programme.write_text(programme.read_text().replace("    name: Supported\n", f"    name: {long_name}\n"))
    stages.write_text(stages.read_text().replace(
        "        owners: [lead, advisor]\n",
        "        owners: [lead, advisor, staff]\n        time: about 1.5 days per component, spread over a term\n"))
    project = pipeline.Project.open(mini_project)
    the_plan = plan(pipeline.check(project), tuple(project.config.variants))
    paths = ["mini/stage-1-prepare/briefing.pdf", "mini/stage-1-prepare/briefing-large-print.pdf"]
    with Renderer(project.templates, project.config, 0) as renderer:
        outputs = renderer.render(the_plan, paths=paths)
    for path in paths:
        pdf = mini_project / Path(path).name
        pdf.write_bytes(outputs[path].data)
        text = " ".join(" ".join(page_texts(pdf)).split())
        assert "about 1.5 days per component, spread over a term" in text and long_name in text, path
        assert _overflow(pdf) == [], path
    large = mini_project / "briefing-large-print.pdf"
    tag = [size for page in range(len(open_pdf(large).pages)) for text, size in text_runs(large, page)
           if "advisors only" in text or "health improvement" in text]
    assert tag and round(min(tag), 1) >= 16


CLOSING = ("Our notes", "Anything else the group wants to say", "Themes emerging", "Comments on ")
"""Headings of the short blocks that end a document, or a section of a response form."""


@pytest.mark.slow
def test_no_closing_block_stands_alone_on_a_last_page(bundled_build):
    """On the last page of every document of both bundled programmes, a closing block (notes, comments,
    'anything else') comes after something else of the document: never alone on its own page. And no
    printed character passes the right margin of any page."""
    documents = [p for p in (bundled_build / "site" / "downloads").rglob("*.pdf") if not p.name.endswith("pack.pdf")]
    assert len(documents) > 60
    alone, overflowing = [], []
    for path in documents:
        last = " ".join(page_texts(path)[-1].split())
        starts = [last.find(heading) for heading in CLOSING if heading in last]
        if starts and len(last[:min(starts)].split()) < 3:
            alone.append(f"{path.relative_to(bundled_build)}: {last[:80]}")
        if problems := _overflow(path):
            overflowing.append(f"{path.relative_to(bundled_build)}: {problems}")
    assert alone == [] and overflowing == []


@pytest.mark.slow
def test_collation_template_starts_its_tallies_on_the_first_page(bundled_build, bundled_programmes):
    """With a questionnaire, the template is landscape from its first page, which holds the first
    section's grid as well as the header fields and the key."""
    [staff_audit] = [q for c in bundled_programmes if c.programme.id == "blackpool-ara" for q in c.questionnaires]
    first_statement = " ".join(staff_audit.items[0].text.split())[:40]
    for stage in ("stage-3-group-discussion", "stage-4-collate-and-plan"):
        path = bundled_build / "site" / "downloads" / "blackpool-ara" / stage / "collation.pdf"
        reader = open_pdf(path)
        assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)  # landscape
        assert first_statement in " ".join(page_texts(path)[0].split()), stage
