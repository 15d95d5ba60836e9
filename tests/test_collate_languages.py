"""Answers in two languages are one collation: a Welsh form and an English form of the same
questionnaire are stored by the same ids, so the counts of a mixed pile equal those of the same
answers given all in English."""

from __future__ import annotations

import html
import random
import re
import shutil
from pathlib import Path

import pytest

from auditpack import i18n, pipeline
from auditpack.cli import main

from .conftest import translated_mini
from .test_collate_filling import MINI_FORM, RESPONSES, fill_pypdf, mini_content, random_answers


@pytest.fixture(scope="module")
def welsh_project(tmp_path_factory) -> Path:
    """The mini programme also in Welsh, every text translated, built."""
    project = translated_mini(tmp_path_factory.mktemp("languages") / "mini", "cy",
                              lambda number, address, source: f"Cymraeg: {source}")
    pipeline.build(pipeline.Project.open(project))
    return project


def collate(project: Path, answers: Path, out: Path) -> str:
    assert main(["collate", "-q", "--project", str(project), "--questionnaire", "wellbeing", "--out", str(out),
                 str(answers)]) == 0
    return (out / "tallies.csv").read_text(encoding="utf-8-sig")


@pytest.mark.slow
def test_welsh_and_english_answers_collate_as_one(welsh_project, tmp_path):
    english_form = welsh_project / MINI_FORM
    welsh_form = welsh_project / MINI_FORM.replace("site/downloads/", "site/cy/downloads/")
    assert welsh_form.is_file() and welsh_form.read_bytes() != english_form.read_bytes()
    q = mini_content().questionnaire("wellbeing")
    rng = random.Random("languages")
    given = [random_answers(rng, q) for _ in range(6)]
    mixed, english = tmp_path / "mixed", tmp_path / "english"
    mixed.mkdir()
    english.mkdir()
    for number, answers in enumerate(given):
        fill_pypdf(welsh_form if number % 2 else english_form, answers, mixed / f"response-{number}.pdf")
        fill_pypdf(english_form, answers, english / f"response-{number}.pdf")
    mixed_counts = collate(welsh_project, mixed, tmp_path / "report-mixed")
    english_counts = collate(welsh_project, english, tmp_path / "report-english")
    assert mixed_counts == english_counts
    assert mixed_counts.count("\n") > len(q.items)  # a row per statement and question, counted
    shutil.rmtree(tmp_path / "report-mixed")


def counts(tallies: Path) -> list[list[str]]:
    """A tally sheet's rows without the words (section, statement): ids and counts."""
    import csv

    rows = list(csv.DictReader(tallies.read_text(encoding="utf-8-sig").splitlines()))
    return [[v for k, v in row.items() if k not in ("section", "statement")] for row in rows]


@pytest.mark.slow
def test_the_report_is_written_in_the_language_asked_for(welsh_project, tmp_path, capsys):
    """``collate --language cy`` counts the same answers and writes the report in Welsh: its own words
    from the catalogue, the statements from the translation; a language the programme is not
    published in is refused, naming those it is."""
    form = welsh_project / MINI_FORM.replace("site/downloads/", "site/cy/downloads/")
    q = mini_content().questionnaire("wellbeing")
    answers = tmp_path / "answers"
    answers.mkdir()
    rng = random.Random("report language")
    for number in range(6):
        fill_pypdf(form, random_answers(rng, q), answers / f"response-{number}.pdf")
    english, welsh = tmp_path / "english", tmp_path / "welsh"
    assert main(["collate", "-q", "--project", str(welsh_project), "--questionnaire", "wellbeing",
                 "--out", str(english), str(answers)]) == 0
    assert main(["collate", "-q", "--project", str(welsh_project), "--questionnaire", "wellbeing",
                 "--language", "cy", "--out", str(welsh), str(answers)]) == 0
    assert counts(welsh / "tallies.csv") == counts(english / "tallies.csv")
    assert "Cymraeg: " in (welsh / "tallies.csv").read_text(encoding="utf-8-sig")  # its statements in Welsh
    page = (welsh / "collation-report.html").read_text(encoding="utf-8")
    assert '<html lang="cy"' in page
    for words in ("Adroddiad coladu", "Cynllun gweithredu drafft", "Canlyniadau fesul datganiad", "Cymraeg: "):
        assert words in page, words
    for words in ("Draft action plan", "Results by statement", "How to read this report"):
        assert words not in page, words
    capsys.readouterr()
    assert main(["collate", "-q", "--project", str(welsh_project), "--questionnaire", "wellbeing",
                 "--language", "fr", "--out", str(tmp_path / "fr"), str(answers)]) == 2
    assert "'fr' is not a language mini is published in (expected one of: en-GB, cy)" in capsys.readouterr().err


