"""The collation report: an accessible standalone page, a tagged PDF, SVG charts and CSVs, all deterministic."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from auditpack import pipeline
from auditpack.collate.readers import Target, read_inputs
from auditpack.collate.report import number, percent, render_print_html, render_report, signed
from auditpack.collate.tally import Rules, collate
from auditpack.collate.tally_csv import read_tally

from .browser import PHONE
from .pdf_reading import MM, all_text, fonts, open_pdf
from .test_collate_filling import FIXTURES, RESPONSES, mini_content
from .test_collate_online_form import axe_violations

CONTENT = mini_content()
TARGET = Target(CONTENT, CONTENT.questionnaire("wellbeing"))
PROJECT = pipeline.Project.open(FIXTURES / "mini")
RENDERER = pipeline.renderer(PROJECT, pipeline.build_date([CONTENT]))


@pytest.fixture(scope="module", autouse=True)
def _renderer_released():
    """Let the shared renderer go with this module, not at interpreter exit, where WeasyPrint's
    clean-up of its fonts' folder finds the standard library already torn down and says so."""
    yield
    RENDERER.__exit__(None, None, None)


@pytest.fixture(scope="module")
def collation():
    return collate(TARGET, read_inputs([RESPONSES], TARGET), Rules())


@pytest.fixture(scope="module")
def files(collation):
    return render_report(collation, RENDERER, school="Hillside Primary")


