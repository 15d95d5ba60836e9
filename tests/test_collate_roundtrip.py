"""The whole journey: answers given every way there is, collated, and the report's counts equal the known totals.

Fillable PDFs filled by three engines (pypdf, pdftk-java, PDFium clicking the boxes), online-form files saved
from real headless Chromium, and a typed tally sheet go into one folder with a few files that must not
count; the report (web page, PDF, CSVs) must show exactly the sums of what was put in.
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
from collections import Counter
from html.parser import HTMLParser

import pytest

from auditpack.answer_formats import write_sheet
from auditpack.collate.tally_csv import read_tally

from .pdf_reading import page_texts
from .test_collate_cli import parse
from .test_collate_filling import ENGINES, FIXTURES, mini_content, mini_form, random_answers  # noqa: F401
from .test_collate_online_form import FormPage, online_site  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow  # forms filled by three PDF engines and in Chromium, then collated

PDFS_PER_ENGINE = {"pypdf": 6, "pdftk": 5, "pdfium": 3}
ONLINE = 4


class _ResultRows(HTMLParser):
    """(statement number, question short name) -> the row's cells, from the results tables."""

    def __init__(self):
        super().__init__()
        self.rows: dict[tuple[int, str], list[str]] = {}
        self._in_table = self._cell = False
        self._row: list[str] = []
        self._number = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "results-table") in attrs:
            self._in_table = True
        elif self._in_table and tag in ("td", "th"):
            self._cell = True
            self._row.append("")
        elif self._in_table and tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("td", "th"):
            self._cell = False
        elif self._in_table and tag == "tr" and self._row and self._row[0] != "Statement":
            cells = [" ".join(c.split()) for c in self._row]
            if re.match(r"^\d+\. ", cells[0]):
                self._number = int(cells[0].split(".")[0])
                cells = cells[1:]
            self.rows[(self._number, cells[0])] = cells[1:]

    def handle_data(self, data):
        if self._cell:
            self._row[-1] += data


@pytest.fixture(scope="module")
def answered(mini_form, chromium, online_site, tmp_path_factory):
    """A folder of answers given every way, and the totals they must add up to."""
    q = mini_content().questionnaire("wellbeing")
    folder = tmp_path_factory.mktemp("answers")
    rng = random.Random(20260115)
    totals: dict[tuple[str, str], Counter] = {}

    def add(answers):
        for key, value in answers.items():
            totals.setdefault(key, Counter())[value] += 1

    seen = set()
    for engine, copies in PDFS_PER_ENGINE.items():
        (folder / engine).mkdir()
        for n in range(copies):
            answers = random_answers(rng, q, skip=0.15)
            while tuple(sorted(answers.items())) in seen:  # two identical forms would rightly count once
                answers = random_answers(rng, q, skip=0.15)
            seen.add(tuple(sorted(answers.items())))
            ENGINES[engine](mini_form, answers, folder / engine / f"form-{n}.pdf")
            add(answers)
    (folder / "online").mkdir()
    for n in range(ONLINE):
        answers = random_answers(rng, q, skip=0.15)
        chromium.run(_answer_online, online_site, answers, n % 2 == 1, folder / "online")
        add(answers)
    tally = {(item.id, dim.id): Counter({v: rng.randrange(0, 4) for v in ("1", "2", "3", "4", "dk")})
             for item in q.items for dim in q.dimensions}
    (folder / "group-tallies.csv").write_text(write_sheet(q, tally), encoding="utf-8")
    for key, counter in tally.items():
        totals.setdefault(key, Counter()).update(counter)
    # Files that must change nothing: a second copy, the blank form, notes, a form for another questionnaire.
    shutil.copy(folder / "pypdf" / "form-0.pdf", folder / "form-0 (copy).pdf")
    shutil.copy(mini_form, folder / "blank-form.pdf")
    (folder / "notes.txt").write_text("Remember to thank everyone.\n")
    shutil.copy(FIXTURES / "responses" / "bad" / "online-other-questionnaire.json", folder)
    return folder, {k: +c for k, c in totals.items()}


