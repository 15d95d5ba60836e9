"""One page read whole: located, its boxes decided, its writing areas and doubts cut out as pictures.

:func:`read_page` is what a worker process runs for each page; it returns only small things (answers,
a few PNG crops, a thumbnail) so that pages stream through and memory stays flat however long the scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..scan_code import PageCode
from .boxes import INSET, crop, measure_boxes, writing_ink
from .decide import Decision, decide, state
from .images import PageRef, Unreadable, load_page
from .layouts import Layout
from .locate import PageProblem, locate

WRITTEN = 0.002
"""Share of a writing area covered by handwriting from which it counts as written in."""
SIGNATURE = (8, 8)
"""Each marked box's inside reduced to this many pixels: the shape of the pen stroke, which tells the
same sheet scanned twice (same strokes) from another person's with the same answers (other strokes)."""
TWICE = 24.0
"""Mean difference (0-255) of two signatures below which they are one sheet's."""


@dataclass(frozen=True)
class PageRead:
    ref: PageRef
    code: PageCode
    decisions: tuple[Decision, ...]
    writing: dict[str, bytes | None]
    """Each writing area's picture (PNG) where something is written, else None."""
    doubt_pictures: dict[str, bytes] = field(default_factory=dict)
    """A PNG of each doubted question's boxes."""
    signature: bytes = b""


@dataclass(frozen=True)
class PageFailed:
    ref: PageRef
    reason: str
    blank: bool = False


def read_page(ref: PageRef, layouts: dict[str, Layout]) -> PageRead | PageFailed:
    try:
        gray = load_page(ref)
    except Unreadable as exc:
        return PageFailed(ref, str(exc))
    try:
        found = locate(gray, layouts)
    except PageProblem as exc:
        return PageFailed(ref, str(exc), blank=exc.blank)
    page = found.layout.pages[found.code.page - 1]
    decisions, pictures, strokes = [], {}, []
    for question, boxes in page.questions().items():
        inks = measure_boxes(found.canvas, found.scale, boxes)
        strokes += [_stroke(found.canvas, found.scale, ink.box) for ink in inks if state(ink) != "empty"]
        decision = decide(question, inks)
        decisions.append(decision)
        if decision.doubt:
            left, top = min(b.x for b in boxes), min(b.y for b in boxes)
            right, bottom = max(b.x + b.width for b in boxes), max(b.y + b.height for b in boxes)
            pictures[question] = _png(crop(found.canvas, found.scale, left, top, right - left, bottom - top,
                                           margin=14))
    writing = {}
    for area in page.writing:
        written = writing_ink(found.canvas, found.scale, area) >= WRITTEN
        writing[area.field] = _png(crop(found.canvas, found.scale, area.x, area.y, area.width, area.height)) \
            if written else None
    return PageRead(ref, found.code, tuple(decisions), writing, pictures, b"".join(strokes))


def same_sheet(first: PageRead, second: PageRead) -> bool:
    """Whether two reads are of one sheet scanned twice: the same code, the same answers and, to the
    eye, the same page (another person's sheet differs in its handwriting and marks)."""
    if first.code != second.code or first.decisions != second.decisions or not first.signature:
        return False
    if len(first.signature) != len(second.signature):
        return False
    a = np.frombuffer(first.signature, np.uint8).astype(np.int16)
    b = np.frombuffer(second.signature, np.uint8).astype(np.int16)
    return float(np.mean(np.abs(a - b))) < TWICE


def _stroke(canvas: np.ndarray, scale: float, box) -> bytes:
    inside = crop(canvas, scale, box.x, box.y, box.width, box.height, margin=-box.width * INSET)
    return cv2.resize(inside, SIGNATURE, interpolation=cv2.INTER_AREA).tobytes() if inside.size else b""


def _png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    return data.tobytes() if ok else b""
