"""No small print: every character of every built PDF, read back by pdfplumber (a reader auditpack does
not use), is at least 11 pt (16 pt in large print) and at least 5 mm from every edge of the paper.

Every kind, variant and pack of the bundled programmes, on A4 and on Letter, and the packs of a
school whose very long name is stamped in (the name is drawn after rendering, so it is checked there).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from auditpack.kinds import KINDS

MM = 72 / 25.4
MINIMUM = {"standard": 11.0, "large-print": 16.0}
"""print.css's --small-size in each variant: nothing a person reads is smaller."""
EDGE = 5 * MM
"""Most office printers cannot print nearer the edge of the paper than this."""
ALLOWED: dict[str, str] = {}
"""Text allowed below the minimum, as ``kind: why``. Empty: the footer's version line, the running
heads and the page numbers are all at the minimum too. Keep it short and say why for each."""
LONG_NAME = "The Very Long Named Church of England Voluntary Aided Primary School and Nursery of St Michael"


@dataclass(frozen=True)
class Char:
    path: str
    page: int
    text: str
    size: float
    edge: float
    """The distance from the character's box to the nearest edge of the paper, in points."""


def kind_of(path: Path) -> str:
    """The document kind a built file is of, from its name (``pack`` for a pack)."""
    return next((kind for kind in KINDS if path.name.startswith(kind)), "pack" if "pack" in path.name else "?")


def variant_of(path: Path) -> str:
    return "large-print" if "-large-print" in path.stem else "standard"


@functools.cache
def measured(folder: Path) -> tuple[Char, ...]:
    """Every printed (not blank) character of every PDF under ``folder``."""
    chars = []
    for pdf_path in sorted(folder.rglob("*.pdf")):
        with pdfplumber.open(pdf_path) as pdf:
            for index, page in enumerate(pdf.pages):
                for c in page.chars:
                    if c["text"].strip():
                        edge = min(c["x0"], c["top"], page.width - c["x1"], page.height - c["bottom"])
                        chars.append(Char(str(pdf_path.relative_to(folder)), index + 1, c["text"], c["size"], edge))
    return tuple(chars)


def smallest(chars) -> dict[tuple[str, str], Char]:
    """The smallest character of each (kind, variant)."""
    found: dict[tuple[str, str], Char] = {}
    for c in chars:
        key = kind_of(Path(c.path)), variant_of(Path(c.path))
        if key not in found or c.size < found[key].size:
            found[key] = c
    return found


@pytest.fixture(scope="module")
def school_build(bundled_build, tmp_path_factory) -> Path:
    """The packs of one school with a very long name: the stamped name is checked like any other text."""
    root = tmp_path_factory.mktemp("school") / "project"
    shutil.copytree(bundled_build, root, ignore=shutil.ignore_patterns("site"))
    for programme in ("blackpool-ara", "imhars", "wellbeing-review"):
        subprocess.run([sys.executable, "-m", "auditpack", "build", "--project", str(root), "--school", LONG_NAME,
                        "--programme", programme, "-q"], check=True, capture_output=True)
    return root / "schools"


@pytest.fixture(params=["A4", "Letter", "school"])
def built(request) -> Path:
    """A folder of built PDFs: the bundled programmes' downloads on each paper, or a school's packs."""
    if request.param == "school":
        return request.getfixturevalue("school_build")
    project = request.getfixturevalue("bundled_build" if request.param == "A4" else "bundled_letter_build")
    return project / "site" / "downloads"


@pytest.mark.slow
def test_nothing_is_printed_below_the_minimum_size(built):
    print(f"\nallow-list ({len(ALLOWED)}): " + ("; ".join(f"{k}: {why}" for k, why in ALLOWED.items()) or "none"))
    found = smallest(measured(built))
    for (kind, variant), c in sorted(found.items()):
        print(f"  {kind:20} {variant:12} smallest {c.size:5.1f} pt  ({c.path} p{c.page} {c.text!r})")
    if built.name == "downloads":  # every kind, both variants where a kind has them, and packs
        assert {kind for kind, _ in found} == {*KINDS, "pack"} and ("response-form", "large-print") in found
    small = [c for c in measured(built)
             if c.size < MINIMUM[variant_of(Path(c.path))] - 0.05 and kind_of(Path(c.path)) not in ALLOWED]
    assert not small, f"{len(small)} characters below the minimum, e.g. " + \
        ", ".join(f"{c.path} p{c.page} {c.text!r} {c.size:.1f} pt" for c in small[:8])


@pytest.mark.slow
def test_every_character_is_at_least_5_mm_from_every_edge_of_the_paper(built):
    near = [c for c in measured(built) if c.edge < EDGE]
    pages = {(c.path, c.page) for c in near}
    assert not near, f"text nearer than 5 mm to the paper's edge on {len(pages)} pages, e.g. " + \
        ", ".join(f"{c.path} p{c.page} {c.text!r} {c.edge / MM:.1f} mm" for c in near[:8])


@pytest.mark.slow
def test_the_long_school_name_is_stamped_whole_at_the_minimum_or_larger(school_build):
    packs = sorted(school_build.rglob("*-pack.pdf"))  # every pack has a cover naming the school
    assert packs
    for path in packs:
        with pdfplumber.open(path) as pdf:
            text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
        assert "of St Michael" in text and "The Very Long" in text, path  # both its lines, whole


@pytest.mark.slow
def test_a_long_school_name_on_a_pack_cover_stays_inside_its_box(school_build):
    """Written on two lines, the name's first line sits in the room above "Prepared for", below the
    box's top border and clear of every other character of the cover."""
    words = LONG_NAME.split()
    first_word, last_word = words[0], words[-1]
    for path in sorted(school_build.rglob("*-complete-pack.pdf")):
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            printed = page.extract_words()
            [label] = [w for w in printed if w["text"] == "Prepared"]
            [label_end] = [w for w in printed if w["text"] == "for" and abs(w["top"] - label["top"]) < 1]
            box = max((r for r in page.rects if r["top"] < label["top"] and r["bottom"] > label["bottom"]),
                      key=lambda r: r["top"])  # the border's inner edge
            name = [c for c in page.chars if c["top"] > box["top"] - 20 and c["bottom"] < box["bottom"] + 20
                    and c["x0"] > label_end["x1"] and c["text"].strip()]
            text = "".join(c["text"] for c in name)
            assert text.startswith(first_word) and text.endswith(last_word), (path.name, text)
            assert box["top"] + 1 < min(c["top"] for c in name), path.name       # below the top border
            assert max(c["bottom"] for c in name) < box["bottom"] - 1, path.name  # above the bottom border
            others = [c for c in page.chars if c not in name and c["text"].strip()]
            assert not [c["text"] for c in others for n in name if c["x0"] < n["x1"] and c["x1"] > n["x0"]
                        and c["top"] < n["bottom"] and c["bottom"] > n["top"]], path.name
