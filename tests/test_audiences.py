"""Audiences: each gets forms with only its sections, in its wording, that say whose answers they are;
its own online form and part of the questionnaire's page; collate reports each and side by side."""

import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import docx
import pytest

from auditpack import pipeline
from auditpack.answer_formats import blank_sheet
from auditpack.collate.answers import Unusable
from auditpack.collate.tally_csv import read_tally
from auditpack.errors import ContentErrors
from auditpack.validate import load_programmes

from .audiences_build import voices_build  # noqa: F401 (fixture)
from .conftest import FIXTURES, copy_project
from .pdf_reading import all_text, open_pdf
from .test_collate_filling import fill_pypdf

GENERAL = Path("site/downloads/voices/general")


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_pupil_forms_hold_only_their_sections_in_their_words(voices_build):
    for name in ("response-form-review-pupils.pdf", "response-form-review-pupils-large-print.pdf"):
        text = _plain(all_text(voices_build / GENERAL / name))
        assert "2. Belonging" in text and "3. Learning" in text
        assert "Leadership" not in text and "Outdoors" not in text
        assert "2. I feel welcome when I come into school." in text
        assert "3. I have a grown-up I can talk to." in text
        assert "4. Lessons are calm enough to learn in." in text  # no pupil wording: the questionnaire's
        assert "People feel welcome when they arrive" not in text
        assert "Tell us what school is like for you." in text and "Tell us how school feels." not in text
        assert "What pupils think" in text


@pytest.mark.slow
def test_pupils_group_recording_form_holds_only_their_sections(voices_build):
    stage = voices_build / "site" / "downloads" / "voices" / "stage-1-ask"
    for name in ("group-recording-review-pupils.pdf", "group-recording-review-pupils-large-print.pdf"):
        text = _plain(all_text(stage / name))
        assert "2. Belonging" in text and "3. Learning" in text and "Leadership" not in text
        assert "2. I feel welcome when I come into school." in text
    assert "1. Leadership" in _plain(all_text(stage / "group-recording-review-staff.pdf"))
    assert not (stage / "group-recording.pdf").exists()


@pytest.mark.slow
def test_staff_form_has_every_section_in_the_questionnaires_words(voices_build):
    text = _plain(all_text(voices_build / GENERAL / "response-form-review-staff.pdf"))
    for heading in ("1. Leadership", "2. Belonging", "3. Learning", "4. Outdoors"):
        assert heading in text
    assert "2. People feel welcome when they arrive." in text and "I feel welcome" not in text


@pytest.mark.slow
def test_word_copy_for_pupils(voices_build):
    opened = docx.Document(str(voices_build / GENERAL / "response-form-review-pupils.docx"))
    headings = [p.text for p in opened.paragraphs if p.style.name == "Heading 2"]
    assert "2. Belonging" in headings and "3. Learning" in headings
    assert not any("Leadership" in h or "Outdoors" in h for h in headings)
    assert any(_plain(p.text) == "2. I feel welcome when I come into school." for p in opened.paragraphs)


@pytest.mark.slow
def test_fillable_form_names_its_audience_in_a_hidden_field(voices_build):
    fields = open_pdf(voices_build / GENERAL / "response-form-review-pupils-fillable.pdf").get_fields()
    assert fields["auditpack:audience"]["/V"] == "pupils"
    assert {name.split(":")[1] for name in fields if name.startswith("item:")} == \
        {"feel-welcome", "someone-to-talk-to", "calm-lessons"}
    assert "auditpack:audience" not in open_pdf(voices_build / GENERAL / "response-form-follow-up-fillable.pdf") \
        .get_fields()


