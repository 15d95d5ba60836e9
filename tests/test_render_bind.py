"""Bound packs, read on paper and by ear: pack page numbers on every page that match the contents,
bookmarks nested by stage, contents links that say where they go."""

import re
from pathlib import Path

import pdfplumber
import pytest

from .pdf_reading import open_pdf

MM = 72 / 25.4
LABEL = re.compile(r"Pack page (\d+) of (\d+)")


@pytest.fixture(scope="module")
def downloads(mini_build) -> Path:
    return mini_build / "site" / "downloads" / "mini"


def _label_lines(page) -> list[tuple[str, list[dict]]]:
    """Each line of text on the page with its characters (pdfplumber, a reader auditpack does not use)."""
    lines: dict[float, list[dict]] = {}
    for char in page.chars:
        lines.setdefault(round(char["top"], 1), []).append(char)
    return [("".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])), chars) for chars in lines.values()]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mini-complete-pack.pdf", "stage-1-prepare-pack.pdf"])
def test_every_page_says_its_pack_page_large_clear_of_the_edges_and_of_other_text(downloads, name):
    with pdfplumber.open(downloads / name) as pdf:
        total = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            found = [(text, chars) for text, chars in _label_lines(page) if LABEL.search(text)]
            assert [LABEL.search(text).groups() for text, _ in found] == [(str(number), str(total))], (name, number)
            chars = [c for c in found[0][1] if c["text"].strip()]
            assert min(c["size"] for c in chars) >= 11
            left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
            top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
            assert left >= 5 * MM and top >= 5 * MM and right <= page.width - 5 * MM
            others = [c for c in page.chars if c not in found[0][1] and c["text"].strip()]
            clash = [c["text"] for c in others if c["x1"] > left and c["x0"] < right
                     and c["bottom"] > top - 1 * MM and c["top"] < bottom + 1 * MM]
            assert not clash, (name, number, clash)


@pytest.mark.slow
def test_the_contents_page_numbers_are_the_pack_pages_where_documents_start(downloads):
    with pdfplumber.open(downloads / "mini-complete-pack.pdf") as pdf:
        texts = [page.extract_text() for page in pdf.pages]
    entries = re.findall(r"^(Stage \d+: .+?) (\d+)$", texts[0], re.MULTILINE)
    assert len(entries) >= 10
    for title, start in entries:
        page = texts[int(start) - 1]
        assert f"Pack page {start} of {len(texts)}" in page
        assert "Page 1 of" in page and title.split(": ", 1)[1].split(": ")[0] in page, (title, start)


@pytest.mark.slow
def test_bookmarks_nest_documents_under_their_stage_and_headings_under_their_document(downloads):
    outline = open_pdf(downloads / "mini-complete-pack.pdf").outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == ["Complete pack: Mini wellbeing audit", "Stage 1: Prepare the audit", "Stage 2: Gather views"]
    stage_1 = outline[outline.index(next(i for i in outline if getattr(i, "title", "") == top[1])) + 1]
    documents = [item.title for item in stage_1 if not isinstance(item, list)]
    assert documents[0] == "Briefing sheet" and documents.count("Briefing sheet") == 1
    headings = stage_1[1]
    assert isinstance(headings, list) and "Who is involved" in [h.title for h in headings]
    # A stage's own pack is that stage: its documents are not nested again.
    stage_pack = open_pdf(downloads / "stage-1-prepare-pack.pdf").outline
    assert "Briefing sheet" in [item.title for item in stage_pack if not isinstance(item, list)]


@pytest.mark.slow
def test_contents_links_are_described_by_the_title_of_the_document_they_open(downloads):
    reader = open_pdf(downloads / "mini-complete-pack.pdf")
    links = [a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object()["/Subtype"] == "/Link"]
    described = [str(link["/Contents"]) for link in links]
    with pdfplumber.open(downloads / "mini-complete-pack.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert described[:2] == ["Stage 1: Briefing sheet", "Stage 1: Group recording form"]
    assert all(d in text for d in described) and not any("auditpack-part" in d for d in described)
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    starts = [int(s) for s in re.findall(r"^Stage \d+: .+? (\d+)$", text, re.MULTILINE)]
    assert [pages[link["/Dest"][0].idnum if "/Dest" in link else link["/A"]["/D"][0].idnum] for link in links] == starts


@pytest.mark.slow
def test_a_pack_embeds_one_program_per_font_and_its_pages_read_as_its_documents_do(downloads):
    import pikepdf

    from .pdf_reading import page_texts

    pack = downloads / "mini-complete-pack.pdf"
    with pikepdf.open(pack) as pdf:
        programs: dict[str, set] = {}
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.FontDescriptor:
                programs.setdefault(str(obj.FontName), set()).add(obj.FontFile2.objgen)
        documents = sum(1 for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                        and obj.get("/Type") == pikepdf.Name.FontDescriptor)
    assert documents > 2 * len(programs) and all(len(p) == 1 for p in programs.values()), programs
    texts = [LABEL.sub("", text).strip() for text in page_texts(pack)]
    briefing = page_texts(downloads / "stage-1-prepare" / "briefing.pdf")
    assert texts[1:1 + len(briefing)] == [text.strip() for text in briefing]