class _Page(HTMLParser):
    """Collects what an accessibility and offline review looks at."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_written_files(files):
    assert sorted(files) == ["charts/people.svg", "charts/place.svg", "collation-report.html",
                             "collation-report.pdf", "statistics.csv", "tallies.csv"]


def test_standalone_page_makes_no_requests_and_is_structured(files):
    html = files["collation-report.html"]
    page = _parse(html)
    urls = [a.get(k) for _, a in page.tags for k in ("src", "href", "action", "srcset", "data") if a.get(k)]
    assert all(u.startswith("#") for u in urls), urls
    assert not re.search(r"url\((?!#)|@import|https?://", html), "only the page's own patterns may be referenced"
    assert ("html", {"lang": "en-GB", "dir": "ltr"}) in page.tags
    assert [t for t, _ in page.tags].count("h1") == 1
    for tag, attrs in page.tags:
        if tag == "th":
            assert attrs.get("scope") in ("col", "row", "rowgroup"), attrs
        if tag == "svg":
            assert attrs["role"] == "img" and attrs["aria-labelledby"]
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids)), "ids must be unique"


@pytest.mark.slow
def test_standalone_page_passes_axe_and_requests_nothing(files, chromium, tmp_path):
    page_file = tmp_path / "collation-report.html"
    page_file.write_text(files["collation-report.html"], encoding="utf-8")
    violations, requests = chromium.run(_axe_and_requests, page_file.as_uri())
    assert violations == []
    assert requests == [page_file.as_uri()]


def _axe_and_requests(browser, url: str):
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    violations = axe_violations(page)
    page.close()
    return violations, requests


@pytest.mark.slow
def test_standalone_page_fits_a_phone(files, chromium, tmp_path):
    """At 390 px the page does not scroll sideways: each table wider than the screen scrolls inside its own
    box, which the keyboard reaches, and axe-core finds nothing wrong at that width either."""
    page_file = tmp_path / "collation-report.html"
    page_file.write_text(files["collation-report.html"], encoding="utf-8")
    width, scrolled, violations = chromium.run(_on_a_phone, page_file.as_uri())
    assert width <= PHONE["width"]
    assert scrolled and all(box["focusable"] and box["name"] for box in scrolled), scrolled
    assert violations == []


def _on_a_phone(browser, url: str):
    page = browser.new_page(viewport=PHONE)
    page.goto(url)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    scrolled = page.evaluate("""() => Array.from(document.querySelectorAll('table'))
        .map(t => t.parentElement)
        .filter(box => box.scrollWidth > box.clientWidth)
        .map(box => ({focusable: box.tabIndex === 0, name: box.getAttribute('aria-label')}))""")
    violations = axe_violations(page)
    page.close()
    return width, scrolled, violations


def test_no_names_or_comments_are_printed(files):
    """response-a.json has a comment naming someone; only the count of comments may appear."""
    html = files["collation-report.html"]
    assert "Jo said" not in html and "Jo " not in html
    assert "1 comment box held text" in html


def test_summary_of_inputs_lists_every_skipped_file_with_its_reason(files, collation):
    html = files["collation-report.html"]
    for skipped in collation.inputs.skipped:
        assert skipped.path in html
    assert f"{collation.inputs.responses} responses counted from" in html
    assert "version 1.0 (1 file)" in html
    assert "statement &#39;retired-statement&#39;" in html


def test_suppressed_questions_say_so():
    c = collate(TARGET, read_inputs([RESPONSES], TARGET), Rules(min_answers=9))
    assert c.hidden and c.any_shown
    html = render_print_html(c, RENDERER)
    assert html.count("Fewer than 9 answers: not shown") == 2 * len(c.hidden), "once in the table, once in the chart"


def test_tallies_csv_reads_back_as_the_totals_without_hidden_cells(files, collation):
    counts = read_tally(files["tallies.csv"].encode("utf-8"), TARGET.questionnaire).counts
    expected = {key: c for key, c in collation.inputs.totals().items() if key not in collation.hidden}
    assert counts == {k: +c for k, c in expected.items() if +c}


def test_statistics_csv(files, collation):
    rows = list(csv.DictReader(io.StringIO(files["statistics.csv"].lstrip("\ufeff"))))
    assert len(rows) == len(collation.items) * 2
    shown = [r for r in rows if r["shown"] == "yes"]
    assert all(r["answers"] for r in shown) and all(not r["answers"] for r in rows if r["shown"] == "no")


def test_charts_are_standalone_svg_with_patterns_and_text(files):
    svg = files["charts/people.svg"]
    assert svg.startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    assert svg.count("<pattern ") >= 5
    assert "? I don&#39;t know" in svg and "n = " in svg
    assert "<title" in svg and "<desc" in svg


def test_pdf_is_tagged_embeds_its_fonts_and_reads_as_text(files, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(files["collation-report.pdf"])
    reader = open_pdf(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Collation report: Staff wellbeing survey")
    assert all(embedded for _, embedded in fonts(reader))
    text = all_text(path)
    for phrase in ("Strengths", "Needs", "Needs better communication", "Draft action plan", "Files read",
                   "Hillside Primary", "How well does the school support it?"):
        assert phrase in text, phrase


def test_printed_report_has_the_gutter_of_every_other_pdf(collation, files, mini_project, tmp_path):
    """The report is printed with the project's print options, as every document is: a gutter set in
    site_config.yml moves its text right by as much (it used to be left out of the report)."""
    with (mini_project / "site_config.yml").open("a", encoding="utf-8") as settings:
        settings.write("gutter_mm: 10\n")
    project = pipeline.Project.open(mini_project)
    assert project.config.gutter_mm == 10
    guttered = render_report(collation, pipeline.renderer(project, pipeline.build_date([CONTENT])),
                             school="Hillside Primary")
    (tmp_path / "plain.pdf").write_bytes(files["collation-report.pdf"])
    (tmp_path / "guttered.pdf").write_bytes(guttered["collation-report.pdf"])
    assert _left_of_text(tmp_path / "plain.pdf") == pytest.approx(15, abs=1)  # the margin of print.css
    moved = _left_of_text(tmp_path / "guttered.pdf") - _left_of_text(tmp_path / "plain.pdf")
    assert moved == pytest.approx(10, abs=0.1)


def _left_of_text(path) -> float:
    """Millimetres from the left edge of the first page to its leftmost text."""
    import pypdfium2
    from pypdfium2 import raw

    document = pypdfium2.PdfDocument(str(path))
    try:
        return min(obj.get_bounds()[0] for obj in document[0].get_objects()
                   if obj.type == raw.FPDF_PAGEOBJ_TEXT) / MM
    finally:
        document.close()


def test_identical_input_gives_identical_files(collation, files):
    again = render_report(collation, RENDERER, school="Hillside Primary")
    assert again == files


def test_print_html_states_the_rules(collation):
    html = render_print_html(collation, RENDERER)
    for rule in ("<strong>Gap</strong> = median of", "<strong>Strength</strong>", "<strong>Need</strong>",
                 "<strong>Needs communication</strong>: 25% or more", "fewer than 5 answers"):
        assert rule in html, rule


def test_nothing_to_show_when_every_question_is_below_the_threshold(tmp_path):
    inputs = read_inputs([RESPONSES / "online" / "response-a.json"], TARGET)
    c = collate(TARGET, inputs, Rules())
    html = render_report(c, RENDERER)["collation-report.html"]
    assert "Not enough answers to show" in html
    assert not re.search(r'<td class="num">\d+</td>', html), "no count may appear"


@pytest.mark.parametrize("function, value, text", [
    (number, 3.0, "3"), (number, 2.5, "2.5"), (number, None, "–"), (percent, 0.3333, "33%"),
    (signed, 1.5, "+1.5"), (signed, -2.0, "−2"), (signed, 0.0, "0"), (signed, None, "–"),
])
def test_number_formats(function, value, text):
    assert function(value) == text


def test_one_question_without_dont_know_on_a_five_point_scale(mini_project):
    """Other questionnaire shapes render too: no gap column, no "I don't know" in the legend."""
    questionnaire = mini_project / "content" / "mini" / "guidance.yml"
    text = questionnaire.read_text()
    text = text.replace("      - {value: 4, label: Fully}\n",
                        "      - {value: 4, label: Fully}\n      - {value: 5, label: Always}\n")
    text = text.replace("""        short: Doing
      - id: support
        question: How well does the school support it?
        short: Support
""", """        short: Doing
        dont_know: false
""")
    questionnaire.write_text(text)
    project = pipeline.Project.open(mini_project)
    content = pipeline.check(project)[0]
    target = Target(content, content.questionnaire("wellbeing"))
    sheet = "item_id,doing_1,doing_2,doing_3,doing_4,doing_5\nkind-staff,0,0,1,2,3\ncalm-rooms,3,2,1,0,0\n"
    (mini_project / "sheet.csv").write_text(sheet)
    c = collate(target, read_inputs([mini_project / "sheet.csv"], target), Rules())
    assert [r.item.id for r in c.strengths] == ["kind-staff"] and [r.item.id for r in c.needs] == ["calm-rooms"]
    files = render_report(c, pipeline.renderer(project, pipeline.build_date([content])))
    html = files["collation-report.html"]
    assert ">Gap</th>" not in html and "5 Always" in files["charts/people.svg"]
    assert "I don&#39;t know" not in files["charts/people.svg"]
    assert files["collation-report.pdf"].startswith(b"%PDF-")