@pytest.mark.slow
def test_online_form_and_page_per_audience(voices_build):
    site = voices_build / "site" / "voices"
    pupils = (site / "answer-review-pupils.html").read_text()
    assert 'data-audience="pupils"' in pupils
    assert "I have a grown-up I can talk to." in pupils and "Outdoors" not in pupils
    assert "Everyone has someone to talk to" not in pupils
    assert 'data-audience' not in (site / "answer-follow-up.html").read_text()
    page = (site / "questionnaire-review.html").read_text()
    assert 'id="audience-pupils"' in page and 'href="answer-review-pupils.html"' in page
    assert "2. Belonging, 3. Learning" in page
    assert "../downloads/voices/general/response-form-review-pupils-fillable.pdf" in page
    assert re.search(r'<h2 id="who-answers-which-part">Who answers which part', page)
    sheet = (voices_build / "site" / "downloads" / "voices" / "review-pupils-tallies.csv").read_text("utf-8-sig")
    assert sheet.splitlines()[0].startswith("item_id,number,section,statement,audience,")
    assert [line.split(",")[0] for line in sheet.splitlines()[1:]] == ["feel-welcome", "someone-to-talk-to",
                                                                      "calm-lessons"]


def _export(audience: str | None, answers: dict, response: str = "r-1") -> str:
    document = {"format": "auditpack-response", "format_version": 1, "programme": "voices",
                "questionnaire": "review", "version": "1.0", "answers": answers, "response_id": response}
    if audience:
        document["audience"] = audience
    return json.dumps(document)


@pytest.mark.slow
def test_collate_reports_each_audience_and_side_by_side(voices_build, tmp_path):
    answers = tmp_path / "answers"
    answers.mkdir()
    for n in range(5):
        (answers / f"pupil-{n}.json").write_text(_export("pupils", {
            "feel-welcome": {"agree": "3"}, "someone-to-talk-to": {"agree": "1"},
            "calm-lessons": {"agree": "2"}}, f"r-p{n}"))
        (answers / f"staff-{n}.json").write_text(_export("staff", {
            "plan-shared": {"agree": "3"}, "feel-welcome": {"agree": "1"}, "someone-to-talk-to": {"agree": "3"},
            "calm-lessons": {"agree": "3"}, "safe-play": {"agree": "2"}}, f"r-s{n}"))
    staff_form = voices_build / GENERAL / "response-form-review-staff-fillable.pdf"
    fill_pypdf(staff_form, {("plan-shared", "agree"): "3"}, answers / "staff-paper.pdf")
    sheet = (voices_build / "site" / "downloads" / "voices" / "review-tallies.csv").read_text("utf-8-sig")
    (answers / "whole.csv").write_text(sheet.replace("plan-shared,1,Leadership,The wellbeing plan is shared with "
                                                     "everyone.,,,,", "plan-shared,1,Leadership,x,0,0,2,0"))
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "auditpack", "collate", str(answers), "--questionnaire", "review",
                             "--project", str(voices_build), "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "By audience: Staff 6, Pupils 5; 2 naming no audience." in result.stdout
    html = (out / "collation-report.html").read_text()
    assert "2 responses from 1 file did not say which audience it is from" in html
    assert re.search(r"<h3 id=\"audience-pupils\">Pupils</h3>\s*<p>5 responses from 5 files", html)
    assert re.search(r"<h3 id=\"audience-staff\">Staff</h3>\s*<p>6 responses from 6 files", html)
    table = html[html.index('class="side-by-side"'):]
    table = table[:table.index("</table>")]
    assert '<th scope="colgroup" colspan="1">Staff</th><th scope="colgroup" colspan="1">Pupils</th>' in table
    row = re.search(r"<strong>2\.</strong>.*?</tr>", table, re.DOTALL).group(0)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', row) == ["1 (5)", "3 (5)"]
    row = re.search(r"<strong>1\.</strong>.*?</tr>", table, re.DOTALL).group(0)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', row) == ["3 (6)", "not asked"]
    pupils = list(csv.reader(io.StringIO((out / "statistics-pupils.csv").read_text("utf-8-sig"))))
    assert pupils[0][:6] == ["item_id", "number", "section", "statement", "question", "answers"]
    assert [row[:6] for row in pupils[1:] if row[5]] == [
        ["feel-welcome", "2", "Belonging", "People feel welcome when they arrive.", "agree", "5"],
        ["someone-to-talk-to", "3", "Belonging", "Everyone has someone to talk to.", "agree", "5"],
        ["calm-lessons", "4", "Learning", "Lessons are calm enough to learn in.", "agree", "5"]]
    pdf = _plain(all_text(out / "collation-report.pdf"))
    assert ("By audience" in pdf and "Not asked" in pdf) or "not asked" in pdf


