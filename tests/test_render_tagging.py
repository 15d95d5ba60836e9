"""Tags a screen reader relies on: margin boxes as pagination artifacts, scoped header cells, contents order."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

from .tagged_reading import marked_content, read_aloud, reading_order


@pytest.fixture(scope="module")
def downloads(mini_build) -> Path:
    return mini_build / "site" / "downloads" / "mini"


def test_running_heads_and_footers_are_pagination_artifacts(downloads):
    path = downloads / "stage-2-gather" / "response-form.pdf"
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
    assert pages >= 2
    for page in range(pages):
        marked = marked_content(path, page)
        pagination = " ".join(m.text for m in marked if m.tag == "/Artifact" and m.kind == "/Pagination")
        assert f"Page {page + 1} of {pages}" in pagination  # the footer
        assert "Individual response form" in pagination  # the running head
        assert "Test footer" in pagination
        spoken = read_aloud(path, page)
        assert not re.search(r"Page \d+ of \d+", spoken), spoken
        assert "Test footer" not in spoken
        # The heads' rules are drawn in the margin boxes too: artifacts of the same kind, with no text.
        assert any(m.kind == "/Pagination" and not m.text.strip() for m in marked)


def test_every_marked_text_is_in_the_structure_tree_or_an_artifact(downloads):
    """No MCID left to an element outside the tree (what WeasyPrint does with margin boxes)."""
    for path in (downloads / "stage-2-gather" / "collation.pdf", downloads / "mini-complete-pack.pdf"):
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
        for page in range(0, pages, 3):
            marked = {m.mcid for m in marked_content(path, page) if m.mcid is not None}
            assert marked and marked <= set(reading_order(path, page)), (path.name, page)


def test_header_cells_have_a_scope(downloads):
    path = downloads / "stage-2-gather" / "response-form.pdf"
    scopes: dict[str, list[str]] = {"/THead": [], "/TBody": []}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == pikepdf.Name.TH:
                attributes = obj.A
                attributes = attributes if isinstance(attributes, pikepdf.Dictionary) else attributes[-1]
                assert str(attributes.O) == "/Table"
                scopes[str(obj.P.P.S)].append(str(attributes.Scope))
    assert scopes["/THead"] and set(scopes["/THead"]) == {"/Column"}
    assert scopes["/TBody"] and set(scopes["/TBody"]) == {"/Row"}  # each question heads its row


def test_contents_entries_read_title_then_page(downloads):
    spoken = read_aloud(downloads / "mini-complete-pack.pdf", 0)
    assert re.search(r"Contents Stage 1: Briefing sheet \d+ Stage 1: ", spoken), spoken
    assert not re.search(r"\d+ Stage 1: Briefing sheet", spoken)
