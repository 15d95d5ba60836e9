"""Find a page in a scan or photo: its code, which way up it is, and where its corner marks are.

The QR code says which form and page it is and which way up the page lies; its size gives the
scale. The page's light is evened out (shadows and a phone's uneven light divided away), the four
solid corner marks are found, and the page is mapped onto a straight canvas at :data:`CANVAS_DPI`,
where every box is where its layout says, whatever the rotation, tilt or perspective of the scan.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..i18n import ntell, tell
from ..scan_code import MARK_MM, QR_SYMBOL_MM, PageCode, mark_centres, words
from .layouts import Layout

CANVAS_DPI = 150
"""Resolution of the straightened page: a 6 mm box is 35 pixels square, a pen stroke 2 to 4 pixels."""
MIN_DOTS_PER_MM = 3.5
"""About 90 dpi: below it a box's border and a light tick blur together."""
BLANK_INK = 0.0015
"""Share of a page's pixels that are dark below which it is called blank (a form page has far more)."""


class PageProblem(Exception):
    """A page that cannot be read; the message says why, for the person scanning."""

    def __init__(self, message: str, blank: bool = False):
        super().__init__(message)
        self.blank = blank
        """The page has no ink at all: a back of a duplex scan, listed rather than refused."""


@dataclass(frozen=True)
class Located:
    code: PageCode
    layout: Layout
    canvas: np.ndarray
    """The page straightened: 0 ink, 255 paper, :data:`CANVAS_DPI` pixels per inch."""

    @property
    def scale(self) -> float:
        """Canvas pixels per PDF point."""
        return CANVAS_DPI / 72


