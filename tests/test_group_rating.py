"""Who rates: the group rating form, on paper, as a fillable PDF and online, and how collate counts it.

A group agrees one answer per statement; its form says so (a hidden auditpack:rater field in the PDF,
"rater": "group" in the online export), collate counts it as one response of rater "group", and the
report shows individuals' and groups' answers apart where both answered.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from auditpack import documents
from auditpack.collate.online_export import read_online_export
from auditpack.collate.pdf_form import read_pdf
from auditpack.render import print_html
from auditpack.render.online_form import render_online_forms
from auditpack.template_folders import TemplateFolders

from .pdf_reading import all_text, page_texts
from .test_collate_filling import fill_pypdf
from .test_collate_online_form import axe_violations
from .test_record_columns import STAGE, collate, columns_build, columns_content  # noqa: F401 - a fixture

PAGE = "columns/answer-review.html"


def _html(kind: str, variant: str | None = None) -> str:
    plan = documents.plan([columns_content()], ("fillable",))
    doc = next(d for d in plan.all_documents if d.kind == kind and d.variant == variant)
    return print_html.render_document(print_html.environment(TemplateFolders()), doc, print_html.PrintOptions())


def _rating_tables(html: str) -> list[str]:
    return re.findall(r'<table class="rating">.*?</table>', html, re.DOTALL)


def _answer_marks(html: str) -> list[str]:
    """Each box or radio button in the order printed: the individual's form lays a section's statements
    out in one grid (page economy), the group's beside its record columns, but the marks are the same."""
    tables = re.findall(r'<table class="rating[ "].*?</table>', html, re.DOTALL)
    return re.findall(r'<span class="box">(?:<span class="scan-[^>]*></span>)*</span>|<input type="radio"[^>]*>',
                      "".join(tables))  # a box of a form printed to be scanned holds its corners' marks


@pytest.mark.parametrize("variant", [None, "fillable"])
def test_each_answer_is_drawn_by_the_response_forms_own_macros(variant):
    """The same boxes (or, fillable, the same radio groups) as an individual's form, statement by statement."""
    group, individual = _html("group-rating", variant), _html("response-form", variant)
    assert len(_rating_tables(group)) == len(columns_content().questionnaire("review").items)
    assert _answer_marks(group) == _answer_marks(individual) and _answer_marks(group)


def test_a_fillable_group_form_says_it_is_a_groups():
    html = _html("group-rating", "fillable")
    assert '<input class="form-id" type="hidden" name="auditpack:rater" value="group">' in html
    assert "auditpack:rater" not in _html("response-form", "fillable")


@pytest.mark.slow
def test_the_printed_form_has_room_for_the_group_and_numbers_every_statement(columns_build):
    pdf = columns_build / STAGE / "group-rating.pdf"
    first = " ".join(page_texts(pdf)[0].split())
    for words in ("Group rating form", "Group name or number:", "Number present:", "Members present",
                  "agree one answer, then tick its box", "1 Not yet", "2 Partly", "3 Fully"):
        assert words in first, words
    text = " ".join(all_text(pdf).split())
    for number, statement in enumerate(("Leaders share a clear vision", "Staff have time set aside",
                                        "Pupils say their views change"), start=1):
        assert f"{number}. {statement}" in text
    assert text.count("How true is this now?") == 3
    large = " ".join(all_text(columns_build / STAGE / "group-rating-large-print.pdf").split())
    assert "Group name or number:" in large and "Evidence" in large


@pytest.mark.slow
def test_groups_and_individuals_are_counted_and_shown_apart(columns_build, tmp_path):
    answers = tmp_path / "answers"
    answers.mkdir()
    group = fill_pypdf(columns_build / STAGE / "group-rating-fillable.pdf",
                       {("vision", "now"): "3", ("time", "now"): "1"}, answers / "group.pdf")
    for n, (vision, time) in enumerate((("2", "1"), ("2", "2"), ("1", "3"))):
        fill_pypdf(columns_build / STAGE / "response-form-fillable.pdf", {("vision", "now"): vision,
                                                                         ("time", "now"): time},
                   answers / f"person-{n}.pdf")
    assert read_pdf(group.read_bytes()).rater == "group"
    assert read_pdf((answers / "person-0.pdf").read_bytes()).rater == "individual"
    report = collate(answers, tmp_path / "report")["collation-report.html"]
    assert "<dt>Who answered</dt><dd>3 individuals, 1 group</dd>" in report
    assert "Answers from individuals (3)" in report and "Answers from groups (1)" in report
    groups = report[report.index("Answers from groups (1)"):]
    individuals = report[report.index("Answers from individuals (3)"):report.index("Answers from groups")]
    assert _first_row(groups)[-4:] == ["0", "0", "1", "0"], "the group's one answer, 3, and no other"
    assert _first_row(individuals)[-4:] == ["1", "2", "0", "0"]


