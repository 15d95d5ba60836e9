"""A statement row that WeasyPrint would split between pages is moved whole, with its section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditpack.render.pdf import PdfRenderer
from auditpack.render.unsplit import page_breaks, split_sections
from auditpack.template_folders import TemplateFolders

PACKAGED = Path(__file__).resolve().parent.parent / "auditpack" / "templates"
WORDS = "word " * 30


def _html(filler_mm: int) -> str:
    """A filler block, then a section: a heading kept with a table whose first row holds 30 words.
    print.css keeps headings with what follows and rows whole; WeasyPrint 70 splits that first row
    when the heading, the table's header and the row do not fit below the filler."""
    rows = "".join(f'<tbody class="statement"><tr><td>Statement {n} {WORDS}</td><td>box</td></tr></tbody>'
                    for n in range(4))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
            f'<style>.filler {{ height: {filler_mm}mm }} tbody.statement {{ break-inside: avoid }}</style></head>'
            f'<body><div class="filler">filler</div><section id="section-one">'
            f'<div class="section-head"><h2>One</h2></div><table><thead><tr><th>Statement</th><th>Box</th></tr>'
            f'</thead>{rows}</table></section></body></html>')


def _text(document, page: int) -> str:
    def texts(box, found):
        if hasattr(box, "text"):
            found.append(box.text)
        for child in getattr(box, "children", ()):
            texts(child, found)
        return found
    return " ".join(texts(document.pages[page]._page_box, []))


def _statements(document) -> list[list[tuple[str, int]]]:
    """Per page, each statement's number and how many of its words are on that page."""
    return [[(m[1], len(m[2].split())) for m in re.finditer(r"Statement (\d) ((?:word ?)*)", _text(document, n))]
            for n in range(len(document.pages))]


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return PdfRenderer(TemplateFolders((PACKAGED,)), theme_css="", build_date=0)


def _split_filler(renderer) -> tuple[int, object]:
    """A filler height at which plain WeasyPrint splits the first row (so this test sees the defect)."""
    from weasyprint import HTML
    for filler in range(190, 250, 5):
        plain = HTML(string=_html(filler), base_url=renderer.base_url).render(stylesheets=renderer.stylesheets,
                                                                           font_config=renderer.font_config)
        if any(0 < words < 30 for page in _statements(plain) for _, words in page):
            return filler, plain
    pytest.fail("WeasyPrint no longer splits the row: unsplit.py may not be needed any more")


def test_a_split_row_is_found_with_its_section(renderer):
    _, plain = _split_filler(renderer)
    assert split_sections(plain) == ["section-one"]


def test_layout_moves_the_section_and_keeps_every_row_whole(renderer):
    filler, _ = _split_filler(renderer)
    document = renderer.layout(_html(filler))
    pages = _statements(document)
    assert all(words == 30 for page in pages for _, words in page), pages
    assert pages[0] == [] and pages[1][0][0] == "0"                  # the section starts on the next page
    assert "One" in _text(document, 1)                                # with its heading
    assert split_sections(document) == []


def test_a_layout_with_nothing_split_is_left_alone(renderer):
    document = renderer.layout(_html(20))
    assert [n for n, _ in _statements(document)[0]] == ["0", "1", "2", "3"]
    assert split_sections(document) == []


def test_page_breaks_quote_an_id_so_it_stays_one_selector():
    """An id that tries to close its selector stays a string: two rules, each only breaking a page."""
    import tinycss2
    rules = tinycss2.parse_stylesheet(page_breaks(['a"] * { color: red } [id="b', "plain-id"]),
                                      skip_whitespace=True, skip_comments=True)
    assert len(rules) == 2 and all(r.type == "qualified-rule" for r in rules)
    assert [tinycss2.serialize(r.content).strip() for r in rules] == ["break-before: page;"] * 2