def locate(gray: np.ndarray, layouts: dict[str, Layout]) -> Located:
    if min(gray.shape) < 400:
        raise PageProblem(tell("the image is only %(width)d by %(height)d pixels, too small to read (scan at 150 dpi "
                               "or more)") % {"width": gray.shape[1], "height": gray.shape[0]})
    code, corners = _page_code(gray)
    layout = layouts.get(code.form)
    if layout is None:
        raise PageProblem(tell("its code names form %(form)s, which no layout here describes: it was printed from "
                               "another programme, or from an earlier build (give that build's output folder with "
                               "--layouts)") % {"form": words(code.form)})
    if code.page > len(layout.pages):
        raise PageProblem(ntell("its code says page %(page)d, but form %(form)s has %(count)d page",
                                "its code says page %(page)d, but form %(form)s has %(count)d pages",
                                len(layout.pages)) % {"page": code.page, "form": words(code.form),
                                                      "count": len(layout.pages)})
    turns = _quarter_turns(corners)
    corners = _rotated(corners, turns, gray.shape)
    gray = np.ascontiguousarray(np.rot90(gray, turns))
    per_mm = float(np.mean([np.linalg.norm(corners[i] - corners[(i + 1) % 4]) for i in range(4)])) / QR_SYMBOL_MM
    if per_mm < MIN_DOTS_PER_MM:
        raise PageProblem(tell("it was scanned at about %(dpi)s dpi, too coarse to read boxes (scan at 150 dpi or "
                               "more)") % {"dpi": f"{per_mm * 25.4:.0f}"})
    even = evened(gray, per_mm)
    page = layout.pages[code.page - 1]
    marks = _corner_marks(even, per_mm, corners, mark_centres(page.width, page.height))
    scale = CANVAS_DPI / 72
    target = np.array([[x * scale, y * scale] for x, y in mark_centres(page.width, page.height)], np.float32)
    matrix = cv2.getPerspectiveTransform(np.array(marks, np.float32), target)
    size = (round(page.width * scale), round(page.height * scale))
    canvas = cv2.warpPerspective(even, matrix, size, flags=cv2.INTER_AREA if per_mm > 8 else cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return Located(code, layout, canvas)


def is_blank(gray: np.ndarray) -> bool:
    """A page with almost no ink at all: the back of a sheet, or a sheet fed twice."""
    small = cv2.resize(gray, (max(1, gray.shape[1] // 4), max(1, gray.shape[0] // 4)), interpolation=cv2.INTER_AREA)
    even = evened(small, max(small.shape) / 300)
    return float(np.mean(even < 128)) < BLANK_INK


def evened(gray: np.ndarray, per_mm: float) -> np.ndarray:
    """The page with its paper made white: each pixel divided by the paper's brightness around it.

    The paper's brightness is the brightest value within about 15 mm (wider than any filled box, so
    ink is never taken for paper), smoothed; dividing by it removes shadows and uneven light.
    """
    shrink = max(1, int(per_mm * 2))  # work at about half a millimetre a pixel
    small = cv2.resize(gray, (max(1, gray.shape[1] // shrink), max(1, gray.shape[0] // shrink)),
                       interpolation=cv2.INTER_AREA)
    reach = max(3, int(15 * per_mm / shrink) | 1)
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    paper = cv2.GaussianBlur(paper, (0, 0), reach / 2)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(gray.astype(np.float32) * 255 / np.maximum(paper, 1), 0, 255).astype(np.uint8)


def _page_code(gray: np.ndarray) -> tuple[PageCode, np.ndarray]:
    """The page's code and the image positions of its QR symbol's corners (top-left, top-right,
    bottom-right, bottom-left, as the symbol reads)."""
    import zxingcpp

    found = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    codes = {}
    others = 0
    for result in found:
        code = PageCode.parse(result.text)
        if code is None:
            others += 1
            continue
        p = result.position
        codes[code] = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                                [p.bottom_right.x, p.bottom_right.y], [p.bottom_left.x, p.bottom_left.y]], np.float32)
    if len(codes) > 1:
        shown = ", ".join(tell("form %(form)s page %(page)d") % {"form": words(c.form), "page": c.page}
                          for c in sorted(codes, key=lambda c: c.payload))
        raise PageProblem(tell("it shows more than one page (%(pages)s): scan or photograph one page at a time") % {
            "pages": shown})
    if not codes:
        if others:
            raise PageProblem(tell("its QR code is not an auditpack page code (is it a page of another kind of "
                                   "form?)"))
        if is_blank(gray):
            raise PageProblem(tell("it is blank (the back of a sheet?)"), blank=True)
        raise PageProblem(tell("no page code could be read: if it is a page of a form, its top right corner may be "
                               "cut off, folded or out of focus (scan it again); pages without a code, such as "
                               "briefing sheets, need not be scanned"))
    return next(iter(codes.items()))


def _quarter_turns(corners: np.ndarray) -> int:
    """Quarter turns anticlockwise (numpy's rot90) that bring the page upright, from the direction of
    the symbol's top edge."""
    dx, dy = corners[1] - corners[0]
    angle = np.degrees(np.arctan2(dy, dx))  # 0: upright; 90: turned clockwise a quarter
    return round(float(angle) / 90) % 4


def _rotated(points: np.ndarray, turns: int, shape: tuple[int, ...]) -> np.ndarray:
    """Where points of an image of ``shape`` are after np.rot90(image, turns)."""
    height, width = shape[:2]
    out = points.copy()
    for _ in range(turns):  # one anticlockwise turn: (x, y) -> (y, width - 1 - x), and the sides swap
        out = np.stack([out[:, 1], (width - 1) - out[:, 0]], axis=1)
        height, width = width, height
    return out


def _corner_marks(even: np.ndarray, per_mm: float, qr: np.ndarray,
                  printed: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """Centres of the four corner marks, clockwise from the top-left: of the solid squares of about
    the marks' size, the one furthest towards each corner of the page. ``printed`` is where they are
    on the page, in points, which places marks a skewed sheet's corners cut off."""
    ink = (even < 110).astype(np.uint8)
    count, _, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    side = MARK_MM * per_mm
    candidates = []
    for label in range(1, count):
        _, _, w, h, area = stats[label]
        if (0.6 * side <= w <= 1.6 * side and 0.6 * side <= h <= 1.6 * side and abs(w - h) <= 0.35 * side
                and area >= 0.8 * w * h):
            candidates.append(centres[label])
    found: list[np.ndarray | None] = []
    middle = np.array([even.shape[1] / 2, even.shape[0] / 2])
    for direction in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        towards = [c for c in candidates if np.all(np.sign(c - middle) == direction)]
        found.append(max(towards, key=lambda c: float(np.dot(c - middle, direction))) if towards else None)
    lost = [i for i, mark in enumerate(found) if mark is None]
    if len(lost) > 2:
        raise PageProblem(tell("its corner marks could not be found (are corners cut off, folded or covered? "
                               "the whole page must be in the scan or photo)"))
    if len(lost) == 1:  # a corner cut off by a skewed sheet: the page is a parallelogram, the other three place it
        i = lost[0]
        found[i] = found[(i + 1) % 4] + found[(i + 3) % 4] - found[(i + 2) % 4]  # type: ignore[operator]
    elif lost:  # two cut off: the two left give the turn, scale and shift (a scanner adds no perspective)
        kept = [i for i in range(4) if found[i] is not None]
        image = [complex(*found[i]) for i in kept]  # type: ignore[misc]
        page = [complex(*printed[i]) for i in kept]
        a = (image[1] - image[0]) / (page[1] - page[0])
        for i in lost:
            z = a * (complex(*printed[i]) - page[0]) + image[0]
            found[i] = np.array([z.real, z.imag])
    _check_shape(found, qr)  # type: ignore[arg-type]
    return [(float(x), float(y)) for x, y in found]  # type: ignore[misc]


def _check_shape(marks: list[np.ndarray], qr: np.ndarray) -> None:
    """The marks must frame the QR code near the top-right one: else something else was taken for them."""
    top_right = marks[1]
    centre = qr.mean(axis=0)
    width = np.linalg.norm(marks[1] - marks[0])
    if not (centre[1] < (marks[0][1] + marks[3][1]) / 2 and np.linalg.norm(centre - top_right) < 0.5 * width):
        raise PageProblem(tell("its corner marks were not where the code says (a dark square near a corner? "
                               "scan it again on a clean background)"))