def _first_row(table: str) -> list[str]:
    """The words of the first statement's first row in a table of the report."""
    start = table.index("Leaders share")
    return re.sub(r"<[^>]+>", " ", table[start:table.index("</tr>", start)]).split()


def test_only_individuals_show_no_split():
    from auditpack.collate.answers import Counted, Inputs
    from auditpack.collate.readers import Target
    from auditpack.collate.record import recorded

    content = columns_content()
    alone = recorded(Target(content, content.questionnaire("review")), Inputs([Counted("a.pdf", "pdf", "x", {}, 1)]))
    assert not alone.both_raters and not alone.has_groups


def test_the_online_form_asks_who_answers_only_where_groups_have_a_form():
    from .test_collate_filling import mini_content

    page = render_online_forms([columns_content()], TemplateFolders())["columns/answer-review.md"]
    assert 'name="rater" value="group"' in page
    assert 'name="record:vision:evidence" rows="3"' in page
    assert '<option value="High">High</option>' in page and '<option value="3">3 Fully</option>' in page
    plain = render_online_forms([mini_content()], TemplateFolders())["mini/answer-wellbeing.md"]
    assert "rater" not in plain and "record:" not in plain


@pytest.mark.slow
def test_a_group_answers_online_with_its_record_columns(chromium, columns_build, tmp_path):
    chromium.run(_a_group_answers_online, columns_build / "site", tmp_path)


def _a_group_answers_online(browser, site: Path, tmp_path: Path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((site / PAGE).as_uri())
    assert axe_violations(page) == [], "record columns and the rater question pass WCAG 2.2 AA"
    page.get_by_role("radio", name="A group, for what it agreed").check()
    statement = page.get_by_role("group", name="1. Leaders share a clear vision for wellbeing.")
    statement.get_by_role("radio", name="2 Partly").check()
    statement.get_by_label("Evidence").fill("Seen in the staff survey")
    statement.get_by_label("Priority").select_option("Medium")
    statement.get_by_label("Where we aim to be in a year").select_option("3")
    page.get_by_role("group", name="3. Pupils say their views change what happens.").get_by_label(
        "Actions, short term").fill("+ask the council")
    page.reload()  # kept in this browser until saved
    assert page.get_by_label("Evidence").first.input_value() == "Seen in the staff survey"
    assert page.get_by_role("radio", name="A group, for what it agreed").is_checked()
    with page.expect_download() as download:
        page.get_by_role("button", name="Save my answers as a file").click()
    saved = tmp_path / "answers" / download.value.suggested_filename
    saved.parent.mkdir()
    download.value.save_as(saved)
    context.close()
    assert errors == []

    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["rater"] == "group"
    assert document["record"] == {"vision": {"evidence": "Seen in the staff survey", "priority": "Medium", "aim": "3"},
                                  "heard": {"short-term": "+ask the council"}}
    response = read_online_export(saved.read_bytes())
    assert response.rater == "group" and response.answers == {("vision", "now"): "2"}

    files = collate(saved.parent, tmp_path / "report")
    assert "<dt>Who answered</dt><dd>1 group</dd>" in files["collation-report.html"]
    written = {(r["item_id"], r["column"]): r["text"] for r in csv.DictReader(io.StringIO(files["record-text.csv"]))}
    assert written == {("vision", "evidence"): "Seen in the staff survey", ("heard", "short-term"): "'+ask the council"}
    chosen = {(r["item_id"], r["column"], r["option"]): r["count"]
              for r in csv.DictReader(io.StringIO(files["record-choices.csv"]))}
    assert chosen[("vision", "priority", "Medium")] == "1" and chosen[("vision", "aim", "3")] == "1"
