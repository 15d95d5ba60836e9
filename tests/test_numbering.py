"""Sections and statements carry their questionnaire's numbers on every form and page that shows them,
the same on every audience's form, and independent of other questionnaires sharing item ids."""

import re
from pathlib import Path

import docx
import pytest

from auditpack import pipeline

from .audiences_build import voices_build  # noqa: F401 (fixture)
from .conftest import FIXTURES
from .pdf_reading import all_text

DOWNLOADS = Path("site/downloads/voices")


def _plain(text: str) -> str:
    return " ".join(text.split())


def test_numbers_are_counted_once_per_questionnaire():
    [content] = pipeline.check(pipeline.Project.open(FIXTURES / "audiences"))
    review, follow_up = content.questionnaires
    assert review.numbers.sections == {"leadership": 1, "belonging": 2, "learning": 3, "outdoors": 4}
    assert review.numbers.items["calm-lessons"] == 4
    assert follow_up.numbers.items == {"calm-lessons": 1, "someone-to-talk-to": 2, "feel-welcome": 3}


@pytest.mark.slow
def test_a_questionnaire_sharing_item_ids_prints_its_own_numbers(voices_build):
    """The defect: the second questionnaire printed the first one's numbers (4, 3, 2 instead of 1, 2, 3)."""
    for name in ("response-form-follow-up.pdf", "response-form-follow-up-large-print.pdf",
                 "response-form-follow-up-fillable.pdf"):
        text = _plain(all_text(voices_build / DOWNLOADS / "general" / name))
        assert re.findall(r"\b(\d)\. (?:Lessons|Everyone|People)", text) == ["1", "2", "3"], name
    opened = docx.Document(str(voices_build / DOWNLOADS / "general" / "response-form-follow-up.docx"))
    assert [p.text.split(".")[0] for p in opened.paragraphs if p.text[:1].isdigit() and "." in p.text[:3]] \
        == ["1", "1", "2", "3"]  # the section heading, then its three statements


@pytest.mark.slow
def test_every_form_showing_statements_numbers_sections_and_statements(voices_build):
    expected = ["1. Leadership", "1. The wellbeing plan", "2. Belonging", "2. People feel welcome",
                "3. Everyone has", "3. Learning", "4. Lessons are calm", "4. Outdoors", "5. Break times"]
    for name in ("stage-1-ask/group-recording-review-staff.pdf",
                 "stage-1-ask/group-recording-review-staff-large-print.pdf",
                 "stage-1-ask/collation.pdf", "general/response-form-review-staff.pdf"):
        text = _plain(all_text(voices_build / DOWNLOADS / name))
        for shown in expected:
            number, words = shown.split(". ", 1)
            assert re.search(rf"\b{number}\.? {words}", text), f"{name}: no '{shown}'"  # tally rows: '1 The...'
    for name in ("stage-1-ask/group-recording-review-staff.docx", "stage-1-ask/collation.docx"):
        opened = docx.Document(str(voices_build / DOWNLOADS / name))
        cells = [c.text for t in opened.tables for row in t.rows for c in row.cells]
        text = _plain(" ".join([p.text for p in opened.paragraphs] + cells))
        for shown in expected:
            assert shown in text, f"{name}: no '{shown}'"


@pytest.mark.slow
def test_site_pages_number_sections_and_statements(voices_build):
    page = (voices_build / "site" / "voices" / "questionnaire-review.html").read_text()
    assert re.search(r"<h3 id=\"[^\"]*\">3\. Learning", page)
    online = (voices_build / "site" / "voices" / "answer-review-pupils.html").read_text()
    assert re.findall(r'<h2 id="ap-section-[a-z-]+">([^<]*)</h2>', online) == ["2. Belonging", "3. Learning"]
    assert re.findall(r'<span class="ap-number">(\d+)\.</span>', online) == ["2", "3", "4"]
    follow_up = (voices_build / "site" / "voices" / "answer-follow-up.html").read_text()
    assert re.findall(r'<span class="ap-number">(\d+)\.</span>', follow_up) == ["1", "2", "3"]
