"""Answers in two languages are one collation: a Welsh form and an English form of the same
questionnaire are stored by the same ids, so the counts of a mixed pile equal those of the same
answers given all in English."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from auditpack import pipeline
from auditpack.cli import main

from .conftest import translated_mini
from .test_collate_filling import MINI_FORM, fill_pypdf, mini_content, random_answers


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
