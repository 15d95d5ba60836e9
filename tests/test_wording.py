"""No fixed wording that assumes a shape: every document kind, its Word copy and the online form, made
for an audience of a questionnaire of another shape than the staff audit, say nothing that does not fit
("both questions" with one question, "staff" on a form for pupils, "lags" without two questions).

A new shape is one more entry in SHAPES: a fixture programme, its questionnaire and the audience."""

import datetime as dt
import io
import json
import re
import subprocess
import sys

import docx
import pytest

from auditpack import pipeline
from auditpack.answer_formats import allowed_values
from auditpack.documents import PrintDocument
from auditpack.kinds import KINDS
from auditpack.render import online_form, print_html, word
from auditpack.template_folders import PACKAGED, TemplateFolders

from .conftest import FIXTURES
from .html_text import shown_text
from .pdf_reading import all_text

SHAPES = [
    pytest.param("audiences", "review", "pupils", id="ordinal-one-question-pupils"),
    pytest.param("audiences-rag", "review", "pupils", id="categorical-one-question-pupils"),
]
"""(fixture folder under tests/fixtures, questionnaire id, audience id or None)."""

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4}


def unfit_wording(text: str, dimensions: int, audience: str | None, categorical: bool = False) -> list[str]:
    """Phrases in ``text`` that assume another shape than ``dimensions`` questions for ``audience``, or
    numbers and their statistics for a ``categorical`` scale."""
    text = " ".join(text.split())
    found = []
    if categorical:
        found += re.findall(r"[^.]*\b(?:scores?|scored|median|mean|a score from)\b[^.]*", text, re.IGNORECASE)
    if dimensions != 2:
        found += re.findall(r"[^.]*\bboth\b[^.]*", text, re.IGNORECASE)
    if dimensions < 2:
        found += re.findall(r"[^.]*\b(?:lags?|gap)\b[^.]*", text, re.IGNORECASE)
    if audience not in (None, "staff"):
        found += re.findall(r"[^.]*\bstaff\b[^.]*", text, re.IGNORECASE)
    for count in re.findall(r"\b(\d+|two|three|four) questions\b", text, re.IGNORECASE):
        if NUMBER_WORDS.get(count.lower(), count) != dimensions and int(NUMBER_WORDS.get(count.lower(), count)) \
                != dimensions:
            found.append(f"{count} questions")
    if dimensions == 1:
        found += re.findall(r"[^.]*\b(?:each|every) question\b[^.]*", text, re.IGNORECASE)
    return found


def _shape(folder: str, questionnaire: str, audience: str | None):
    [content] = pipeline.check(pipeline.Project.open(FIXTURES / folder))
    q = content.questionnaire(questionnaire)
    return content, q, q.audience(audience) if audience else None


def _documents(content, q, audience) -> list[PrintDocument]:
    """A document of every kind, and every variant of it, drawing on the questionnaire for the audience."""
    docs = []
    for name, kind in KINDS.items():
        for variant in (None, *kind.variants):
            docs.append(PrintDocument(
                f"{content.programme.id}/{name}.pdf", name, kind.title, content, content.stages[0],
                questionnaire=q, sections=tuple(q.sections_for(audience)),
                components=tuple(content.components), guidance=content.guidance[0], variant=variant,
                audience=audience))
    return docs


@pytest.mark.parametrize(("folder", "questionnaire", "audience"), SHAPES)
def test_every_kind_says_only_what_fits_the_shape(folder, questionnaire, audience):
    content, q, chosen = _shape(folder, questionnaire, audience)
    env = print_html.environment(TemplateFolders((PACKAGED,)))
    for doc in _documents(content, q, chosen):
        text = shown_text(print_html.render_document(env, doc, print_html.PrintOptions()))
        assert not unfit_wording(text, len(q.dimensions), audience, not q.ordinal), f"{doc.kind} ({doc.variant_label})"


@pytest.mark.parametrize(("folder", "questionnaire", "audience"), SHAPES)
def test_word_copies_say_only_what_fits_the_shape(folder, questionnaire, audience):
    content, q, chosen = _shape(folder, questionnaire, audience)
    for doc in _documents(content, q, chosen):
        if doc.variant or "docx" not in doc.declared.formats:
            continue
        opened = docx.Document(io.BytesIO(word.render_docx(doc, "A4", "", dt.datetime(2026, 1, 1))))
        cells = [c.text for t in opened.tables for row in t.rows for c in row.cells]
        text = " ".join([p.text for p in opened.paragraphs] + cells)
        assert not unfit_wording(text, len(q.dimensions), audience, not q.ordinal), doc.kind


@pytest.mark.parametrize(("folder", "questionnaire", "audience"), SHAPES)
def test_online_form_says_only_what_fits_the_shape(folder, questionnaire, audience):
    content, q, chosen = _shape(folder, questionnaire, audience)
    pages = online_form.render_online_forms([content], TemplateFolders((PACKAGED,)))
    text = shown_text(pages[online_form.online_form_path(content, q, chosen)])
    assert not unfit_wording(text, len(q.dimensions), audience, not q.ordinal)


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "questionnaire", "audience"), SHAPES)
def test_collation_report_says_only_what_fits_the_shape(folder, questionnaire, audience, tmp_path):
    """The report is the whole questionnaire's (every audience's names appear), so only its shape is checked."""
    content, q, chosen = _shape(folder, questionnaire, audience)
    answers = tmp_path / "answers"
    answers.mkdir()
    for n in range(6):
        values = {item.id: {d.id: allowed_values(q, d)[n % 2] for d in q.dimensions}
                  for s in q.sections_for(chosen) for item in s.items}
        (answers / f"{n}.json").write_text(json.dumps({
            "format": "auditpack-response", "format_version": 1, "programme": content.programme.id,
            "questionnaire": q.id, "version": content.programme.version, "response_id": f"r-{n}",
            "answers": values, **({"audience": audience} if audience else {})}))
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "auditpack", "collate", str(answers), "--questionnaire", q.id,
                             "--project", str(FIXTURES / folder), "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for text in (shown_text((out / "collation-report.html").read_text()), all_text(out / "collation-report.pdf")):
        assert not unfit_wording(text, len(q.dimensions), None, not q.ordinal)


def test_the_check_catches_what_the_staff_audit_says():
    """The staff audit's own phrases, which fit its two questions and its staff, are caught for a
    one-question questionnaire for pupils: so the tests above would catch them."""
    said = ("Statements most people scored high on both questions. Statements scored low, or where the "
            "school's support lags behind what staff do. For each statement, answer 2 questions by ticking "
            "one box for each.")
    assert len(unfit_wording(said, 1, "pupils")) == 4
    assert unfit_wording(said, 2, "staff") == []
    numbers = "Give a score from 1 to 3 to each statement. The median is 2. Tick R, A or G."
    assert len(unfit_wording(numbers, 1, None, categorical=True)) == 2
    assert unfit_wording(numbers, 1, None) == []
