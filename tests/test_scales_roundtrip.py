"""A categorical scale (R, A, G and "Don't know") the whole way round: printed, answered, collated.

The fixture programme tests/fixtures/rag is built once; its fillable form is filled by pdftk-java and by MuPDF,
its online form answered in headless Chromium, and a tally sheet typed; collate must count exactly what
went in, report shares and the most common answer, and print no median or mean anywhere.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from auditpack import pipeline
from auditpack.answer_formats import write_sheet
from auditpack.collate.online_export import read_online_export
from auditpack.collate.pdf_form import read_pdf
from auditpack.collate.tally_csv import read_tally

from .conftest import built_once, copy_project
from .pdf_reading import all_text, page_texts, text_runs
from .test_collate_cli import parse
from .test_collate_filling import fill_mupdf, fill_pdftk, random_answers
from .test_collate_online_form import FormPage
from .test_scales import RAG, rag_content

pytestmark = pytest.mark.slow  # builds a programme, fills forms with two engines and in Chromium, collates

DOWNLOADS = Path("site/downloads/rag/stage-1-review")
ONLINE_PAGE = "rag/answer-principles.html"
LABELS = ("Red", "Amber", "Green")


@pytest.fixture(scope="module")
def rag_build(tmp_path_factory) -> Path:
    def make(root: Path) -> None:
        copy_project(RAG, root)
        pipeline.build(pipeline.Project.open(root))
    return built_once(tmp_path_factory, "rag", "rag", make)


class RagForm(FormPage):
    """A person at the RAG questionnaire's online form."""

    def __init__(self, browser, site_dir: Path):
        self.context = browser.new_context(accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto((site_dir / ONLINE_PAGE).as_uri())


def _answer_online(browser, site_dir, answers, folder):
    person = RagForm(browser, site_dir)
    person.answer(answers)
    saved = person.save(folder)
    assert person.errors == []
    person.close()
    return saved


@pytest.fixture(scope="module")
def answered(rag_build, chromium, tmp_path_factory):
    """A folder of answers given every way, and the totals they must add up to."""
    q = rag_content().questionnaire("principles")
    form = rag_build / DOWNLOADS / "response-form-fillable.pdf"
    folder = tmp_path_factory.mktemp("rag-answers")
    rng = random.Random(20260201)
    totals: dict[tuple[str, str], Counter] = {}
    keys = [(item.id, dim.id) for item in q.items for dim in q.dimensions]
    every = ["R", "A", "G", "dk"]

    def add(answers):
        for key, value in answers.items():
            totals.setdefault(key, Counter())[value] += 1

    for engine, fill in (("pdftk", fill_pdftk), ("mupdf", fill_mupdf)):
        for shift in range(len(every)):  # every answer in every position, then some at random
            answers = {key: every[(i + shift) % len(every)] for i, key in enumerate(keys)}
            filled = fill(form, answers, folder / f"{engine}-{shift}.pdf")
            assert read_pdf(filled.read_bytes()).answers == answers, engine
            add(answers)
    for n in range(2):
        answers = random_answers(rng, q, skip=0.0)
        answers[keys[n]] = every[n]  # never two identical exports
        saved = chromium.run(_answer_online, rag_build / "site", answers, folder)
        assert read_online_export(saved.read_bytes()).answers == answers
        add(answers)
    tally = {key: Counter({v: rng.randrange(1, 4) for v in every}) for key in keys}
    (folder / "group-tallies.csv").write_text(write_sheet(q, tally), encoding="utf-8")
    for key, counter in tally.items():
        totals.setdefault(key, Counter()).update(counter)
    return folder, totals


@pytest.fixture(scope="module")
def report(rag_build, answered, tmp_path_factory):
    from auditpack.collate import cli

    folder, _ = answered
    out = tmp_path_factory.mktemp("rag-report")
    assert cli.run(parse("--project", str(rag_build), "--questionnaire", "principles", "--out", str(out),
                         "-q", str(folder))) == 0
    return out


def test_the_tallies_equal_what_was_given(answered, report):
    _, totals = answered
    counts = read_tally((report / "tallies.csv").read_bytes(), rag_content().questionnaire("principles")).counts
    assert counts == totals


def test_the_statistics_give_shares_and_the_most_common_answer(answered, report):
    _, totals = answered
    rows = list(csv.DictReader(io.StringIO((report / "statistics.csv").read_text(encoding="utf-8-sig"))))
    assert not {"median", "mean", "gap"} & set(rows[0])
    for row in rows:
        given = totals[(row["item_id"], row["question"])]
        answers = sum(given.values())
        assert int(row["answers"]) == answers and int(row["dont_know"]) == given["dk"]
        for code in ("R", "A", "G"):
            assert row[f"share_{code}"] == f"{given[code] / answers:.3f}"
        top = max(given[c] for c in ("R", "A", "G"))
        assert row["most_common"] == " ".join(c for c in ("R", "A", "G") if given[c] == top)


def test_no_median_or_mean_is_printed_anywhere(report):
    html = (report / "collation-report.html").read_text(encoding="utf-8")
    shown = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.DOTALL))  # not CSS's 'gap:'
    printed = " ".join(page_texts(report / "collation-report.pdf"))
    for text in (shown, printed):
        assert not re.search(r"\b(median|mean|gap)\b", text, re.IGNORECASE)
        assert "Most common" in text
    assert "at least 50% of the answers other than" in printed and "G Green" in printed and "R Red" in printed
    assert "Scores:" not in printed and "Answers: R Red, A Amber, G Green, ? Don't know." in printed


