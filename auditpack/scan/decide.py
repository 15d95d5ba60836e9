"""From the ink in a question's boxes to its answer, or to a doubt a person settles.

The forms print the rule for changing an answer: fill the unwanted box in completely, then tick
the right one. So a filled box is a withdrawn answer, a tick or cross is an answer, and anything
in between (a faint mark, a heavy scribble, two ticks, only a filled box) is not guessed at: it
becomes a doubt, with the boxes that might be meant as its candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..i18n import N_
from .boxes import Ink

State = Literal["empty", "marked", "filled", "unsure"]

EMPTY_DARK, EMPTY_GREY = 0.02, 0.05
"""At most this much pen-dark and this much pencil-grey inside a box: nothing was written in it."""
MARK_DARK = 0.06
"""At least this much pen-dark: a tick or cross (a short tick covers about a tenth of the inside)."""
HEAVY_DARK = 0.62
"""Above this a mark is more than a tick or cross, and below :data:`FILLED_DARK` not quite filled in."""
FILLED_DARK = 0.80
"""At least this much pen-dark: the box is filled in, an answer withdrawn."""


def state(ink: Ink) -> State:
    if ink.dark <= EMPTY_DARK and ink.grey <= EMPTY_GREY:
        return "empty"
    if ink.dark >= FILLED_DARK:
        return "filled"
    if MARK_DARK <= ink.dark <= HEAVY_DARK:
        return "marked"
    return "unsure"


@dataclass(frozen=True)
class Decision:
    field: str
    answer: str | None
    """The answer read, or None (unanswered, or in doubt)."""
    doubt: str | None = None
    """Why a person must look, or None when the reader is sure: a phrase marked for the catalogue (in
    English), said in the review page's language where the page shows it."""
    candidates: tuple[str, ...] = ()
    """The answers the doubt is between (the person may also choose none)."""


def decide(field: str, inks: list[Ink]) -> Decision:
    if not all(ink.found for ink in inks):
        return Decision(field, None, N_("the boxes are not where the form has them (a crease, or a page of another "
                                        "print?)"), tuple(i.box.value for i in inks))
    states = [(ink.box.value, state(ink)) for ink in inks]
    marked = tuple(value for value, s in states if s == "marked")
    filled = tuple(value for value, s in states if s == "filled")
    unsure = tuple(value for value, s in states if s == "unsure")
    if unsure:
        return Decision(field, None, N_("a mark is too faint or too heavy to be sure of"), (*marked, *unsure, *filled))
    if len(marked) == 1:
        return Decision(field, marked[0])
    if len(marked) > 1:
        return Decision(field, None, N_("more than one box is ticked"), marked)
    if filled:
        return Decision(field, None, N_("a box is filled in (an answer withdrawn) and no other is ticked"), filled)
    return Decision(field, None)
