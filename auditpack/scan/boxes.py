"""How much ink is in each box and writing area of a straightened page.

A box is found again on the canvas by its printed border: within a few pixels of where the layout
puts it, the offset whose border ring is darkest wins (a scan's small stretch or a slightly bent
sheet moves boxes by a pixel or two). Then the ink inside is measured twice, away from the border:
how much is dark (a pen) and how much is darker than paper at all (a light pencil), so that a
faint mark is doubted instead of read as empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .layouts import Area, Box

SEARCH_PT = 3.0
"""How far (points) from its layout position a box is looked for."""
BORDER_PT = 1.2
"""The printed border's width (print.css ``.box``)."""
INSET = 0.16
"""Share of a box's side left out on each side when measuring ink, so the border never counts."""
DARK = 150
"""Canvas values below this are pen ink (paper is 255 after evening the light)."""
GREY = 215
"""Canvas values below this are darker than paper: pencil, or a very light pen."""


@dataclass(frozen=True)
class Ink:
    box: Box
    dark: float
    """Share of the box's inside that is pen-dark."""
    grey: float
    """Share of the box's inside that is darker than paper."""
    found: bool
    """Whether the box's border was seen near its place (else the page is not what its layout says)."""


def measure_boxes(canvas: np.ndarray, scale: float, boxes: tuple[Box, ...]) -> list[Ink]:
    dark = (canvas < DARK).astype(np.uint8)
    grey = (canvas < GREY).astype(np.uint8)
    darkness = cv2.integral(255 - canvas)
    dark_sum, grey_sum = cv2.integral(dark), cv2.integral(grey)
    reach = max(1, round(SEARCH_PT * scale))
    border = max(1, round(BORDER_PT * scale))
    result = []
    for box in boxes:
        x, y = round(box.x * scale), round(box.y * scale)
        w, h = max(3, round(box.width * scale)), max(3, round(box.height * scale))
        best, best_ring = (x, y), -1.0
        for dy in range(-reach, reach + 1):
            for dx in range(-reach, reach + 1):
                ring = _ring(darkness, x + dx, y + dy, w, h, border)
                if ring > best_ring:
                    best, best_ring = (x + dx, y + dy), ring
        bx, by = best
        inset_x, inset_y = max(1, round(w * INSET)), max(1, round(h * INSET))
        inside = (bx + inset_x, by + inset_y, w - 2 * inset_x, h - 2 * inset_y)
        area = max(1, inside[2] * inside[3])
        result.append(Ink(box, _sum(dark_sum, *inside) / area, _sum(grey_sum, *inside) / area, best_ring / 255 > 0.45))
    return result


def writing_ink(canvas: np.ndarray, scale: float, area: Area) -> float:
    """Share of a writing area covered by handwriting: its ruled lines (long thin horizontals) left out."""
    x, y, w, h = (round(v * scale) for v in (area.x, area.y, area.width, area.height))
    crop = canvas[max(0, y):y + h, max(0, x):x + w]
    if crop.size == 0:
        return 0.0
    ink = (crop < DARK).astype(np.uint8)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, w // 4), 1)))
    rules = np.asarray(cv2.dilate(rules, np.ones((3, 3), np.uint8))) == 0
    return float(np.mean((ink > 0) & rules))


def crop(canvas: np.ndarray, scale: float, x: float, y: float, width: float, height: float,
         margin: float = 6.0) -> np.ndarray:
    """The canvas around a rectangle given in points, ``margin`` points on each side."""
    top, left = max(0, round((y - margin) * scale)), max(0, round((x - margin) * scale))
    return canvas[top:round((y + height + margin) * scale), left:round((x + width + margin) * scale)]


def _sum(table: np.ndarray, x: int, y: int, w: int, h: int) -> float:
    """Sum of the pixels of a rectangle from an integral image (zero outside the canvas)."""
    height, width = table.shape[0] - 1, table.shape[1] - 1
    x0, y0 = min(max(x, 0), width), min(max(y, 0), height)
    x1, y1 = min(max(x + w, 0), width), min(max(y + h, 0), height)
    return float(table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0])


def _ring(table: np.ndarray, x: int, y: int, w: int, h: int, border: int) -> float:
    """Mean darkness of the band ``border`` pixels wide just outside a rectangle."""
    outer = _sum(table, x - border, y - border, w + 2 * border, h + 2 * border)
    inner = _sum(table, x, y, w, h)
    band = (w + 2 * border) * (h + 2 * border) - w * h
    return (outer - inner) / band
