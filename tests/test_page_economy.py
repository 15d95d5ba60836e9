"""Page economy (issue 14 item 5): no sheet printed for a few lines, and a response form short enough
to hand every member of staff.

A page's used fraction is measured from what is printed: the page is rendered, and the lowest row
of ink inside the content area (the page less the margins of print.css, where the running heads and
footers sit) is taken relative to that area's height. The bundled programmes are built on A4 and on
Letter; the test prints each document's pages under 35 % used, and fails on any not explained below.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import pypdfium2
import pytest

MM = 72 / 25.4
TOP_MARGIN, BOTTOM_MARGIN = 20, 18  # mm, the @page margins of print.css
UNDER = 0.35
ARA_FORM = "blackpool-ara/stage-2-individual-responses/response-form.pdf"
MOST_SHEETS = 5

# Pages under 35 % used that are there on purpose: a pattern (fnmatch) over "PAPER:document#page" and
# the reason. A pattern that matches no page of its paper any more makes the test fail, so the list
# stays short and true.
EXPLAINED: list[tuple[str, str]] = [
    ("*:blackpool-ara/stage-?-*/briefing.pdf#2",
     ("a full first page, then the 'Our notes' writing lines (a page to write on), which take the last line "
     "of the documents list along rather than stand alone")),
    ("Letter:imhars/stage-4-write-up/briefing.pdf#3", "the same: 'Our notes' after two full pages of Letter"),
    ("*:imhars/stage-4-write-up/research-notes-identifying-need-and-monitoring-impact.pdf#2",
     ("one research method's block; the next method's block goes with the closing 'Themes emerging' lines, "
     "and the two do not fit together under it")),
    ("*:wellbeing-review/general/response-form-wellbeing-review-pupils*.pdf#3",
     "the last section's comment box, kept with that section's last statement"),
    ("Letter:wellbeing-review/general/response-form-wellbeing-review-staff*.pdf#6",
     "the last section's comment box, kept with that section's last statement"),
]


def explained(paper: str, document: str, number: int) -> str | None:
    return next((reason for pattern, reason in EXPLAINED if fnmatch(f"{paper}:{document}#{number}", pattern)), None)


def used_fractions(path: Path) -> list[float]:
    """For each page, how far down its content area ink reaches (0 for an empty page), from the page as
    rendered at 72 dpi: any pixel darker than a faint writing line's antialiased grey counts."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        fractions = []
        for page in document:
            image = page.render(scale=1, grayscale=True, may_draw_forms=True).to_pil().convert("L")
            top, bottom = round((TOP_MARGIN + 0.5) * MM), image.height - round((BOTTOM_MARGIN + 0.5) * MM)
            ink = image.crop((0, top, image.width, bottom)).point(lambda level: 255 if level < 230 else 0)
            box = ink.getbbox()
            fractions.append(box[3] / (bottom - top) if box else 0.0)
        return fractions
    finally:
        document.close()


def documents_of(build: Path) -> list[Path]:
    """Every document of a build; not the packs, which are bound from these same pages."""
    downloads = build / "site" / "downloads"
    return sorted(p for p in downloads.rglob("*.pdf") if not p.name.endswith("-pack.pdf"))


def short_pages(build: Path, paper: str) -> dict[tuple[str, str, int], float]:
    downloads = build / "site" / "downloads"
    found = {}
    for path in documents_of(build):
        for number, used in enumerate(used_fractions(path), 1):
            if used < UNDER:
                found[(paper, path.relative_to(downloads).as_posix(), number)] = used
    return found


def test_a_page_s_used_fraction_is_where_its_ink_ends(mini_build):
    """The measure itself, on a page whose content is known: a full page of statements reads as nearly
    full, and the measure sees the faint writing lines of a comment box, not only text."""
    form = mini_build / "site" / "downloads" / "mini" / "stage-2-gather" / "group-recording.pdf"
    fractions = used_fractions(form)
    assert all(0 < f <= 1 for f in fractions)
    assert max(fractions) > 0.5


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_no_page_is_printed_for_a_few_lines(paper, bundled_build, request):
    build = bundled_build if paper == "A4" else request.getfixturevalue("bundled_letter_build")
    found = short_pages(build, paper)
    by_document: dict[str, list[str]] = {}
    for (_, document, number), used in sorted(found.items()):
        reason = explained(paper, document, number) or "NOT EXPLAINED"
        by_document.setdefault(document, []).append(f"p{number} {used:.0%} ({reason})")
    print(f"\n{paper}: pages under {UNDER:.0%} used, {len(found)} in {len(documents_of(build))} documents")
    for document, pages in by_document.items():
        print(f"  {document}: {'; '.join(pages)}")
    unexplained = sorted(k for k in found if not explained(*k))
    assert not unexplained, f"pages under {UNDER:.0%} used that nobody explained: {unexplained}"
    stale = [pattern for pattern, _ in EXPLAINED if fnmatch(f"{paper}:", pattern.split(":")[0] + ":")
             and not any(fnmatch(f"{p}:{d}#{n}", pattern) for p, d, n in found)]
    assert not stale, f"explained pages that are no longer short (take them off the list): {stale}"


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_ara_response_form_takes_at_most_five_sheets(paper, bundled_build, request):
    """One respondent's form, printed single-sided (both sides is a school's choice)."""
    build = bundled_build if paper == "A4" else request.getfixturevalue("bundled_letter_build")
    form = build / "site" / "downloads" / ARA_FORM
    sheets = len(used_fractions(form))
    document = pypdfium2.PdfDocument(str(form))
    try:
        width = document[0].get_size()[0]
    finally:
        document.close()
    assert round(width / MM) == (210 if paper == "A4" else 216)
    print(f"\n{paper}: {ARA_FORM} {sheets} sheets")
    assert sheets <= MOST_SHEETS
