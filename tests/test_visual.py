"""Page 1 of every document kind, compared with a committed picture of how it should look.

After an intended change to templates or print.css, look at the new pictures, then refresh them:

    UPDATE_BASELINES=1 python -m pytest tests/test_visual.py

The tolerance absorbs anti-aliasing differences between machines, not layout changes: pages are
compared in 4 x 4 pixel cells, and a moved line or box changes whole cells.
"""

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from .pdf_reading import render

BASELINES = Path(__file__).parent / "visual"
PAGES = {
    "briefing": "stage-1-prepare/briefing.pdf",
    "group-recording": "stage-2-gather/group-recording.pdf",
    "collation-questionnaire": "stage-2-gather/collation.pdf",
    "collation-topics": "stage-1-prepare/collation.pdf",
    "response-form": "stage-2-gather/response-form.pdf",
    "facilitator-guide": "stage-1-prepare/facilitator-guide.pdf",
    "audit-timetable": "stage-2-gather/audit-timetable.pdf",
    "checkin-log": "stage-1-prepare/checkin-log.pdf",
    "research-notes": "stage-2-gather/research-notes-ethos.pdf",
    "short-report": "stage-2-gather/short-report-ethos.pdf",
    "action-plan": "stage-2-gather/action-plan.pdf",
    "pack-cover": "stage-2-gather-pack.pdf",
    "large-print": "stage-2-gather/response-form-large-print.pdf",
    "blank": "stage-2-gather/group-recording-blank.pdf",
    "fillable": "stage-2-gather/response-form-fillable.pdf",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_one_looks_as_before(mini_build, name):
    compare(render(mini_build / "site" / "downloads" / "mini" / PAGES[name], 0, scale=0.4, grayscale=True), name)


def compare(picture, name: str) -> None:
    """``picture`` against the baseline called ``name``, saving it as the baseline when there is none."""
    baseline = BASELINES / f"{name}.png"
    if os.environ.get("UPDATE_BASELINES") or not baseline.exists():
        picture.save(baseline, optimize=True)
        if not os.environ.get("UPDATE_BASELINES"):
            pytest.fail(f"no baseline for {name}: saved one; look at {baseline} and commit it")
    expected = Image.open(baseline).convert("L")
    assert picture.size == expected.size, f"{name}: page size changed"
    cells = ImageChops.difference(picture, expected).reduce(4).histogram()
    changed = sum(count for level, count in enumerate(cells) if level > 24) / sum(cells)
    assert changed < 0.002, f"{name}: {changed:.2%} of the page looks different from {baseline.name}"


WELLBEING_REVIEW = {
    "wellbeing-review-group-rating": "stage-2-review-in-groups/group-rating-wellbeing-review-staff.pdf",
    "wellbeing-review-voices": "stage-2-review-in-groups/group-rating-wellbeing-review-pupils.pdf",
    "wellbeing-review-briefing": "stage-2-review-in-groups/briefing.pdf",
    "wellbeing-review-cover": "wellbeing-review-complete-pack.pdf",
}
"""The bundled third example: its shape (one rating per statement, forms for groups and for the
pupil council and parent forum) is the one the mini programme does not have."""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WELLBEING_REVIEW))
def test_the_third_example_looks_as_before(bundled_build, name):
    path = bundled_build / "site" / "downloads" / "wellbeing-review" / WELLBEING_REVIEW[name]
    compare(render(path, 0, scale=0.4, grayscale=True), name)


LANGUAGES = {
    "cy-ara-response-form": "cy/downloads/blackpool-ara/stage-2-individual-responses/response-form.pdf",
    "cy-ara-group-recording": "cy/downloads/blackpool-ara/stage-3-group-discussion/group-recording.pdf",
    "cy-ara-cover": "cy/downloads/blackpool-ara/blackpool-ara-complete-pack.pdf",
    "ar-wellbeing-parents-response-form": "ar/downloads/wellbeing-review/general/"
                                          "response-form-wellbeing-review-parents.pdf",
    "ar-wellbeing-briefing": "ar/downloads/wellbeing-review/stage-2-review-in-groups/briefing.pdf",
}
"""A page one per language of the bundled editions: Welsh (longer words, ŵ and ŷ) and Arabic (right
to left, its own face)."""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_each_language_looks_as_before(bundled_build, name):
    compare(render(bundled_build / "site" / LANGUAGES[name], 0, scale=0.4, grayscale=True), name)


BILINGUAL = {
    "bilingual-cy-ara-response-form":
        ("downloads/blackpool-ara/stage-2-individual-responses/response-form-bilingual-cy-en-gb.pdf", 2),
    "bilingual-cy-ara-group-recording":
        ("downloads/blackpool-ara/stage-3-group-discussion/group-recording-bilingual-cy-en-gb.pdf", 1),
    "bilingual-ar-wellbeing-response-form":
        ("downloads/wellbeing-review/general/response-form-wellbeing-review-parents-bilingual-ar-en-gb.pdf", 1),
    "bilingual-ar-wellbeing-group-rating":
        ("downloads/wellbeing-review/stage-2-review-in-groups/" + "group-rating-wellbeing-review-parents-bilingual"
         + "-ar-en-gb.pdf", 2),
    "bilingual-cy-ara-collation":
        ("downloads/blackpool-ara/stage-4-collate-and-plan/collation-bilingual-cy-en-gb.pdf", 2),
    "bilingual-cy-ara-action-plan":
        ("downloads/blackpool-ara/stage-4-collate-and-plan/action-plan-bilingual-cy-en-gb.pdf", 0),
}
"""A page of statements of each bilingual form: Welsh above English, and Arabic (right to left) above
English (left to right) in one table."""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BILINGUAL))
def test_each_bilingual_form_looks_as_before(bundled_build, name):
    path, page = BILINGUAL[name]
    compare(render(bundled_build / "site" / path, page, scale=0.4, grayscale=True), name)