def _answer_online(browser, site, answers, by_keyboard, folder):
    person = FormPage(browser, site)
    person.answer(answers, by_keyboard=by_keyboard)
    person.save(folder)
    assert person.errors == [] and all(u.startswith(("file:", "blob:", "data:")) for u in person.requests)
    person.close()


@pytest.fixture(scope="module")
def report(answered, tmp_path_factory):
    from auditpack.collate import cli

    folder, _ = answered
    out = tmp_path_factory.mktemp("report")
    assert cli.run(parse("--project", str(FIXTURES / "mini"), "--questionnaire", "wellbeing", "--out", str(out),
                         "-q", str(folder))) == 0
    return out


def test_tallies_csv_equals_the_known_totals(answered, report):
    _, totals = answered
    counts = read_tally((report / "tallies.csv").read_bytes(), mini_content().questionnaire("wellbeing")).counts
    assert counts == totals


def test_report_tables_show_the_known_totals(answered, report):
    _, totals = answered
    q = mini_content().questionnaire("wellbeing")
    parser = _ResultRows()
    parser.feed((report / "collation-report.html").read_text(encoding="utf-8"))
    for number, item in enumerate(q.items, start=1):
        for dim in q.dimensions:
            cells = parser.rows[(number, dim.short)]
            expected = totals.get((item.id, dim.id), Counter())
            want = [str(expected.get(v, 0)) for v in ("1", "2", "3", "4", "dk")]
            assert cells[:5] == want, (item.id, dim.id)
            assert cells[5] == str(sum(expected.values()))


def test_report_counts_every_response_and_lists_every_skipped_file(answered, report):
    folder, _totals = answered
    html = (report / "collation-report.html").read_text(encoding="utf-8")
    tally_responses = max(sum(c.values()) for c in read_tally(
        (folder / "group-tallies.csv").read_bytes(), mini_content().questionnaire("wellbeing")).counts.values())
    responses = sum(PDFS_PER_ENGINE.values()) + ONLINE + tally_responses
    assert f"{responses} responses counted from {sum(PDFS_PER_ENGINE.values())} filled PDF forms, " \
           f"{ONLINE} online form exports and 1 tally sheet standing for {tally_responses} responses." in html
    copies = re.findall(r"(form-0 \(copy\)\.pdf|pypdf/form-0\.pdf)</td><td>it is identical to ", html)
    assert len(copies) == 1, "one of the two identical files is counted, the other skipped"
    for name, reason in [("blank-form.pdf", "it has no answers"),
                         ("notes.txt", "it is not a PDF, JSON or CSV file"),
                         ("online-other-questionnaire.json", "it answers questionnaire &#39;staff-audit&#39;")]:
        assert re.search(re.escape(name) + r"</td><td>" + re.escape(reason), html), name


def test_statistics_csv_agrees(answered, report):
    _, totals = answered
    rows = list(csv.DictReader(io.StringIO((report / "statistics.csv").read_text(encoding="utf-8-sig"))))
    for row in rows:
        expected = totals.get((row["item_id"], row["question"]), Counter())
        assert int(row["answers"]) == sum(expected.values())
        assert int(row["dont_know"]) == expected.get("dk", 0)


def test_report_pdf_prints_the_same_counts(answered, report):
    """Each results row, as PDFium reads the printed page: question, five counts, answers."""
    _, totals = answered
    q = mini_content().questionnaire("wellbeing")
    text = " ".join(page_texts(report / "collation-report.pdf"))
    for item in q.items:
        for dim in q.dimensions:
            expected = totals.get((item.id, dim.id), Counter())
            row = " ".join([dim.short, *(str(expected.get(v, 0)) for v in ("1", "2", "3", "4", "dk")),
                            str(sum(expected.values()))])
            assert row in text, row
