"""No small print: every character of every built PDF, read back by MuPDF (``mutool draw -F stext``, a
reader auditpack does not use), is at least 11 pt (16 pt in large print) and at least 5 mm from every
edge of the paper.

Every kind, variant and pack of the bundled programmes, on A4 and on Letter, and the packs of a
school whose very long name is stamped in (the name is drawn after rendering, so it is checked there).
MuPDF reads the 1,700 pages about thirty times as fast as pdfplumber, which took two thirds of the
suite's time here; a test on the tiny programme checks the two readers agree on every page.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pytest

from auditpack.kinds import KINDS

from .conftest import LONG_NAME, require

MM = 72 / 25.4
MINIMUM = {"standard": 11.0, "large-print": 16.0}
"""print.css's --small-size in each variant: nothing a person reads is smaller."""
EDGE = 5 * MM
"""Most office printers cannot print nearer the edge of the paper than this."""
ALLOWED: dict[str, str] = {}
"""Text allowed below the minimum, as ``kind: why``. Empty: the footer's version line, the running
heads and the page numbers are all at the minimum too. Keep it short and say why for each."""


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
    """Every printed (not blank) character of every PDF under ``folder``, as MuPDF reads it."""
    require(shutil.which("mutool") is not None, "mutool is missing (apt-get install -y mupdf-tools)")
    chars = []
    for pdf_path in sorted(folder.rglob("*.pdf")):
        chars += mupdf_chars(pdf_path, str(pdf_path.relative_to(folder)))
    return tuple(chars)


def mupdf_chars(pdf: Path, name: str) -> list[Char]:
    """The printed characters of ``pdf`` from MuPDF's structured text: each with its font's size and
    its box (the four corners of its quad), in points from the top left of its page."""
    xml = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", str(pdf)], capture_output=True,
                         check=True).stdout
    chars, page_number = [], 0
    for page in ElementTree.fromstring(xml).iter("page"):
        page_number += 1
        width, height = float(page.get("width")), float(page.get("height"))
        for font in page.iter("font"):
            size = float(font.get("size"))
            for c in font.iter("char"):
                if not c.get("c", "").strip():
                    continue
                xs, ys = (list(map(float, c.get("quad").split()))[axis::2] for axis in (0, 1))
                edge = min(*xs, *ys, width - max(xs), height - max(ys))
                chars.append(Char(name, page_number, c.get("c"), size, edge))
    return chars


def smallest(chars) -> dict[tuple[str, str], Char]:
    """The smallest character of each (kind, variant)."""
    found: dict[tuple[str, str], Char] = {}
    for c in chars:
        key = kind_of(Path(c.path)), variant_of(Path(c.path))
        if key not in found or c.size < found[key].size:
            found[key] = c
    return found


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
    """Both lines of the name, whole, in every pack (every pack has a cover naming the school); the
    characters are the ones the size test measured, so their size is checked there."""
    packs = {path.relative_to(school_build).as_posix() for path in school_build.rglob("*-pack.pdf")}
    assert packs
    printed: dict[str, list[str]] = {path: [] for path in packs}
    for c in measured(school_build):
        if c.path in printed:
            printed[c.path].append(c.text)
    squeezed = LONG_NAME.replace(" ", "")
    for path, chars in sorted(printed.items()):
        text = "".join(chars)
        assert squeezed[:40] in text and squeezed[-40:] in text, path  # both its lines, whole


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
            name = [c for c in page.chars if c["top"] > box["top"] - 20 and c["bottom"] < label["bottom"] + 1
                    and c["x0"] > label_end["x1"] and c["text"].strip()]  # down to the label's line: a
            # programme with components lists them below it, inside the same box
            text = "".join(c["text"] for c in name)
            assert text.startswith(first_word) and text.endswith(last_word), (path.name, text)
            assert box["top"] + 1 < min(c["top"] for c in name), path.name       # below the top border
            assert max(c["bottom"] for c in name) < box["bottom"] - 1, path.name  # above the bottom border
            others = [c for c in page.chars if c not in name and c["text"].strip()]
            assert not [c["text"] for c in others for n in name if c["x0"] < n["x1"] and c["x1"] > n["x0"]
                        and c["top"] < n["bottom"] and c["bottom"] > n["top"]], path.name


@pytest.mark.slow
def test_mupdf_and_pdfplumber_read_the_same_sizes_and_places(mini_build):
    """The two independent readers agree on every page of the tiny programme: the same sizes used, and
    the same nearest approach to the paper's edge give or take a third of the text's size (their boxes
    differ: MuPDF's from the font's ascender and descender, pdfplumber's from its size), MuPDF's never
    the further from the edge by more than half a millimetre, so it is the stricter judge."""
    downloads = mini_build / "site" / "downloads"
    pdfs = sorted(downloads.rglob("*.pdf"))
    assert len(pdfs) > 20
    for pdf_path in pdfs:
        name = str(pdf_path.relative_to(downloads))
        ours = mupdf_chars(pdf_path, name)
        with pdfplumber.open(pdf_path) as pdf:
            theirs = [Char(name, index + 1, c["text"], c["size"],
                           min(c["x0"], c["top"], page.width - c["x1"], page.height - c["bottom"]))
                      for index, page in enumerate(pdf.pages) for c in page.chars if c["text"].strip()]
        for number in {c.page for c in ours} | {c.page for c in theirs}:
            mine = [c for c in ours if c.page == number]
            other = [c for c in theirs if c.page == number]
            assert {round(c.size, 1) for c in mine} == {round(c.size, 1) for c in other}, (name, number)
            near, far = min(mine, key=lambda c: c.edge), min(other, key=lambda c: c.edge)
            assert abs(near.edge - far.edge) < max(near.size, far.size) / 3, (name, number, near, far)
            assert near.edge < far.edge + MM / 2, (name, number, near, far)
