"""scan/decide.py: the ink in a question's boxes to an answer, or to a doubt, never a guess."""

from __future__ import annotations

import pytest

from auditpack.scan.boxes import Ink
from auditpack.scan.decide import decide, state
from auditpack.scan.layouts import Box


def inks(*shares: float | tuple[float, float], found: bool = True) -> list[Ink]:
    """One box per share of pen-dark ink (or (dark, grey)), valued 1, 2, 3..."""
    made = []
    for n, share in enumerate(shares, start=1):
        dark, grey = share if isinstance(share, tuple) else (share, share)
        made.append(Ink(Box("item:kind:doing", str(n), 0, 0, 17, 17), dark, grey, found))
    return made


@pytest.mark.parametrize(("dark", "grey", "expected"), [
    (0.0, 0.0, "empty"), (0.01, 0.03, "empty"),       # dust and a speck of toner
    (0.12, 0.2, "marked"), (0.4, 0.45, "marked"),     # a tick, a bold cross
    (0.95, 0.97, "filled"),                           # filled in: withdrawn
    (0.01, 0.2, "unsure"),                            # light pencil: darker than paper, not pen-dark
    (0.04, 0.06, "unsure"),                           # a faint short stroke
    (0.7, 0.75, "unsure"),                            # a heavy scribble, not quite filled
])
def test_each_box_is_empty_marked_filled_or_unsure(dark, grey, expected):
    assert state(inks((dark, grey))[0]) == expected


def test_one_tick_is_the_answer_and_a_filled_box_beside_it_is_withdrawn():
    assert decide("item:kind:doing", inks(0, 0.2, 0, 0)).answer == "2"
    changed = decide("item:kind:doing", inks(0.95, 0, 0.2, 0))
    assert (changed.answer, changed.doubt) == ("3", None)


def test_nothing_is_guessed():
    unanswered = decide("q", inks(0, 0, 0, 0))
    assert unanswered.answer is None and unanswered.doubt is None
    two = decide("q", inks(0.2, 0, 0.3, 0))
    assert two.answer is None and two.candidates == ("1", "3") and "more than one" in two.doubt
    faint = decide("q", inks(0.2, (0.01, 0.2), 0, 0))
    assert faint.answer is None and faint.candidates == ("1", "2")
    withdrawn_only = decide("q", inks(0, 0.95, 0, 0))
    assert withdrawn_only.answer is None and withdrawn_only.candidates == ("2",)
    moved = decide("q", inks(0.2, 0, 0, 0, found=False))
    assert moved.answer is None and "not where the form has them" in moved.doubt
