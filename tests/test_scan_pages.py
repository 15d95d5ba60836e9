"""scan/pages.py and what it stands on (images, locate, boxes, decide), then assemble and results,
in one process on one real page: the quick subset's check of the reader (tests/test_scan.py drives
the command on whole scans)."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np

from auditpack.scan.assemble import assemble
from auditpack.scan.images import PageRef
from auditpack.scan.layouts import find_layouts
from auditpack.scan.pages import PageFailed, PageRead, read_page
from auditpack.scan.results import answers_json, state_of
from auditpack.scan.review import review_html
from auditpack.template_folders import TemplateFolders

from . import scan_synthetic as synth


def test_a_page_turned_upside_down_is_read_and_becomes_a_response(mini_build, tmp_path: Path):
    pdf = next((mini_build / "site").rglob("response-form.pdf"))
    layouts, refused = find_layouts([mini_build / "site"])
    assert refused == [] and len(layouts) >= 2
    rng = random.Random(1)
    sheets = synth.render(pdf, 150)
    filled = synth.fill_form(sheets, rng, change_share=0.3)
    reads = []
    for n, sheet in enumerate(sheets):
        image = np.ascontiguousarray(np.rot90(synth.degrade(sheet.image, rng, rotate=2), 2 if n == 0 else 0))
        cv2.imwrite(str(tmp_path / f"{n}.png"), image)
        reads.append(read_page(PageRef(str(tmp_path / f"{n}.png"), f"{n}.png", 0, "image", str(n)), layouts))
    assert all(isinstance(read, PageRead) for read in reads), reads
    read_answers = {d.field: d.answer for read in reads if isinstance(read, PageRead) for d in read.decisions
                    if d.answer is not None}
    assert read_answers == filled.given
    done = assemble(reads, layouts)
    assert len(done.responses) == 1 and done.responses[0].missing() == [] and done.responses[0].doubts() == []
    state, pictures = state_of(done)
    assert pictures == {}  # nothing doubted, nothing written in the comment areas
    assert '"response_id": "scan-' in answers_json(state["responses"][0])
    assert "1 form found; 1 read in full" in review_html(state, "scanned", TemplateFolders())


def test_a_page_without_a_code_says_so(mini_build, tmp_path: Path):
    layouts, _ = find_layouts([mini_build / "site"])
    page = np.full((1754, 1240), 255, np.uint8)
    cv2.putText(page, "Notes from the meeting", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 4)
    cv2.imwrite(str(tmp_path / "notes.png"), page)
    read = read_page(PageRef(str(tmp_path / "notes.png"), "notes.png", 0, "image"), layouts)
    assert isinstance(read, PageFailed) and read.reason.startswith("no page code could be read")