@pytest.mark.slow
def test_collate_refuses_an_audience_the_questionnaire_lacks(voices_build, tmp_path):
    (tmp_path / "a.json").write_text(_export("parents", {"feel-welcome": {"agree": "3"}}))
    result = subprocess.run([sys.executable, "-m", "auditpack", "collate", str(tmp_path / "a.json"),
                             "--questionnaire", "review", "--project", str(voices_build),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert "answers as audience 'parents', which 'review' does not have (it has staff, pupils)" in result.stderr


def _problems(tmp_path, old: str, new: str):
    project = copy_project(FIXTURES / "audiences", tmp_path / "p")
    path = project / "content" / "voices" / "questionnaires.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentErrors) as caught:
        load_programmes(project / "content")
    return caught.value.errors


def test_unknown_section_of_an_audience(tmp_path):
    [error] = _problems(tmp_path, "sections: [belonging, learning]", "sections: [belonging, learnin]")
    assert error.code.name == "unknown-section"
    assert error.message == "audience 'pupils' names unknown section 'learnin'"
    assert error.hint == "did you mean 'learning'?"
    assert (error.location.line, error.location.column) == (46, 31)  # at the id itself


def test_wording_for_a_statement_the_audience_is_not_asked(tmp_path):
    [error] = _problems(tmp_path, "          feel-welcome: I feel", "          plan-shared: I feel")
    assert error.code.name == "unknown-item"
    assert error.message == "audience 'pupils' words statement 'plan-shared', which is not among its sections' " \
                            "statements"
    assert (error.location.line, error.location.column) == (48, 11)


def test_duplicate_audience_ids(tmp_path):
    [error] = _problems(tmp_path, "      - id: pupils\n", "      - id: staff\n")
    assert error.code.name == "duplicate-id" and error.message == "duplicate audience id 'staff'"
    assert error.location.line > 1


@pytest.mark.slow
def test_online_form_export_says_its_audience(chromium, voices_build, tmp_path):
    chromium.run(_online_form_export_says_its_audience, voices_build, tmp_path)


def _online_form_export_says_its_audience(browser, voices_build, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto((voices_build / "site" / "voices" / "answer-review-pupils.html").as_uri())
    for item, value in (("feel-welcome", "3"), ("calm-lessons", "dk")):
        radio = page.locator(f"input[name='item:{item}:agree'][value='{value}']")
        page.locator("label.ap-choice", has=radio).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Save my answers as a file").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    context.close()
    document = json.loads(saved.read_text())
    assert document["audience"] == "pupils"
    assert document["answers"] == {"feel-welcome": {"agree": "3"}, "calm-lessons": {"agree": "dk"}}
    result = subprocess.run([sys.executable, "-m", "auditpack", "collate", str(saved), "--questionnaire", "review",
                             "--project", str(voices_build), "--out", str(tmp_path / "report")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "report" / "collation-report.html").read_text()
    assert re.search(r"<h3 id=\"audience-pupils\">Pupils</h3>\s*<p>1 response from 1 file", html)


def test_an_audiences_tally_sheet_says_whose_counts_it_holds():
    [content] = pipeline.check(pipeline.Project.open(FIXTURES / "audiences"))
    q = content.questionnaire("review")
    rows = blank_sheet(q, q.audience("pupils")).removeprefix("\ufeff").splitlines()
    assert rows[0].split(",")[:5] == ["item_id", "number", "section", "statement", "audience"]
    filled = [rows[0]] + [row.rstrip(",") + ",4,1,0,0" if row.endswith(",,,,") else row for row in rows[1:]]
    tally = read_tally("\n".join(filled).encode(), q)
    assert tally.audience == "pupils" and tally.counts[("feel-welcome", "agree")] == Counter({"1": 4, "2": 1})
    mixed = filled[:2] + [filled[2].replace(",pupils,", ",staff,")]
    with pytest.raises(Unusable, match="its rows name 2 audiences; make one sheet per audience"):
        read_tally("\n".join(mixed).encode(), q)
