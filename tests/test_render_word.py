"""The editable Word copies, opened with python-docx as Word would open them, against their PDFs."""

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from auditpack import documents, pipeline
from auditpack.kinds import KINDS, VARIANTS

from .pdf_reading import all_text


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def bundled_docx(bundled_build, bundled_programmes):
    """(planned document, opened DOCX, the text of its PDF) for each Word file of the bundled build."""
    downloads = bundled_build / "site" / "downloads"
    plan = documents.plan(bundled_programmes, tuple(VARIANTS))
    assert plan.editions
    return [(e.document, docx.Document(downloads / e.path), all_text(downloads / e.document.path))
            for e in plan.editions]


@pytest.mark.slow
def test_each_document_of_a_kind_offering_word_has_a_copy_beside_its_pdf(bundled_build, bundled_programmes):
    downloads = bundled_build / "site" / "downloads"
    plan = documents.plan(bundled_programmes, tuple(VARIANTS))
    made = sorted(p.relative_to(downloads).as_posix() for p in downloads.rglob("*.docx"))
    assert made == sorted(e.path for e in plan.editions) and len(made) == 31  # 19 seed programmes, 12 wellbeing-review
    assert {e.document.kind for e in plan.editions} == {k for k, kind in KINDS.items() if "docx" in kind.formats}
    assert all((downloads / e.document.path).is_file() for e in plan.editions)


@pytest.mark.slow
def test_statements_and_numbers_are_those_of_the_pdf(bundled_docx):
    checked = 0
    for doc, opened, pdf_text in bundled_docx:
        if not doc.questionnaire:
            continue
        numbers = doc.questionnaire.numbers.items
        cells = {_plain(t.rows[i].cells[0].text) for t in opened.tables for i in range(len(t.rows))}
        paragraphs = {_plain(p.text) for p in opened.paragraphs}
        for section in doc.sections:
            heading = f"{doc.questionnaire.section_number(section)}. {section.title}"
            assert heading in [p.text for p in opened.paragraphs if p.style.name == "Heading 2"]
            for item in section.items:
                shown = next(s for s in cells | paragraphs if s.startswith(f"{numbers[item.id]}. "))
                statement = shown.removeprefix(f"{numbers[item.id]}. ")
                assert statement in pdf_text, f"{doc.path}: statement {numbers[item.id]} differs from the PDF"
                assert re.search(rf"\b{numbers[item.id]}\.? {re.escape(statement[:20])}", pdf_text)
                checked += 1
    assert checked > 50


@pytest.mark.slow
def test_column_headings_are_those_of_the_pdf(bundled_docx):
    for doc, opened, pdf_text in bundled_docx:
        headed = [t for t in opened.tables if _is_header(t.rows[0])]
        assert headed, f"{doc.path} has no table with a header row"
        for table in headed:
            for row in [r for r in table.rows if _is_header(r)]:
                for cell in row.cells:
                    heading = _plain(cell.text)
                    q = doc.questionnaire
                    if heading == "Question" and q and all(d.question in pdf_text for d in q.dimensions):
                        continue  # the PDF's side-by-side grid heads its columns by the questions themselves
                    assert heading in pdf_text, f"{doc.path}: column {heading!r}"
        if doc.kind == "response-form":
            header = [_plain(c.text) for c in headed[-1].rows[0].cells]
            q = doc.questionnaire
            assert header == ["Question", *[f"{p.key} {p.label}" for p in q.scale], f"? {q.dont_know_label}"]
            assert [_plain(r.cells[0].text) for r in headed[-1].rows[1:]] == [d.question for d in q.dimensions]


