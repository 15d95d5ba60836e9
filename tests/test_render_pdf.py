"""Printed documents, opened and read as a person would: text, pages, fonts, metadata, links."""

from pathlib import Path

import pytest

from auditpack import pipeline
from auditpack.documents import plan
from auditpack.render.renderer import Renderer

from .pdf_reading import all_text, fonts, open_pdf, page_texts

A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def downloads(mini_build) -> Path:
    return mini_build / "site" / "downloads" / "mini"


@pytest.mark.slow
def test_every_planned_document_is_a_valid_pdf(mini_build, downloads):
    project = pipeline.Project.open(mini_build)
    the_plan = plan(pipeline.check(project), tuple(project.config.variants))
    for path in [d.path for d in the_plan.all_documents] + [p.path for p in the_plan.packs]:
        reader = open_pdf(mini_build / "site" / "downloads" / path)
        assert len(reader.pages) >= 1


def test_metadata_language_and_tags(downloads):
    reader = open_pdf(downloads / "stage-1-prepare" / "briefing.pdf")
    assert reader.metadata.title == "Briefing sheet (stage 1) | Mini audit"
    assert reader.metadata.author == "Test Borough"
    assert "stage 1: Prepare the audit" in reader.metadata.subject
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


def test_fonts_are_the_packaged_ones_and_embedded(downloads):
    used = fonts(open_pdf(downloads / "stage-2-gather" / "response-form.pdf"))
    assert used and all(embedded for _, embedded in used)
    names = {name.split("+", 1)[1] for name, _ in used}
    assert names <= {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold", "Noto-Sans", "Noto-Sans-Bold",
                     "AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold", "NotoSans-Regular",
                     "NotoSans-Bold"} or all("Atkinson" in n or "Noto" in n for n in names), names


def test_welsh_and_typographic_characters_render(downloads):
    text = all_text(downloads / "stage-2-gather" / "response-form.pdf")
    assert "Ŵyn and Ŷr" in text and "—" in text and "“quiet”" in text


def test_briefing_sheet_shows_tasks_owners_and_pathway(downloads):
    text = all_text(downloads / "stage-1-prepare" / "briefing.pdf")
    for expected in ("Prepare the audit", "Purpose", "Get everyone ready.", "Task checklist",
                     "Brief the staff about the audit.", "Audit lead, Borough advisor", "Supported only",
                     "30 minutes a week", "Who is involved"):
        assert expected in text


def test_running_header_and_footer_on_every_page(downloads):
    pages = page_texts(downloads / "stage-2-gather" / "group-recording.pdf")
    for number, text in enumerate(pages, start=1):
        assert "Mini audit · Stage 2: Gather views" in text
        assert "Mini audit version 2.1, 15 January 2026" in text
        assert f"Page {number} of {len(pages)}" in text


def test_response_form_has_every_item_and_dimension(downloads):
    text = all_text(downloads / "stage-2-gather" / "response-form.pdf")
    for expected in ("1. Staff are kind to one another.", "2. No", "How well are we doing?",
                     "How well does the school support it?", "I don't know", "Do not write your name"):
        assert expected in text
    for page in page_texts(downloads / "stage-2-gather" / "response-form.pdf"):
        if "Staff are kind" in page or "2. No" in page:  # each page of statements names the questions
            assert "How well are we doing?" in page and "How well does the school support it?" in page


def test_collation_tally_grid_has_a_cell_per_scale_point(downloads):
    pages = page_texts(downloads / "stage-2-gather" / "collation.pdf")
    text = " ".join(pages)
    # Each section's table heads, for each of the 2 dimensions, the 4 scale points (value and label), "?" and "Total".
    assert text.count("Not yet 2 Partly 3 Mostly 4 Fully ? Total") == 2 * 2
    assert text.count("How well are we doing?") == 2
    for statement in ("1 Staff are kind to one another.", "2 No", "3 Rooms are calm"):
        assert statement in text
    reader = open_pdf(downloads / "stage-2-gather" / "collation.pdf")
    index = next(i for i, p in enumerate(pages) if "Staff are kind" in p)
    width, height = (float(x) for x in reader.pages[index].mediabox[2:])
    assert width > height  # tally grids are printed landscape


def test_group_recording_form_header_fields(downloads):
    text = all_text(downloads / "stage-2-gather" / "group-recording.pdf")
    for label in ("School:", "Date:", "Group:", "Recorder:", "Number present:", "Already working, good practice",
                  "Ideas for improvement", "Priority (tick one):"):
        assert label in text
    assert "Staff are kind" in text and "Rooms are calm" not in text  # only the chosen section


def test_component_documents(downloads):
    assert "about 1.5 days" in all_text(downloads / "stage-2-gather" / "audit-timetable.pdf")
    notes = all_text(downloads / "stage-2-gather" / "research-notes-voice.pdf")
    assert "Research notes: Pupil voice" in notes and "Interview: the school council" in notes
    report = all_text(downloads / "stage-2-gather" / "short-report-ethos.pdf")
    for heading in ("Strengths", "Challenges", "Next steps", "Agreed"):
        assert heading in report
    plan_text = all_text(downloads / "stage-2-gather" / "action-plan.pdf")
    for column in ("Action", "Lead", "By when", "Resources", "How we'll know", "Review date"):
        assert column in plan_text


def test_pages_are_a4(downloads):
    reader = open_pdf(downloads / "stage-1-prepare" / "briefing.pdf")
    assert tuple(round(float(x), 2) for x in reader.pages[0].mediabox[2:]) == A4


@pytest.mark.slow
def test_pack_has_cover_contents_links_and_bookmarks(downloads):
    pack = downloads / "stage-1-prepare-pack.pdf"
    reader = open_pdf(pack)
    pages = page_texts(pack)
    assert "Contents" in pages[0] and "Stage 1 pack: Prepare the audit" in pages[0]
    stage_docs = ["briefing", "group-recording", "collation", "facilitator-guide", "checkin-log"]
    lengths = [len(open_pdf(downloads / "stage-1-prepare" / f"{name}.pdf").pages) for name in stage_docs]
    assert len(reader.pages) == 1 + sum(lengths)
    links = [a.get_object() for a in reader.pages[0].get("/Annots", []) if a.get_object()["/Subtype"] == "/Link"]
    assert len(links) == len(stage_docs)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Stage 1 pack: Prepare the audit" in titles and "Briefing sheet" in " ".join(titles)
    # The contents page numbers are where each document really starts.
    start = 2
    for name, length in zip(stage_docs, lengths, strict=True):
        first = pages[start - 1]
        assert "Page 1 of" in first, (name, start)
        start += length


@pytest.mark.slow
def test_same_input_gives_identical_pdfs(mini_build):
    project = pipeline.Project.open(mini_build)
    the_plan = plan(pipeline.check(project))
    first = Renderer(project.templates, project.config, 0).render(the_plan)
    second = Renderer(project.templates, project.config, 0).render(the_plan)
    assert {p: o.data for p, o in first.items()} == {p: o.data for p, o in second.items()}
