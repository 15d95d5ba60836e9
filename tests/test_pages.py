"""Generated Markdown pages, compared with golden files whose diffs a person can read.

After an intended change, refresh them with: UPDATE_GOLDEN=1 pytest tests/test_pages.py
"""

import os
from pathlib import Path

import pytest

from auditpack import pipeline
from auditpack.documents import plan
from auditpack.render.packs import PdfOutput
from auditpack.render.pages import navigation, render_pages

GOLDEN = Path(__file__).parent / "golden" / "mini"
MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def pages():
    project = pipeline.Project.open(MINI)
    programmes = pipeline.check(project)
    the_plan = plan(programmes, tuple(project.config.variants))
    # Pages only need each PDF's page count and size; fixed figures keep the golden files stable.
    pdfs = {path: PdfOutput(path, title, b"%" * 2048, 2) for path, title in
            [(d.path, d.title) for d in the_plan.all_documents] + [(p.path, p.title) for p in the_plan.packs]}
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
        for before, line in zip(lines, lines[1:]):
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
    assert [list(e)[0] for e in mini] == ["Overview", "1. Prepare the audit", "2. Gather views", "Components",
                                          "Guidance", "Staff wellbeing survey",
                                          "Answer online: Staff wellbeing survey"]