@pytest.fixture(scope="module")
def welsh_source(tmp_path_factory) -> Path:
    """The mini programme also in Welsh, not built: collate reads the content, not the site."""
    return translated_mini(tmp_path_factory.mktemp("reasons") / "mini", "cy",
                           lambda number, address, source: f"Cymraeg: {source}")


def reasons_in(language: str) -> dict[str, str]:
    """Why each file of :func:`answers_to_collate` is skipped, and what the counted one answers that the
    questionnaire lacks, as the catalogue of ``language`` says it: built here from the catalogue's own
    entries (the same msgids the readers use), not through the readers' phrases."""
    say = i18n.translations(i18n.base_language(language)).gettext
    expected = say("%(values)s or '%(dont_know)s'") % {
        "values": say("%(first)s to %(last)s") % {"first": 1, "last": 4}, "dont_know": "dk"}
    return {
        "answers/empty.csv": say("it is empty (0 bytes of content)"),
        "answers/out-of-scale.json": say("its answer to '%(statement)s', question '%(question)s' is '%(value)s', "
                                         "which is not on the scale (expected %(expected)s)") % {
            "statement": "kind-staff", "question": "doing", "value": "7", "expected": expected},
        "answers/older-version.json": say("statement '%(id)s'") % {"id": "retired-statement"},
    }


def answers_to_collate(folder: Path) -> Path:
    answers = folder / "answers"
    answers.mkdir()
    (answers / "empty.csv").write_bytes(b"")
    shutil.copy(RESPONSES / "bad" / "online-out-of-scale.json", answers / "out-of-scale.json")
    shutil.copy(RESPONSES / "online" / "older-version.json", answers)  # counted, with a statement left out
    return answers


def report_rows(out: Path) -> list[tuple[str, str]]:
    """(file, why it was skipped or what was left out of it): the rows of the report's tables of files
    skipped and of answers left out."""
    page = (out / "collation-report.html").read_text(encoding="utf-8")
    return [(html.unescape(path), html.unescape(cell)) for path, cell in
            re.findall(r'<tr><td class="path">([^<]*)</td><td>([^<]*)</td></tr>', page)]


@pytest.mark.parametrize(("reader", "report"), [("en_GB", "cy"), ("cy", "en-GB")])
def test_why_a_file_was_skipped_is_in_the_report_s_language_and_the_reader_s_at_the_terminal(
        welsh_source, tmp_path, monkeypatch, capsys, reader, report):
    """The reasons a file was skipped (and what a file answers that the questionnaire lacks) are told to the
    person at the terminal in their language, and written into the report in the report's: a Welsh report
    collated on an English machine, and an English report collated by a Welsh reader."""
    monkeypatch.setenv("LANGUAGE", reader)
    monkeypatch.chdir(tmp_path)
    answers_to_collate(tmp_path)
    capsys.readouterr()
    assert main(["collate", "-q", "--project", str(welsh_source), "--questionnaire", "wellbeing",
                 "--language", report, "--out", "out", "answers"]) == 0
    terminal = capsys.readouterr().err
    told, written = reasons_in(reader), reasons_in(report)
    rows = report_rows(tmp_path / "out")
    cells = dict(rows)
    for file in ("answers/empty.csv", "answers/out-of-scale.json"):
        assert cells[file] == written[file], file
        assert told[file] in terminal, file
        if told[file] != written[file]:  # translated: each says it in its own language only
            assert told[file] not in cells[file] and written[file] not in terminal, file
    assert ("answers/older-version.json", written["answers/older-version.json"]) in rows
    # "1 to 4" is in the Welsh catalogue already ("1 i 4"), so the two differ whatever else is translated
    assert told["answers/out-of-scale.json"] != written["answers/out-of-scale.json"]