@pytest.mark.slow
def test_headings_title_language_size_and_repeating_headers(bundled_docx):
    for doc, opened, _ in bundled_docx:
        headings = [p for p in opened.paragraphs if p.style.name.startswith("Heading")]
        assert headings[0].style.name == "Heading 1" and headings[0].text == doc.title
        properties = opened.core_properties
        assert properties.title == doc.title and properties.language == doc.programme.language
        defaults = opened.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        assert defaults.find(qn("w:lang")).get(qn("w:val")) == doc.programme.language
        assert opened.styles["Normal"].font.size == Pt(11)
        for paragraph in [*opened.paragraphs, *[p for t in opened.tables for c in t._cells for p in c.paragraphs]]:
            for run in paragraph.runs:
                assert run.font.size is None or run.font.size >= Pt(11)
            size = next((s.font.size for s in _styles(paragraph.style) if s.font.size), None)
            assert size is None or size >= Pt(11), f"{doc.path}: {paragraph.style.name} is {size.pt} pt"
        for table in opened.tables:
            if _bold_row(table.rows[0]) and len(table.columns) > 2:
                assert _is_header(table.rows[0]), f"{doc.path}: a table's header row does not repeat"


@pytest.mark.slow
def test_the_same_content_gives_the_same_bytes_dated_by_the_build(mini_build, tmp_path):
    """An uncached build of the tiny programme against the run's shared build of it (its first build,
    so nothing came from a cache either), made in another folder and often in another process."""
    roots = [pipeline.Project.open(mini_build), pipeline.Project.open(_mini(tmp_path / "two"))]
    pipeline.build(roots[1], options=pipeline.BuildOptions(use_cache=False))
    files = [{p.relative_to(r.output_dir): p.read_bytes() for p in r.output_dir.rglob("*.docx")} for r in roots]
    assert files[0] and files[0] == files[1]
    published = pipeline.check(roots[0])[0].programme.published
    for data in files[0].values():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {m.date_time[:3] for m in archive.infolist()} == {(published.year, published.month, published.day)}
            assert "docProps/thumbnail.jpeg" not in archive.namelist()
    opened = docx.Document(next(iter(roots[0].output_dir.rglob("*.docx"))))
    built = dt.datetime(published.year, published.month, published.day)
    assert opened.core_properties.created.replace(tzinfo=None) == built
    assert opened.core_properties.modified.replace(tzinfo=None) == built


@pytest.mark.slow
def test_the_cache_gives_back_the_same_word_files(mini_build, tmp_path):
    """A copy of the tiny build, whose Word files were made fresh and cached, built again from its cache."""
    root = tmp_path / "mini"
    shutil.copytree(mini_build, root)
    project = pipeline.Project.open(root)
    first = {p: p.read_bytes() for p in project.output_dir.rglob("*.docx")}
    assert list(project.cache_dir.rglob("*.docx")), "the Word files were not cached"
    (project.root / "site_config.yml").write_text((project.root / "site_config.yml").read_text() + "\n")
    pipeline.build(project)
    assert {p: p.read_bytes() for p in project.output_dir.rglob("*.docx")} == first


def test_the_site_links_each_word_file_beside_its_pdf(mini_build):
    site = mini_build / "site"
    page = site / "mini" / "stage-2-gather.html"
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.docx)"[^>]*>Word \(editable\)</a> \(DOCX, \d+ KB\)', html)
    assert len(links) == 3
    for link in links:
        assert (page.parent / link).resolve().is_file()
        pdf_link = link.removesuffix(".docx") + ".pdf"
        assert html.index(pdf_link) < html.index(link)  # after its PDF
    listed = re.findall(r'href="([^"]+\.docx)"[^>]*>Word \(editable\)</a>', (site / "downloads.html").read_text())
    assert len(listed) == len(list((site / "downloads").rglob("*.docx"))) > 0
    assert all((site / link).is_file() for link in listed)


def _mini(target: Path) -> Path:
    from .conftest import FIXTURES, copy_project

    return copy_project(FIXTURES / "mini", target)


def _is_header(row) -> bool:
    found = row._tr.trPr.find(qn("w:tblHeader")) if row._tr.trPr is not None else None
    return found is not None and found.get(qn("w:val")) in ("true", "1", None)


def _bold_row(row) -> bool:
    runs = [r for c in row.cells for p in c.paragraphs for r in p.runs if r.text]
    return bool(runs) and all(r.bold for r in runs)


def _styles(style):
    while style is not None:
        yield style
        style = style.base_style
