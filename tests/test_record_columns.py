"""Record columns: what a form has written beside each statement, declared in content.

The fixture programme tests/fixtures/columns declares Evidence and two action columns (text), a
Priority (choice) and an aim (rating) on its questionnaire, none on its response form and one text
column on its group recording form. Each test reads what a person would see: the PDF's words and
ruled lines, the fillable PDF's fields, the Word file's tables, and collate's files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from auditpack import codes, documents, pipeline
from auditpack.collate import cli
from auditpack.errors import ContentErrors
from auditpack.model import DEFAULT_RECORD_COLUMNS, RecordColumn
from auditpack.validate import load_programmes

from .conftest import FIXTURES, built_once, copy_project, require
from .pdf_reading import all_text, drawn_shapes, open_pdf, page_texts, widget_names
from .test_collate_cli import parse

STAGE = "site/downloads/columns/stage-1-rate"
QUESTIONNAIRE = FIXTURES / "columns" / "content" / "columns" / "programme.yml"


@pytest.fixture(scope="session")
def columns_build(tmp_path_factory) -> Path:
    """The record-columns programme built once."""
    def make(root: Path) -> None:
        copy_project(FIXTURES / "columns", root)
        pipeline.build(pipeline.Project.open(root))
    return built_once(tmp_path_factory, "columns", "columns", make)


@pytest.fixture
def columns_project(tmp_path) -> Path:
    return copy_project(FIXTURES / "columns", tmp_path / "columns")


def columns_content():
    return pipeline.check(pipeline.Project.open(FIXTURES / "columns"))[0]


# The declaration ---------------------------------------------------------------------------

def test_a_group_form_without_a_declaration_records_what_works_ideas_and_priority(bundled_programmes):
    seeds = [c for c in bundled_programmes if c.programme.id in ("imhars", "blackpool-ara")]  # they declare none
    plan = documents.plan(seeds)
    recording = [d for d in plan.documents if d.declared.group]
    assert recording and all(d.record_columns == DEFAULT_RECORD_COLUMNS for d in recording)
    assert [c.heading for c in DEFAULT_RECORD_COLUMNS] == \
        ["Already working, good practice", "Ideas for improvement", "Priority"]
    individual = [d for d in plan.documents if d.questionnaire and not d.declared.group]
    assert individual and all(d.record_columns == () for d in individual)


def test_a_stage_form_overrides_its_questionnaire():
    content = columns_content()
    by_kind = {d.kind: d for d in documents.plan([content]).documents}
    questionnaire = [c.id for c in content.questionnaire("review").record_columns]
    assert [c.id for c in by_kind["group-rating"].record_columns] == questionnaire
    assert [c.id for c in by_kind["collation"].record_columns] == questionnaire
    assert by_kind["response-form"].record_columns == ()
    assert [c.heading for c in by_kind["group-recording"].record_columns] == ["What the group noticed"]


@pytest.mark.parametrize(("change", "code"), [
    (("heading: Priority\n        kind: choice", "heading: Priority\n        kind: tickbox"), codes.UNKNOWN_VALUE),
    (("choices: [High, Medium, Low]", "choices: []"), codes.RECORD_CHOICES),
    (("id: short-term", "id: evidence"), codes.DUPLICATE_RECORD_COLUMN),
    (("    sections:\n", "      - {id: a, heading: A}\n      - {id: b, heading: B}\n    sections:\n"),
     codes.TOO_MANY_RECORD_COLUMNS),
])
def test_a_declaration_that_cannot_be_printed_is_refused_with_its_code(columns_project, change, code):
    path = columns_project / "content" / "columns" / "programme.yml"
    old, new = change
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_programmes(columns_project / "content")
    [error] = caught.value.errors
    assert error.code == code
    assert error.location.line > 1, "the problem points at the declaration"


def test_record_columns_on_a_form_without_statements_are_refused(columns_project):
    path = columns_project / "content" / "columns" / "programme.yml"
    briefing = "      - kind: briefing\n        record_columns: [{id: a, heading: A}]\n"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    documents:\n", "    documents:\n" + briefing, 1), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_programmes(columns_project / "content")
    [error] = caught.value.errors
    assert error.code == codes.INVALID_VALUE and "prints no statements" in error.message


def test_the_schema_describes_record_columns():
    from auditpack.schema import content_schema

    schema = content_schema()
    column = schema["$defs"]["RecordColumn"]
    assert set(column["properties"]) == {"id", "heading", "kind", "lines", "choices", "labels", "shown_in_report"}
    assert all(p.get("description") for p in column["properties"].values())


# Printed forms ------------------------------------------------------------------------------

def _line_gaps(pdf: Path, page: int) -> list[float]:
    """Vertical distances in millimetres between the ruled writing lines of a page, column by column.
    WeasyPrint draws each ruled line as the bottom border of its box, so a line is a shape as wide as its
    column and its bottom edge is where the pen writes."""
    rules = {(round(left, 1), round(width, 1), round(bottom, 1))
             for left, bottom, width, height in drawn_shapes(pdf, page) if 30 < width < 200 and 1 < height < 15}
    gaps = []
    for column in {(left, width) for left, width, _ in rules}:
        bottoms = sorted(bottom for left, width, bottom in rules if (left, width) == column)
        gaps += [b - a for a, b in itertools.pairwise(bottoms) if b - a < 20]
    return gaps


@pytest.mark.slow
def test_the_group_rating_form_prints_each_column_with_room_to_write(columns_build):
    pdf = columns_build / STAGE / "group-rating.pdf"
    pages = page_texts(pdf)
    statement = next(i for i, text in enumerate(pages) if "Leaders share a clear vision" in text)
    text = pages[statement]
    for heading in ("Evidence", "Actions, short term", "Actions, longer term", "Priority (tick one):",
                    "Where we aim to be in a year (tick one):", "High", "Medium", "Low"):
        assert heading in text
    gaps = _line_gaps(pdf, statement)
    assert len(gaps) >= 6, "three text columns of three lines each"
    assert min(gaps) >= 8, f"lines to write on are {min(gaps):.1f} mm apart"
    box = open_pdf(pdf).pages[statement].mediabox
    assert box.width < box.height, "three text columns fit side by side on a portrait page"


@pytest.mark.slow
def test_a_stage_form_prints_its_own_columns_and_the_default_is_unchanged(columns_build):
    recording = all_text(columns_build / STAGE / "group-recording.pdf")
    assert "What the group noticed" in recording and "fill in: What the group noticed" in recording
    assert "Ideas for improvement" not in recording and "Priority" not in recording
    response = all_text(columns_build / STAGE / "response-form.pdf")
    assert "Evidence" not in response, "the response form declares no record columns"
    gaps = _line_gaps(columns_build / STAGE / "group-recording.pdf", 0)
    assert gaps and min(gaps) >= 8


@pytest.mark.slow
def test_the_collation_template_counts_choices_and_has_room_for_text(columns_build):
    text = all_text(columns_build / STAGE / "collation.pdf")
    for words in ("Priority", "High", "Medium", "Low", "Evidence", "Actions, short term", "2 Partly",
                  "count the boxes ticked for each option and copy the main points"):
        assert words in " ".join(text.split()), words


@pytest.mark.slow
def test_the_word_copies_have_the_columns(columns_build):
    with zipfile.ZipFile(columns_build / STAGE / "group-rating.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    for words in ("Evidence", "Actions, short term", "Priority (tick one):", "\u2610 High", "\u2610 2 Partly",
                  "Group name or number", "Members present"):
        assert words in body, words
    with zipfile.ZipFile(columns_build / STAGE / "collation.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "Where we aim to be in a year" in body and "Actions, longer term" in body


# Fillable PDF, filled by two engines, and collate --------------------------------------------

def _fields(pdf: Path) -> dict[str, pikepdf.Dictionary]:
    with pikepdf.open(pdf) as opened:
        return {str(f.T): (str(f.FT), [str(o[0]) for o in f.get("/Opt", [])] if f.FT == "/Ch" else [],
                           int(f.get("/Ff", 0)))
                for f in opened.Root.AcroForm.Fields if "/T" in f}


@pytest.mark.slow
def test_the_fillable_form_has_a_text_field_or_a_list_per_column(columns_build):
    fields = _fields(columns_build / STAGE / "group-rating-fillable.pdf")
    for item in ("vision", "time", "heard"):
        for column in ("evidence", "short-term", "longer-term"):
            kind, _, flags = fields[f"record:{item}:{column}"]
            assert kind == "/Tx" and flags & (1 << 12), "a multi-line text field"
        assert fields[f"record:{item}:priority"][:2] == ("/Ch", ["", "High", "Medium", "Low"])
        assert fields[f"record:{item}:aim"][:2] == ("/Ch", ["", "1", "2", "3"])
    assert fields["auditpack:rater"][0] == "/Tx"


FILLED = {
    ("vision", "now"): "2", ("time", "now"): "dk", ("heard", "now"): "3",
}
WRITTEN = {
    ("vision", "evidence"): "Minutes of the spring governors' meeting",
    ("vision", "short-term"): "=HYPERLINK(\"http://example.com\")",
    ("heard", "longer-term"): "Ask Sam's class again in July",
}
CHOSEN = {("vision", "priority"): "High", ("time", "priority"): "Low", ("vision", "aim"): "3"}


def fill_pdftk(form: Path, out: Path) -> Path:
    """pdftk-java: an FDF with the radio's export value, the text and the chosen option."""
    require(shutil.which("pdftk"), "pdftk is missing (apt-get install -y pdftk-java)")

    def string(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    fields = [f"<< /T (item:{i}:{d}) /V /{v} >>" for (i, d), v in FILLED.items()]
    fields += [f"<< /T (record:{i}:{c}) /V {string(v)} >>" for (i, c), v in {**WRITTEN, **CHOSEN}.items()]
    fdf = out.with_suffix(".fdf")
    fdf.write_text("%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [\n" + "\n".join(fields) + "\n] >> >>\nendobj\n"
                   "trailer\n<< /Root 1 0 R >>\n%%EOF\n", encoding="latin-1")
    subprocess.run([shutil.which("pdftk"), str(form), "fill_form", str(fdf), "output", str(out)],
                   check=True, capture_output=True)
    return out


MUPDF_FILL = """
var doc = new PDFDocument(scriptArgs[0]);
var radios = JSON.parse(scriptArgs[2]), texts = JSON.parse(scriptArgs[3]);
var done = 0;
for (var p = 0; p < doc.countPages(); p++) {
  var widgets = doc.loadPage(p).getWidgets();
  for (var i = 0; i < widgets.length; i++) {
    var w = widgets[i], name = w.getLabel(), type = w.getFieldType();
    if (type == "radiobutton" && radios.indexOf(name) >= 0) { w.toggle(); w.update(); done++; }
    if (type == "text" && name in texts) { w.setTextValue(texts[name]); w.update(); done++; }
    var choice = type == "combobox" || type == "listbox";
    if (choice && name in texts) { w.setChoiceValue(texts[name]); w.update(); done++; }
  }
}
if (done != radios.length + Object.keys(texts).length) throw new Error("MuPDF filled " + done);
doc.save(scriptArgs[1], "incremental");
"""


def fill_mupdf(form: Path, out: Path) -> Path:
    """MuPDF (mutool run): ticks the box at the answer's index, types the texts, chooses the options, each
    widget found by the name MuPDF gives it (its tooltip)."""
    import json

    require(shutil.which("mutool"), "mutool is missing (apt-get install -y mupdf-tools)")
    options, names = {"1": 0, "2": 1, "3": 2, "dk": 3}, widget_names(form)
    radios = [names[f"item:{i}:{d}"][options[v]] for (i, d), v in FILLED.items()]
    texts = {names[f"record:{i}:{c}"][0]: v for (i, c), v in {**WRITTEN, **CHOSEN}.items()}
    script = out.with_suffix(".js")
    script.write_text(MUPDF_FILL, encoding="utf-8")
    subprocess.run([shutil.which("mutool"), "run", str(script), str(form), str(out), json.dumps(radios),
                    json.dumps(texts)], check=True, capture_output=True)
    return out


def collate(folder: Path, out: Path) -> dict[str, str]:
    assert cli.run(parse("--project", str(FIXTURES / "columns"), "--questionnaire", "review", "--out", str(out),
                         "-q", str(folder))) == 0
    return {p.name: p.read_text(encoding="utf-8-sig") for p in out.iterdir() if p.suffix in (".csv", ".html")}


@pytest.mark.slow
def test_record_columns_filled_by_two_engines_are_collated(columns_build, tmp_path):
    form = columns_build / STAGE / "group-rating-fillable.pdf"
    answers = tmp_path / "answers"
    answers.mkdir()
    fill_pdftk(form, answers / "pdftk.pdf")
    fill_mupdf(form, answers / "mupdf.pdf")
    for fdf_or_js in [*answers.glob("*.fdf"), *answers.glob("*.js")]:
        fdf_or_js.unlink()
    files = collate(answers, tmp_path / "report")

    written = list(csv.DictReader(io.StringIO(files["record-text.csv"])))
    assert len(written) == 2 * len(WRITTEN)
    for engine in ("pdftk", "mupdf"):
        mine = {(r["item_id"], r["column"]): r["text"] for r in written if r["file"].endswith(f"{engine}.pdf")}
        assert mine == {**WRITTEN, ("vision", "short-term"): "'" + WRITTEN[("vision", "short-term")]}, engine
        assert {r["rater"] for r in written} == {"group"}

    chosen = {(r["item_id"], r["column"], r["option"]): int(r["count"])
              for r in csv.DictReader(io.StringIO(files["record-choices.csv"]))}
    assert chosen[("vision", "priority", "High")] == 2 and chosen[("time", "priority", "Low")] == 2
    assert chosen[("vision", "aim", "3")] == 2 and chosen[("heard", "priority", "High")] == 0

    report = files["collation-report.html"]
    assert "Minutes of the spring governors" in report, "Evidence is shown_in_report in the fixture"
    assert "Ask Sam" not in report and "HYPERLINK" not in report, "other free text stays out of the report"
    assert "4 other texts written beside the statements are not shown here" in report
    assert "<dt>Who answered</dt><dd>2 groups</dd>" in report


def test_free_text_never_reaches_the_report_unless_its_column_allows_it(tmp_path):
    """The same filled form, collated twice: with Evidence shown, then with nothing shown."""
    from auditpack.collate.answers import Counted, Inputs
    from auditpack.collate.readers import Target
    from auditpack.collate.record import recorded, text_csv

    content = columns_content()
    target = Target(content, content.questionnaire("review"))
    counted = Counted("a.pdf", "pdf", "x", {}, 1, record_text=(("vision", "evidence", "Seen in the minutes"),
                                                               ("vision", "short-term", "@SUM(A1)")))
    record = recorded(target, Inputs([counted]))
    assert [w.text for w in record.shown] == ["Seen in the minutes"]
    rows = list(csv.reader(io.StringIO(text_csv(record).lstrip("\ufeff"))))
    assert rows[0] == ["file", "rater", "item_id", "number", "column", "heading", "text"]
    assert rows[2][-1] == "'@SUM(A1)", "a cell a spreadsheet would run as a formula is neutralised"


def test_text_shown_in_the_report_is_text_never_markup():
    from auditpack.collate.answers import Counted, Inputs
    from auditpack.collate.readers import Target
    from auditpack.collate.record import recorded
    from auditpack.render import print_html
    from auditpack.template_folders import TemplateFolders

    content = columns_content()
    q = content.questionnaire("review")
    counted = Counted("a.pdf", "pdf", "x", {}, 1, record_text=(("vision", "evidence", "<script>alert(1)</script>"),))
    record = recorded(Target(content, q), Inputs([counted]))
    template = print_html.environment(TemplateFolders()).get_template("collation-record.html.j2")
    html = str(template.make_module({"q": q}).record(record))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(("texts", "landscape"), [(2, False), (3, False), (4, True)])
def test_a_form_goes_landscape_only_when_its_text_columns_do_not_fit_portrait(texts, landscape):
    """Up to three text columns sit side by side on a portrait page (about 55 mm each); a fourth turns it."""
    plan = documents.plan(pipeline.check(pipeline.Project.open(FIXTURES / "columns")))
    doc = next(d for d in plan.documents if d.kind == "group-rating")
    columns = tuple(RecordColumn(id=f"c{n}", heading=f"Column {n}") for n in range(texts))
    assert dataclasses.replace(doc, record_columns=columns).record_wide is landscape