def test_the_report_rows_show_the_counts_given(answered, report):
    _, totals = answered
    printed = " ".join(page_texts(report / "collation-report.pdf"))
    for (item, _dim), given in totals.items():
        row = " ".join(["Rating", *(str(given[v]) for v in ("R", "A", "G", "dk")), str(sum(given.values()))])
        assert row in printed, (item, row)


def test_forms_print_codes_and_labels_never_numbers(rag_build):
    for name in ("response-form.pdf", "response-form-large-print.pdf", "response-form-blank.pdf",
                 "response-form-fillable.pdf", "collation.pdf", "group-recording.pdf"):
        text = all_text(rag_build / DOWNLOADS / name)
        for code, label in zip("RAG", LABELS, strict=True):
            if name != "group-recording.pdf":  # records discussion, with no scale (until issue 13 item 3)
                assert re.search(rf"\b{code}\s+{label}\b", text), (name, code)
        assert not re.search(r"\b\d+\s+(Red|Amber|Green)\b", text), name
        if name.startswith("response-form"):  # the collation template's fixed notes are issue 13 item 6
            assert "score" not in text.lower(), name
    form = all_text(rag_build / DOWNLOADS / "response-form.pdf")
    assert "For each statement, tick one box: one of R, A or G, or \"Don't know\"." in " ".join(form.split())


def test_the_key_prints_codes_large_enough_to_read(rag_build):
    """The key's codes (the first R, A and G on the page); the rating tables' headings are set smaller, as
    for an ordinal scale's numbers."""
    runs = text_runs(rag_build / DOWNLOADS / "response-form.pdf", 0)
    codes = [(text.strip(), size) for text, size in runs if text.strip() in ("R", "A", "G")]
    assert [code for code, _ in codes[:3]] == ["R", "A", "G"] and min(size for _, size in codes[:3]) >= 11


def test_the_site_page_and_online_form_show_codes(rag_build):
    page = (rag_build / "site" / "rag" / "questionnaire-principles.html").read_text(encoding="utf-8")
    assert "How answers are given" in page and "R: Red" in page and "1: Red" not in page
    form = (rag_build / "site" / ONLINE_PAGE).read_text(encoding="utf-8")
    assert 'value="R"> <span class="ap-value">R</span>' in form and "give one of R, A or G" in form


def test_the_word_copies_show_codes_and_labels(rag_build):
    import docx

    form = docx.Document(str(rag_build / DOWNLOADS / "response-form.docx"))
    text = " ".join(" ".join(p.text.split()) for p in form.paragraphs)
    assert "For each statement, tick one box: one of R, A or G, or \"Don't know\"." in text and "How to answer" in text
    rating = [" ".join(c.text.split()) for c in form.tables[-1].rows[0].cells]
    assert rating == ["Question", "R Red", "A Amber", "G Green", "? Don't know"]
    key = [" ".join(r.cells[0].text.split()) for r in form.tables[0].rows]
    assert key == ["Answer", "R Red", "A Amber", "G Green", "? Don't know"]
    collation = docx.Document(str(rag_build / DOWNLOADS / "collation.docx"))
    headings = {" ".join(c.text.split()) for t in collation.tables for r in t.rows[:2] for c in r.cells}
    assert {"R Red", "A Amber", "G Green"} <= headings and not {"1", "2", "3"} & headings
