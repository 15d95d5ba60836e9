"""Generated Markdown pages, compared with golden files whose diffs a person can read.

After an intended change, refresh them with: UPDATE_GOLDEN=1 pytest tests/test_pages.py
"""

import itertools
import os
import posixpath
import re
from pathlib import Path

import pytest

from auditpack import pipeline
from auditpack.documents import plan
from auditpack.render.online_form import blank_tally_sheets
from auditpack.render.packs import PdfOutput
from auditpack.render.pages import navigation, render_pages

from .conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "mini"
MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def pages():
    project = pipeline.Project.open(MINI)
    programmes = pipeline.check(project)
    the_plan = plan(programmes, tuple(project.config.variants))
    # Pages only need each PDF's page count and size; fixed figures keep the golden files stable.
    pdfs = {path: PdfOutput(path, title, b"%" * 2048, 2) for path, title in
            [(d.path, d.title) for d in [*the_plan.all_documents, *the_plan.packs, *the_plan.editions]]}
    return render_pages(programmes, the_plan, pdfs, project.config, project.templates), programmes


def test_pages_match_golden(pages):
    rendered, _ = pages
    if os.environ.get("UPDATE_GOLDEN"):
        for path, text in rendered.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.md")}
    assert sorted(rendered) == sorted(expected)
    for path, text in rendered.items():
        assert text == expected[path], f"{path} differs from its golden file"


def test_headings_and_tables_start_new_blocks(pages):
    """Markdown needs a blank line before a heading or table; without it they merge into a paragraph."""
    rendered, _ = pages
    for path, text in rendered.items():
        lines = text.splitlines()
        for before, line in itertools.pairwise(lines):
            if line.startswith("#") or (line.startswith("|") and not before.startswith("|")):
                assert not before.strip(), f"{path}: '{line}' follows '{before}'"


def test_stage_page_lists_tasks_by_role_with_pathway(pages):
    rendered, _ = pages
    stage = rendered["mini/stage-1-prepare.md"]
    assert "### Audit lead" in stage and "### Borough advisor" in stage
    assert "Sign the partnership agreement. *(Supported only)*" in stage
    assert "**Time:** 30 minutes a week." in stage
    assert "(PDF, 2 pages, 2 KB)" in stage


def test_questionnaire_page_numbers_items_through_sections(pages):
    rendered, _ = pages
    q = rendered["mini/questionnaire-wellbeing.md"]
    assert "| 3 | Rooms are calm" in q
    assert "`calm-rooms`" in q


def test_navigation_follows_the_stages(pages):
    rendered, programmes = pages
    nav = navigation(programmes, rendered)
    assert nav[0] == {"Home": "index.md"} and nav[-1] == {"Downloads": "downloads.md"}
    mini = nav[1]["Mini audit"]
    assert [next(iter(e)) for e in mini] == ["Overview", "1. Prepare the audit", "2. Gather views", "Components",
                                          "Guidance", "Staff wellbeing survey",
                                          "Answer online: Staff wellbeing survey"]


def _links(page: str) -> set[str]:
    return set(re.findall(r"\]\(([^)]+)\)", page))


def test_stage_that_gathers_answers_says_how_they_come_back(pages):
    """The stage with the response form links each way answers come back (the online form, the
    fillable PDF, the printed form, the blank tally sheet) and gives the collate command."""
    rendered, _ = pages
    stage = rendered["mini/stage-2-gather.md"]
    assert "## How answers come back: Staff wellbeing survey" in stage
    assert {"answer-wellbeing.md", "../downloads/mini/stage-2-gather/response-form-fillable.pdf",
            "../downloads/mini/stage-2-gather/response-form.pdf",
            "../downloads/mini/wellbeing-tallies.csv"} <= _links(stage)
    assert "\n    auditpack collate --programme mini --questionnaire wellbeing answers\n" in stage
    assert "How answers come back" not in rendered["mini/stage-1-prepare.md"]  # it gathers none


def test_questionnaire_page_links_the_online_form_and_the_tally_sheet(pages):
    rendered, _ = pages
    q = rendered["mini/questionnaire-wellbeing.md"]
    assert {"answer-wellbeing.md", "../downloads/mini/wellbeing-tallies.csv"} <= _links(q)
    assert "auditpack collate --programme mini --questionnaire wellbeing answers" in q


def test_every_answer_link_leads_to_a_page_or_download_the_build_makes(pages):
    rendered, programmes = pages
    made = {*rendered, *(f"downloads/{path}" for path in blank_tally_sheets(programmes))}
    for path in ("mini/stage-2-gather.md", "mini/questionnaire-wellbeing.md"):
        for target in _links(rendered[path]):
            if not target.endswith((".pdf", ".docx")):
                assert posixpath.normpath(posixpath.join(posixpath.dirname(path), target)) in made, (path, target)


def test_the_stage_that_counts_answers_says_how_to_collate(bundled_programmes):
    """Blackpool's 'Collate and plan' stage has the staff audit's collation template, not its response
    form: it says how to collate, with the tally sheet; iMHARS, without questionnaires, says nothing."""
    project = pipeline.Project.open(REPO)
    the_plan = plan(bundled_programmes, tuple(project.config.variants))
    pdfs = {path: PdfOutput(path, title, b"%" * 2048, 2) for path, title in
            [(d.path, d.title) for d in [*the_plan.all_documents, *the_plan.packs, *the_plan.editions]]}
    rendered = render_pages(bundled_programmes, the_plan, pdfs, project.config, project.templates)
    collate = rendered["blackpool-ara/stage-4-collate-and-plan.md"]
    assert "## How to collate: " in collate and "How answers come back" not in collate
    assert "\n    auditpack collate --programme blackpool-ara --questionnaire staff-audit answers\n" in collate
    assert "../downloads/blackpool-ara/staff-audit-tallies.csv" in _links(collate)
    gather = rendered["blackpool-ara/stage-2-individual-responses.md"]
    assert {"answer-staff-audit.md", "../downloads/blackpool-ara/staff-audit-tallies.csv"} <= _links(gather)
    assert not any("auditpack collate" in page for path, page in rendered.items() if path.startswith("imhars/"))
